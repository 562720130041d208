import type { EnvReader } from './env-reader.js';

/** The sign-in providers Open WebUI knows, by the name used in /oauth/{provider}/... */
export const OAUTH_PROVIDER_IDS = ['google', 'microsoft', 'github', 'oidc'] as const;
export type OAuthProviderId = (typeof OAUTH_PROVIDER_IDS)[number];

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Overrides the callback URL derived from WEBUI_URL (empty = derived). */
  redirectUri: string;
}

/**
 * Environment-only settings of OAuth 2.0 / OpenID Connect sign-in (issue 6). The generic OIDC
 * provider and the claim/role/group rules are run-time settings (OAuthPersistedSettings).
 */
export interface OAuthConfig {
  google: OAuthClientCredentials;
  microsoft: OAuthClientCredentials & { tenantId: string; loginBaseUrl: string };
  github: OAuthClientCredentials;
  /** Bound on every call to a provider (discovery, token, userinfo, JWKS). */
  timeoutMs: number;
  /** How long a started login (state, nonce, PKCE verifier) may take to come back. */
  loginTtlSeconds: number;
}

export function readOAuthConfig(reader: EnvReader): OAuthConfig {
  return {
    google: {
      clientId: reader.string('GOOGLE_CLIENT_ID', ''),
      clientSecret: reader.string('GOOGLE_CLIENT_SECRET', ''),
      scope: reader.string('GOOGLE_OAUTH_SCOPE', 'openid email profile'),
      redirectUri: reader.string('GOOGLE_REDIRECT_URI', ''),
    },
    microsoft: {
      clientId: reader.string('MICROSOFT_CLIENT_ID', ''),
      clientSecret: reader.string('MICROSOFT_CLIENT_SECRET', ''),
      tenantId: reader.string('MICROSOFT_CLIENT_TENANT_ID', ''),
      loginBaseUrl: reader.string(
        'MICROSOFT_CLIENT_LOGIN_BASE_URL',
        'https://login.microsoftonline.com',
      ),
      scope: reader.string('MICROSOFT_OAUTH_SCOPE', 'openid email profile'),
      redirectUri: reader.string('MICROSOFT_REDIRECT_URI', ''),
    },
    github: {
      clientId: reader.string('GITHUB_CLIENT_ID', ''),
      clientSecret: reader.string('GITHUB_CLIENT_SECRET', ''),
      scope: reader.string('GITHUB_CLIENT_SCOPE', 'user:email'),
      redirectUri: reader.string('GITHUB_CLIENT_REDIRECT_URI', ''),
    },
    timeoutMs: reader.int('OAUTH_TIMEOUT', 10, { min: 1, max: 300 }) * 1000,
    loginTtlSeconds: reader.int('OAUTH_LOGIN_TIMEOUT', 600, { min: 30, max: 3600 }),
  };
}

/** Run-time settings (admin-editable, env only seeds them): dotted keys as in Open WebUI. */
export interface OAuthPersistedSettings {
  'oauth.enable_signup': boolean;
  'oauth.merge_accounts_by_email': boolean;
  'oauth.oidc.client_id': string;
  'oauth.oidc.client_secret': string;
  'oauth.oidc.provider_url': string;
  'oauth.oidc.redirect_uri': string;
  'oauth.oidc.end_session_endpoint': string;
  'oauth.oidc.scopes': string;
  'oauth.oidc.provider_name': string;
  'oauth.oidc.sub_claim': string;
  'oauth.oidc.username_claim': string;
  'oauth.oidc.avatar_claim': string;
  'oauth.oidc.email_claim': string;
  'oauth.oidc.group_claim': string;
  'oauth.enable_role_mapping': boolean;
  'oauth.enable_group_mapping': boolean;
  'oauth.enable_group_creation': boolean;
  'oauth.roles_claim': string;
  'oauth.allowed_roles': string[];
  'oauth.admin_roles': string[];
  'oauth.allowed_domains': string[];
}

export function readOAuthSeeds(reader: EnvReader): OAuthPersistedSettings {
  return {
    'oauth.enable_signup': reader.bool('ENABLE_OAUTH_SIGNUP', false),
    'oauth.merge_accounts_by_email': reader.bool('OAUTH_MERGE_ACCOUNTS_BY_EMAIL', false),
    'oauth.oidc.client_id': reader.string('OAUTH_CLIENT_ID', ''),
    'oauth.oidc.client_secret': reader.string('OAUTH_CLIENT_SECRET', ''),
    'oauth.oidc.provider_url': reader.string('OPENID_PROVIDER_URL', ''),
    'oauth.oidc.redirect_uri': reader.string('OPENID_REDIRECT_URI', ''),
    'oauth.oidc.end_session_endpoint': reader.string('OPENID_END_SESSION_ENDPOINT', ''),
    'oauth.oidc.scopes': reader.string('OAUTH_SCOPES', 'openid email profile'),
    'oauth.oidc.provider_name': reader.string('OAUTH_PROVIDER_NAME', 'SSO'),
    'oauth.oidc.sub_claim': reader.string('OAUTH_SUB_CLAIM', ''),
    'oauth.oidc.username_claim': reader.string('OAUTH_USERNAME_CLAIM', 'name'),
    'oauth.oidc.avatar_claim': reader.string('OAUTH_PICTURE_CLAIM', 'picture'),
    'oauth.oidc.email_claim': reader.string('OAUTH_EMAIL_CLAIM', 'email'),
    'oauth.oidc.group_claim': reader.firstOf('OAUTH_GROUPS_CLAIM', 'OAUTH_GROUP_CLAIM') ?? 'groups',
    'oauth.enable_role_mapping': reader.bool('ENABLE_OAUTH_ROLE_MANAGEMENT', false),
    'oauth.enable_group_mapping': reader.bool('ENABLE_OAUTH_GROUP_MANAGEMENT', false),
    'oauth.enable_group_creation': reader.bool('ENABLE_OAUTH_GROUP_CREATION', false),
    'oauth.roles_claim': reader.string('OAUTH_ROLES_CLAIM', 'roles'),
    'oauth.allowed_roles': reader.list('OAUTH_ALLOWED_ROLES', ',', ['user', 'admin']),
    'oauth.admin_roles': reader.list('OAUTH_ADMIN_ROLES', ',', ['admin']),
    'oauth.allowed_domains': reader.list('OAUTH_ALLOWED_DOMAINS', ',', ['*']),
  };
}

type OAuthSettingsReader = <K extends keyof OAuthPersistedSettings>(
  key: K,
) => OAuthPersistedSettings[K];

/**
 * The providers that can be used right now, each with its display name (GET /api/config's
 * `oauth.providers`). Same rules as Open WebUI: a client id and secret each (Microsoft also a
 * tenant); the generic OIDC provider needs its discovery URL and a client id (no secret = a
 * public client relying on PKCE).
 */
export function configuredOAuthProviders(
  config: OAuthConfig,
  setting: OAuthSettingsReader,
): Partial<Record<OAuthProviderId, string>> {
  const providers: Partial<Record<OAuthProviderId, string>> = {};
  if (config.google.clientId && config.google.clientSecret) providers.google = 'Google';
  if (config.microsoft.clientId && config.microsoft.clientSecret && config.microsoft.tenantId)
    providers.microsoft = 'Microsoft';
  if (config.github.clientId && config.github.clientSecret) providers.github = 'GitHub';
  if (setting('oauth.oidc.client_id') && setting('oauth.oidc.provider_url'))
    providers.oidc = setting('oauth.oidc.provider_name') || 'SSO';
  return providers;
}
