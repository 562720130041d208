import { epochTransformer, jsonValueTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One persisted run-time setting, keyed by Open WebUI's dotted config path. */
@Entity('config')
export class ConfigEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'text', transformer: jsonValueTransformer })
  value: unknown;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}
