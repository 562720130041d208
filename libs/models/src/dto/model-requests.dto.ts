import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/**
 * Open WebUI's ModelForm. `id` is checked against 256 characters by the service (400, as Open
 * WebUI answers). Grants come as `access_grants` ([N]) or the legacy `access_control` ([L]).
 * Fields of a ModelModel that clients send back (user_id, timestamps...) are accepted and ignored.
 */
export class ModelFormDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  id: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  base_model_id?: string | null;

  @IsString()
  name: string;

  @IsOptional()
  @IsObject()
  params?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  meta?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  access_control?: Record<string, unknown> | null;

  @IsOptional()
  @IsArray()
  access_grants?: unknown[] | null;

  @IsOptional()
  @IsBoolean()
  is_active?: boolean | null;

  @Allow()
  user_id?: unknown;

  @Allow()
  created_at?: unknown;

  @Allow()
  updated_at?: unknown;

  @Allow()
  write_access?: unknown;
}

/** POST /model/access/update [N]. */
export class ModelAccessFormDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  id: string;

  @IsOptional()
  @IsString()
  name?: string | null;

  @IsOptional()
  @IsArray()
  access_grants?: unknown[] | null;

  @IsOptional()
  @IsObject()
  access_control?: Record<string, unknown> | null;
}

/** POST /model/delete [N]. */
export class ModelIdFormDto {
  @IsString()
  @IsNotEmpty()
  id: string;
}

/** POST /import and /sync: models as exported; each entry is read leniently. */
export class ModelListFormDto {
  @IsArray()
  @IsObject({ each: true })
  models: Record<string, unknown>[];
}

export interface ModelIdQuery {
  id: string;
}

export class ModelIdQueryDto implements ModelIdQuery {
  @IsString()
  @IsNotEmpty()
  id: string;
}

export interface OptionalModelIdQuery {
  id?: string;
}

export class OptionalModelIdQueryDto implements OptionalModelIdQuery {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  id?: string;
}

export interface ModelListQuery {
  query?: string;
  view_option?: string;
  tag?: string;
  order_by?: string;
  direction?: string;
  page?: number;
}

export class ModelListQueryDto implements ModelListQuery {
  @IsOptional()
  @IsString()
  query?: string;

  @IsOptional()
  @IsString()
  view_option?: string;

  @IsOptional()
  @IsString()
  tag?: string;

  @IsOptional()
  @IsString()
  order_by?: string;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;
}

export interface TagQuery {
  tag?: string;
}

export class TagQueryDto implements TagQuery {
  @IsOptional()
  @IsString()
  tag?: string;
}
