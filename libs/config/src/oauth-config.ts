import type { EnvReader } from './env-reader.js';

/** Environment settings of OAuth 2.0 / OpenID Connect sign-in (issue 6). Owner: the OAuth helper. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OAuthConfig {}

export function readOAuthConfig(_reader: EnvReader): OAuthConfig {
  return {};
}

/** Run-time settings (admin-editable, env only seeds them): dotted keys as in Open WebUI. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OAuthPersistedSettings {}

export function readOAuthSeeds(_reader: EnvReader): OAuthPersistedSettings {
  return {};
}
