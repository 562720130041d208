import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { USER_ROLES } from '@atrium/config';
import type { Role } from '@atrium/common';
import { IsProfileImageUrl } from './request-validators.js';

/** `?query&order_by&direction&page` of GET /api/v1/users/ and /search. */
export class UserListQueryDto {
  @IsOptional()
  @IsString()
  query?: string;

  /** A column, or `group_id:<id>` to list that group's members first. */
  @IsOptional()
  @IsString()
  @Matches(/^(name|email|created_at|last_active_at|updated_at|role|group_id:.+)$/, {
    message:
      'order_by must be name, email, created_at, last_active_at, updated_at, role or group_id:<id>',
  })
  order_by?: string;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  page?: number;
}

export type UserListQueryParams = Pick<
  UserListQueryDto,
  'query' | 'order_by' | 'direction' | 'page'
>;

/** POST /api/v1/users/{id}/update: every field optional (Open WebUI's current UserUpdateForm). */
export class UpdateUserDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: Role;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsEmail({ require_tld: false })
  email?: string;

  @IsOptional()
  @IsString()
  @IsProfileImageUrl()
  profile_image_url?: string;

  @IsOptional()
  @IsString()
  password?: string;
}
