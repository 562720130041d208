import { booleanTransformer, epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A workspace model: an overlay on a provider model (no base) or a preset on a base model. */
@Entity('model')
@Index('ix_model_user', ['userId'])
export class ModelEntity {
  @PrimaryColumn({ type: 'varchar', length: 256 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'base_model_id', type: 'varchar', length: 256, nullable: true })
  baseModelId: string | null;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  params: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;

  @Column({ name: 'is_active', type: 'boolean', default: true, transformer: booleanTransformer })
  isActive: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}
