import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ProviderConnectionEntity } from './provider-connection.entity.js';

export interface StoredConnections {
  kind: string;
  enabled: boolean;
  urls: string[];
  configs: Record<string, Record<string, unknown>>;
  secrets: string;
  updatedAt: number;
}

/** The only code that touches the `provider_connection` table. */
@Injectable()
export class ConnectionsRepository {
  private readonly rows: Repository<ProviderConnectionEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.rows = dataSource.getRepository(ProviderConnectionEntity);
  }

  async readAll(): Promise<StoredConnections[]> {
    return this.rows.find();
  }

  /** Inserts the row unless one exists (first boot seeds; another instance may race us). */
  async insertIfMissing(row: StoredConnections): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .values({ ...row, configs: row.configs as never })
      .orIgnore()
      .execute();
  }

  async save(row: StoredConnections): Promise<void> {
    await this.rows.save(row);
  }
}
