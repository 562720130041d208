import type { EnvReader } from './env-reader.js';

/**
 * Trusted reverse-proxy headers (WEBUI_AUTH_TRUSTED_*, Open WebUI's names). Header names are
 * stored lower-cased (Node's request.headers keys). Unset email header = the feature is off.
 */
export interface TrustedHeadersConfig {
  emailHeader?: string;
  nameHeader?: string;
  /** Comma-separated group names; synced to the user's groups at sign-in. */
  groupsHeader?: string;
  /** `admin`, `user` or `pending`; sets the user's role at sign-in. */
  roleHeader?: string;
}

export function readTrustedHeadersConfig(reader: EnvReader): TrustedHeadersConfig {
  const header = (name: string) => reader.optionalString(name)?.toLowerCase();
  return {
    emailHeader: header('WEBUI_AUTH_TRUSTED_EMAIL_HEADER'),
    nameHeader: header('WEBUI_AUTH_TRUSTED_NAME_HEADER'),
    groupsHeader: header('WEBUI_AUTH_TRUSTED_GROUPS_HEADER'),
    roleHeader: header('WEBUI_AUTH_TRUSTED_ROLE_HEADER'),
  };
}
