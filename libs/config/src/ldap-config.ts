import type { EnvReader } from './env-reader.js';

export const LDAP_TLS_MODES = ['auto', 'ldaps', 'starttls'] as const;
export type LdapTlsMode = (typeof LDAP_TLS_MODES)[number];

/** Environment-only settings of LDAP sign-in (issue 6); the rest is in LdapPersistedSettings. */
export interface LdapConfig {
  /**
   * How LDAP_USE_TLS secures the connection: `ldaps` (TLS from the first byte, Open WebUI's
   * meaning), `starttls` (plain connect, then StartTLS), or `auto`: StartTLS on port 389,
   * LDAPS on any other port.
   */
  tlsMode: LdapTlsMode;
  /** Bound on connecting and on each directory operation, so a dead directory never hangs a sign-in. */
  timeoutMs: number;
  /** Where nested groups are searched; default: the dc=... part of LDAP_SEARCH_BASE. */
  groupSearchBase?: string;
}

export function readLdapConfig(reader: EnvReader): LdapConfig {
  return {
    tlsMode: reader.oneOf('LDAP_TLS_MODE', LDAP_TLS_MODES, 'auto'),
    timeoutMs: reader.int('LDAP_TIMEOUT_SECONDS', 5, { min: 1, max: 120 }) * 1000,
    groupSearchBase: reader.optionalString('LDAP_GROUP_SEARCH_BASE'),
  };
}

/** Run-time settings (admin-editable, env only seeds them): dotted keys as in Open WebUI. */
export interface LdapPersistedSettings {
  'ldap.enable': boolean;
  'ldap.server.label': string;
  'ldap.server.host': string;
  'ldap.server.port': number | null;
  'ldap.server.attribute_for_mail': string;
  'ldap.server.attribute_for_username': string;
  'ldap.server.app_dn': string;
  'ldap.server.app_password': string;
  'ldap.server.users_dn': string;
  'ldap.server.search_filter': string;
  'ldap.server.use_tls': boolean;
  'ldap.server.ca_cert_file': string;
  'ldap.server.validate_cert': boolean;
  'ldap.server.ciphers': string;
  'ldap.server.enable_group_management': boolean;
  'ldap.server.enable_group_creation': boolean;
  'ldap.server.attribute_for_groups': string;
}

export function readLdapSeeds(reader: EnvReader): LdapPersistedSettings {
  return {
    'ldap.enable': reader.bool('ENABLE_LDAP', false),
    'ldap.server.label': reader.string('LDAP_SERVER_LABEL', 'LDAP Server'),
    'ldap.server.host': reader.string('LDAP_SERVER_HOST', 'localhost'),
    'ldap.server.port': reader.optionalInt('LDAP_SERVER_PORT', { min: 1, max: 65535 }) ?? 389,
    'ldap.server.attribute_for_mail': reader.string('LDAP_ATTRIBUTE_FOR_MAIL', 'mail'),
    'ldap.server.attribute_for_username': reader.string('LDAP_ATTRIBUTE_FOR_USERNAME', 'uid'),
    'ldap.server.app_dn': reader.string('LDAP_APP_DN', ''),
    'ldap.server.app_password': reader.string('LDAP_APP_PASSWORD', ''),
    'ldap.server.users_dn': reader.string('LDAP_SEARCH_BASE', ''),
    // Open WebUI reads LDAP_SEARCH_FILTER first, then LDAP_SEARCH_FILTERS.
    'ldap.server.search_filter': reader.firstOf('LDAP_SEARCH_FILTER', 'LDAP_SEARCH_FILTERS') ?? '',
    'ldap.server.use_tls': reader.bool('LDAP_USE_TLS', true),
    'ldap.server.ca_cert_file': reader.string('LDAP_CA_CERT_FILE', ''),
    'ldap.server.validate_cert': reader.bool('LDAP_VALIDATE_CERT', true),
    'ldap.server.ciphers': reader.string('LDAP_CIPHERS', 'ALL'),
    'ldap.server.enable_group_management': reader.bool('ENABLE_LDAP_GROUP_MANAGEMENT', false),
    'ldap.server.enable_group_creation': reader.bool('ENABLE_LDAP_GROUP_CREATION', false),
    'ldap.server.attribute_for_groups': reader.string('LDAP_ATTRIBUTE_FOR_GROUPS', 'memberOf'),
  };
}
