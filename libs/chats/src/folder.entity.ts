import { booleanTransformer, epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('folder')
export class FolderEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'parent_id', type: 'varchar', length: 255, nullable: true })
  parentId: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  items: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  data: Record<string, unknown> | null;

  @Column({ name: 'is_expanded', type: 'boolean', default: false, transformer: booleanTransformer })
  isExpanded: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}
