import { epochTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('group_member')
export class GroupMemberEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'group_id', type: 'varchar', length: 255 })
  groupId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
