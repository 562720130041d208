import { epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One governance event of the append-only admin audit trail (never updated or deleted). */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Epoch milliseconds. */
  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochTransformer })
  occurredAt: number;

  @Column({ name: 'actor_id', type: 'varchar', length: 255, nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_email', type: 'varchar', length: 255, nullable: true })
  actorEmail: string | null;

  @Column({ type: 'varchar', length: 128 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64 })
  targetType: string;

  @Column({ name: 'target_id', type: 'varchar', length: 255, nullable: true })
  targetId: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  before: unknown;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  after: unknown;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;
}
