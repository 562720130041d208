import { epochTransformer } from '@atrium/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('access_grant')
@Index('ix_access_grant_resource', ['resourceType', 'resourceId'])
@Index('ix_access_grant_principal', ['principalType', 'principalId'])
export class AccessGrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 256 })
  resourceId: string;

  @Column({ name: 'principal_type', type: 'varchar', length: 16 })
  principalType: string;

  @Column({ name: 'principal_id', type: 'varchar', length: 255 })
  principalId: string;

  @Column({ type: 'varchar', length: 16 })
  permission: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
