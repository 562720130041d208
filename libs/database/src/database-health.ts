import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Pings the database for /health/db and /ready. */
@Injectable()
export class DatabaseHealth {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async ping(): Promise<boolean> {
    if (!this.dataSource.isInitialized) return false;
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
