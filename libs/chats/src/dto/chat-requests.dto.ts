import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ChatOrderColumn } from '../chat.model.js';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** FastAPI's boolean words in a query string. */
const BooleanWord = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const word = value.toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
  });

/**
 * POST /new and POST /{id} (Open WebUI's ChatForm). The chat JSON is open-ended (history tree,
 * params, files...) and stored as sent.
 */
export class ChatFormDto {
  @IsObject()
  chat: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  folder_id?: string | null;

  /** [N]: messages the client removed (accepted; the chat JSON is what is stored). */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  deleted_message_ids?: string[] | null;
}

/** One entry of POST /import; fields an export carries besides these are accepted and ignored. */
export class ImportChatDto {
  @IsObject()
  chat: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  meta?: Record<string, unknown> | null;

  @IsOptional()
  @IsBoolean()
  pinned?: boolean | null;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  folder_id?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  created_at?: number | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  updated_at?: number | null;

  @IsOptional() id?: unknown;
  @IsOptional() user_id?: unknown;
  @IsOptional() title?: unknown;
  @IsOptional() share_id?: unknown;
  @IsOptional() archived?: unknown;
}

export class ImportChatsDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ImportChatDto)
  chats: ImportChatDto[];
}

export class MessageFormDto {
  @IsString()
  content: string;
}

export class CloneFormDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  title?: string | null;
}

export class ChatFolderIdDto {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  folder_id?: string | null;
}

export class TagFormDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}

export class TagFilterFormDto extends TagFormDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  skip?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  limit?: number | null;
}

export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;
}

export class ChatListQueryDto extends PageQueryDto {
  @IsOptional()
  @BooleanWord()
  @IsBoolean()
  include_pinned?: boolean;

  @IsOptional()
  @BooleanWord()
  @IsBoolean()
  include_folders?: boolean;
}

export class ChatFilterQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  query?: string;

  @IsOptional()
  @IsIn(['title', 'updated_at', 'created_at'])
  order_by?: ChatOrderColumn;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';
}

export class SearchQueryDto extends PageQueryDto {
  @IsString()
  text: string;
}

export type PageQuery = Pick<PageQueryDto, 'page'>;
export type ChatListQuery = Pick<ChatListQueryDto, 'page' | 'include_pinned' | 'include_folders'>;
export type ChatFilterQuery = Pick<ChatFilterQueryDto, 'page' | 'query' | 'order_by' | 'direction'>;
export type SearchQuery = Pick<SearchQueryDto, 'page' | 'text'>;

export class StatsUsageQueryDto extends PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  items_per_page?: number;
}

export class StatsExportQueryDto extends PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  updated_at?: number;

  @IsOptional()
  @BooleanWord()
  @IsBoolean()
  stream?: boolean;
}

/** POST /shared/{id}/access/update ([N]): `{access_grants: [{principal_type, principal_id, permission}]}`. */
export class SharedChatAccessFormDto {
  @IsArray()
  access_grants: unknown[];
}

export type StatsUsageQuery = Pick<StatsUsageQueryDto, 'page' | 'items_per_page'>;
export type StatsExportQuery = Pick<StatsExportQueryDto, 'page' | 'updated_at' | 'stream'>;

/** POST /{id}/messages/{message_id}/event: an event for the chat owner's open tabs. */
export class MessageEventFormDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  type: string;

  @IsObject()
  data: Record<string, unknown>;
}
