import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { PermissionTree } from '@atrium/config';
import { IsPermissionTree } from './request-validators.js';

/** POST /api/v1/groups/create (Open WebUI's GroupForm). */
export class CreateGroupDto {
  @IsString()
  @MaxLength(255)
  name: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsPermissionTree()
  permissions?: PermissionTree;

  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

/** POST /api/v1/groups/id/{id}/update; `user_ids` (Open WebUI 0.6 forms) replaces the members. */
export class UpdateGroupDto {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsPermissionTree()
  permissions?: PermissionTree;

  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  user_ids?: string[];
}

/** POST /api/v1/groups/id/{id}/users/add and /remove. Unknown ids are ignored. */
export class UserIdsDto {
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  user_ids?: string[];
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** `?share=` of GET /api/v1/groups/ (FastAPI's boolean words). */
export class GroupListQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const word = value.toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
  })
  @IsBoolean()
  share?: boolean;
}

export type GroupListQueryParams = Pick<GroupListQueryDto, 'share'>;
