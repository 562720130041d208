import type { EnvReader } from './env-reader.js';

/** Environment settings of LDAP sign-in (issue 6). Owner: the LDAP helper. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LdapConfig {}

export function readLdapConfig(_reader: EnvReader): LdapConfig {
  return {};
}

/** Run-time settings (admin-editable, env only seeds them): dotted keys as in Open WebUI. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LdapPersistedSettings {}

export function readLdapSeeds(_reader: EnvReader): LdapPersistedSettings {
  return {};
}
