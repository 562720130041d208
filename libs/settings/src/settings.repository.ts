import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ConfigEntryEntity } from './config-entry.entity.js';

/** The only code that touches the `config` table. */
@Injectable()
export class SettingsRepository {
  private readonly entries: Repository<ConfigEntryEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.entries = dataSource.getRepository(ConfigEntryEntity);
  }

  async readAll(): Promise<Map<string, unknown>> {
    const rows = await this.entries.find();
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  /** Inserts the seeds that are not stored yet; stored values are never overwritten. */
  async insertMissing(seeds: Record<string, unknown>, now: number): Promise<void> {
    const stored = new Set(
      (await this.entries.find({ select: { key: true } })).map((row) => row.key),
    );
    const missing = Object.entries(seeds).filter(([key]) => !stored.has(key));
    for (const [key, value] of missing) {
      // orIgnore: another instance seeding at the same moment must not fail this one.
      await this.entries
        .createQueryBuilder()
        .insert()
        .values({ key, value: value as never, updatedAt: now })
        .orIgnore()
        .execute();
    }
  }

  async write(values: Record<string, unknown>, now: number): Promise<void> {
    await this.entries.manager.transaction(async (manager) => {
      for (const [key, value] of Object.entries(values)) {
        await manager.getRepository(ConfigEntryEntity).save({ key, value, updatedAt: now });
      }
    });
  }
}
