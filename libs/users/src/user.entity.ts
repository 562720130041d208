import { epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@atrium/common';

@Entity('user')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  username: string | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @Column({ name: 'profile_image_url', type: 'text', nullable: true })
  profileImageUrl: string | null;

  @Column({ type: 'text', nullable: true })
  bio: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  gender: string | null;

  @Column({ name: 'date_of_birth', type: 'varchar', length: 32, nullable: true })
  dateOfBirth: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  info: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  settings: Record<string, unknown> | null;

  @Column({ name: 'oauth_sub', type: 'varchar', length: 255, nullable: true })
  oauthSub: string | null;

  @Column({ name: 'last_active_at', type: 'bigint', transformer: epochTransformer })
  lastActiveAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;
}
