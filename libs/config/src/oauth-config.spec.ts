import { describe, expect, it } from 'vitest';
import { EnvReader } from './env-reader.js';
import { configuredOAuthProviders, readOAuthConfig, readOAuthSeeds } from './oauth-config.js';

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  const config = readOAuthConfig(reader);
  const seeds = readOAuthSeeds(reader);
  const providers = configuredOAuthProviders(config, (key) => seeds[key]);
  return { config, seeds, providers, problems: reader.problems };
}

describe('OAuth configuration', () => {
  it("uses Open WebUI's defaults and lists no provider when nothing is set", () => {
    const { seeds, config, providers, problems } = read({});
    expect(problems).toEqual([]);
    expect(providers).toEqual({});
    expect(seeds).toMatchObject({
      'oauth.enable_signup': false,
      'oauth.oidc.scopes': 'openid email profile',
      'oauth.oidc.provider_name': 'SSO',
      'oauth.oidc.username_claim': 'name',
      'oauth.oidc.email_claim': 'email',
      'oauth.oidc.avatar_claim': 'picture',
      'oauth.oidc.group_claim': 'groups',
      'oauth.roles_claim': 'roles',
      'oauth.allowed_roles': ['user', 'admin'],
      'oauth.admin_roles': ['admin'],
      'oauth.allowed_domains': ['*'],
    });
    expect(config.github.scope).toBe('user:email');
    expect(config.timeoutMs).toBe(10_000);
  });

  it('lists each provider once its credentials are complete, with display names', () => {
    const { providers } = read({
      GOOGLE_CLIENT_ID: 'g',
      GOOGLE_CLIENT_SECRET: 'gs',
      MICROSOFT_CLIENT_ID: 'm',
      MICROSOFT_CLIENT_SECRET: 'ms',
      GITHUB_CLIENT_ID: 'h',
      OAUTH_CLIENT_ID: 'o',
      OPENID_PROVIDER_URL: 'https://idp.example/.well-known/openid-configuration',
      OAUTH_PROVIDER_NAME: 'Keycloak',
    });
    // Microsoft lacks its tenant and GitHub its secret.
    expect(providers).toEqual({ google: 'Google', oidc: 'Keycloak' });
  });

  it('reads the legacy OAUTH_GROUP_CLAIM and comma lists', () => {
    const { seeds } = read({
      OAUTH_GROUP_CLAIM: 'memberOf',
      OAUTH_ALLOWED_ROLES: 'member, staff',
      OAUTH_ALLOWED_DOMAINS: 'example.com,example.org',
    });
    expect(seeds['oauth.oidc.group_claim']).toBe('memberOf');
    expect(seeds['oauth.allowed_roles']).toEqual(['member', 'staff']);
    expect(seeds['oauth.allowed_domains']).toEqual(['example.com', 'example.org']);
    expect(
      read({ OAUTH_GROUPS_CLAIM: 'a', OAUTH_GROUP_CLAIM: 'b' }).seeds['oauth.oidc.group_claim'],
    ).toBe('a');
  });
});
