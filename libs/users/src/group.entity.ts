import { epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PermissionTree } from '@atrium/config';

@Entity('group')
export class GroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  /** The admin who created the group. */
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  permissions: PermissionTree | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  data: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
