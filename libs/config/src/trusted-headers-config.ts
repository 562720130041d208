import type { EnvReader } from './env-reader.js';

/** Environment settings of trusted reverse-proxy headers (WEBUI_AUTH_TRUSTED_*, issue 6). Owner: the LDAP helper. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TrustedHeadersConfig {}

export function readTrustedHeadersConfig(_reader: EnvReader): TrustedHeadersConfig {
  return {};
}
