import { epochTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Signed-out tokens when Redis is not configured (SHA-256 of the JWT). */
@Entity('revoked_token')
export class RevokedTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** When the token would have expired anyway; null for tokens without expiry. */
  @Column({ name: 'expires_at', type: 'bigint', nullable: true, transformer: epochTransformer })
  expiresAt: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
