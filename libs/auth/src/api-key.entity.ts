import { epochTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One API key per user: looked up by SHA-256, kept encrypted so the owner can read it back. */
@Entity('api_key')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'key_encrypted', type: 'text' })
  keyEncrypted: string;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: epochTransformer })
  lastUsedAt: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
