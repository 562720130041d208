import { IsBoolean, IsInt, IsOptional, IsString, ValidateIf } from 'class-validator';

/**
 * POST /api/v1/auths/admin/config, Open WebUI's upper-case keys. Every key is optional (a
 * missing key keeps its value) and unknown keys are dropped rather than refused: newer
 * frontends send keys this server may not know yet. Types are still checked (422).
 * The legacy names ENABLE_API_KEY, ENABLE_API_KEY_ENDPOINT_RESTRICTIONS and
 * API_KEY_ALLOWED_ENDPOINTS are accepted as aliases.
 */
export class AdminConfigDto {
  @IsOptional() @IsBoolean() SHOW_ADMIN_DETAILS?: boolean;
  @IsOptional() @IsString() ADMIN_EMAIL?: string | null;
  @IsOptional() @IsString() WEBUI_URL?: string;
  @IsOptional() @IsBoolean() ENABLE_SIGNUP?: boolean;
  @IsOptional() @IsBoolean() ENABLE_API_KEYS?: boolean;
  @IsOptional() @IsBoolean() ENABLE_API_KEY?: boolean;
  @IsOptional() @IsBoolean() ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS?: boolean;
  @IsOptional() @IsBoolean() ENABLE_API_KEY_ENDPOINT_RESTRICTIONS?: boolean;
  @IsOptional() @IsString() API_KEYS_ALLOWED_ENDPOINTS?: string;
  @IsOptional() @IsString() API_KEY_ALLOWED_ENDPOINTS?: string;
  /** pending, user or admin; anything else is ignored, as upstream does. */
  @IsOptional() @IsString() DEFAULT_USER_ROLE?: string;
  @IsOptional() @IsString() DEFAULT_GROUP_ID?: string | null;
  /** -1, 0 or <n>(ms|s|m|h|d|w); anything else is ignored, as upstream does. */
  @IsOptional() @IsString() JWT_EXPIRES_IN?: string;
  @IsOptional() @IsBoolean() ENABLE_COMMUNITY_SHARING?: boolean;
  @IsOptional() @IsBoolean() ENABLE_MESSAGE_RATING?: boolean;
  @IsOptional() @IsBoolean() ENABLE_FOLDERS?: boolean;
  /** An integer, a numeric string, or empty/null for "no limit". */
  @IsOptional()
  @ValidateIf((_object, value) => typeof value !== 'string')
  @IsInt()
  FOLDER_MAX_FILE_COUNT?: number | string | null;
  @IsOptional() @IsBoolean() ENABLE_CHANNELS?: boolean;
  @IsOptional() @IsBoolean() ENABLE_MEMORIES?: boolean;
  @IsOptional() @IsBoolean() ENABLE_NOTES?: boolean;
  @IsOptional() @IsBoolean() ENABLE_USER_WEBHOOKS?: boolean;
  @IsOptional() @IsBoolean() ENABLE_USER_STATUS?: boolean;
  @IsOptional() @IsString() PENDING_USER_OVERLAY_TITLE?: string | null;
  @IsOptional() @IsString() PENDING_USER_OVERLAY_CONTENT?: string | null;
  @IsOptional() @IsString() RESPONSE_WATERMARK?: string | null;
}
