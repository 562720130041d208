import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** GET|POST /api/v1/auths/admin/config/ldap/server: Open WebUI's LdapServerConfig. */
export class LdapServerConfigDto {
  @IsString() label: string;
  @IsString() host: string;
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number | null;
  @IsOptional() @IsString() attribute_for_mail?: string;
  @IsOptional() @IsString() attribute_for_username?: string;
  @IsString() app_dn: string;
  @IsString() app_dn_password: string;
  @IsString() search_base: string;
  @IsOptional() @IsString() search_filters?: string;
  @IsOptional() @IsBoolean() use_tls?: boolean;
  @IsOptional() @IsString() certificate_path?: string | null;
  @IsOptional() @IsBoolean() validate_cert?: boolean;
  @IsOptional() @IsString() ciphers?: string | null;
}

/** POST /api/v1/auths/admin/config/ldap */
export class LdapEnableDto {
  @IsOptional() @IsBoolean() enable_ldap?: boolean | null;
}

export interface LdapServerConfigResponse {
  label: string;
  host: string;
  port: number | null;
  attribute_for_mail: string;
  attribute_for_username: string;
  app_dn: string;
  app_dn_password: string;
  search_base: string;
  search_filters: string;
  use_tls: boolean;
  certificate_path: string;
  validate_cert: boolean;
  ciphers: string;
}
