import { IsArray, IsBoolean, IsOptional, IsString, ValidateIf } from 'class-validator';

const listOrText = (_object: object, value: unknown) => typeof value !== 'string';

/**
 * POST /api/v1/auths/admin/config/oauth: Open WebUI's upper-case names, each optional (a missing
 * key keeps its value; unknown keys are dropped). Role, domain lists accept a JSON list or a
 * comma-separated string.
 */
export class OAuthAdminConfigDto {
  @IsOptional() @IsBoolean() ENABLE_OAUTH_SIGNUP?: boolean;
  @IsOptional() @IsBoolean() OAUTH_MERGE_ACCOUNTS_BY_EMAIL?: boolean;
  @IsOptional() @IsString() OAUTH_CLIENT_ID?: string;
  @IsOptional() @IsString() OAUTH_CLIENT_SECRET?: string;
  @IsOptional() @IsString() OPENID_PROVIDER_URL?: string;
  @IsOptional() @IsString() OPENID_REDIRECT_URI?: string;
  @IsOptional() @IsString() OPENID_END_SESSION_ENDPOINT?: string;
  @IsOptional() @IsString() OAUTH_SCOPES?: string;
  @IsOptional() @IsString() OAUTH_PROVIDER_NAME?: string;
  @IsOptional() @IsString() OAUTH_SUB_CLAIM?: string;
  @IsOptional() @IsString() OAUTH_USERNAME_CLAIM?: string;
  @IsOptional() @IsString() OAUTH_EMAIL_CLAIM?: string;
  @IsOptional() @IsString() OAUTH_PICTURE_CLAIM?: string;
  @IsOptional() @IsString() OAUTH_GROUP_CLAIM?: string;
  @IsOptional() @IsBoolean() ENABLE_OAUTH_ROLE_MANAGEMENT?: boolean;
  @IsOptional() @IsBoolean() ENABLE_OAUTH_GROUP_MANAGEMENT?: boolean;
  @IsOptional() @IsBoolean() ENABLE_OAUTH_GROUP_CREATION?: boolean;
  @IsOptional() @IsString() OAUTH_ROLES_CLAIM?: string;
  @IsOptional()
  @ValidateIf(listOrText)
  @IsArray()
  @IsString({ each: true })
  OAUTH_ALLOWED_ROLES?: string[] | string;
  @IsOptional()
  @ValidateIf(listOrText)
  @IsArray()
  @IsString({ each: true })
  OAUTH_ADMIN_ROLES?: string[] | string;
  @IsOptional()
  @ValidateIf(listOrText)
  @IsArray()
  @IsString({ each: true })
  OAUTH_ALLOWED_DOMAINS?: string[] | string;
}

/** GET/POST answer: the same names, lists as lists. The client secret is shown to admins, as upstream. */
export interface OAuthAdminConfigResponse {
  ENABLE_OAUTH_SIGNUP: boolean;
  OAUTH_MERGE_ACCOUNTS_BY_EMAIL: boolean;
  OAUTH_CLIENT_ID: string;
  OAUTH_CLIENT_SECRET: string;
  OPENID_PROVIDER_URL: string;
  OPENID_REDIRECT_URI: string;
  OPENID_END_SESSION_ENDPOINT: string;
  OAUTH_SCOPES: string;
  OAUTH_PROVIDER_NAME: string;
  OAUTH_SUB_CLAIM: string;
  OAUTH_USERNAME_CLAIM: string;
  OAUTH_EMAIL_CLAIM: string;
  OAUTH_PICTURE_CLAIM: string;
  OAUTH_GROUP_CLAIM: string;
  ENABLE_OAUTH_ROLE_MANAGEMENT: boolean;
  ENABLE_OAUTH_GROUP_MANAGEMENT: boolean;
  ENABLE_OAUTH_GROUP_CREATION: boolean;
  OAUTH_ROLES_CLAIM: string;
  OAUTH_ALLOWED_ROLES: string[];
  OAUTH_ADMIN_ROLES: string[];
  OAUTH_ALLOWED_DOMAINS: string[];
}
