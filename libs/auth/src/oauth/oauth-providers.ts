import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  configuredOAuthProviders,
  OAUTH_PROVIDER_IDS,
  type AppConfig,
  type OAuthProviderId,
} from '@atrium/config';
import { SettingsService } from '@atrium/settings';

/** How to reach one provider, resolved from env and the current run-time settings. */
export interface OAuthProviderDefinition {
  id: OAuthProviderId;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Configured callback URL, or empty to derive it from WEBUI_URL / the request. */
  redirectUri: string;
  /** OpenID Connect: the discovery document (authorization/token/JWKS endpoints, issuer). */
  discoveryUrl?: string;
  /** Plain OAuth 2.0 (GitHub): fixed endpoints, no ID token. */
  endpoints?: { authorization: string; token: string; userinfo: string; emails?: string };
  /** Claim holding the stable subject when OAUTH_SUB_CLAIM is unset. */
  subClaim: string;
  /** Explicit end-session endpoint (OPENID_END_SESSION_ENDPOINT); else from discovery. */
  endSessionEndpoint?: string;
}

/** Which providers are configured and how to talk to each (read on every use: settings change). */
@Injectable()
export class OAuthProviders {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  /** Provider id to display name, for GET /api/config. */
  displayNames(): Partial<Record<OAuthProviderId, string>> {
    return configuredOAuthProviders(this.config.oauth, (key) => this.settings.get(key));
  }

  /** The provider's definition, or undefined when it is unknown or not configured. */
  find(name: string): OAuthProviderDefinition | undefined {
    const id = OAUTH_PROVIDER_IDS.find((candidate) => candidate === name);
    if (!id || !(id in this.displayNames())) return undefined;
    return this.define(id);
  }

  private define(id: OAuthProviderId): OAuthProviderDefinition {
    const { google, microsoft, github } = this.config.oauth;
    switch (id) {
      case 'google':
        return {
          id,
          ...google,
          discoveryUrl: 'https://accounts.google.com/.well-known/openid-configuration',
          subClaim: 'sub',
        };
      case 'microsoft':
        return {
          id,
          clientId: microsoft.clientId,
          clientSecret: microsoft.clientSecret,
          scope: microsoft.scope,
          redirectUri: microsoft.redirectUri,
          discoveryUrl:
            `${microsoft.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(microsoft.tenantId)}` +
            `/v2.0/.well-known/openid-configuration?appid=${encodeURIComponent(microsoft.clientId)}`,
          subClaim: 'sub',
        };
      case 'github':
        return {
          id,
          ...github,
          endpoints: {
            authorization: 'https://github.com/login/oauth/authorize',
            token: 'https://github.com/login/oauth/access_token',
            userinfo: 'https://api.github.com/user',
            emails: 'https://api.github.com/user/emails',
          },
          subClaim: 'id',
        };
      case 'oidc':
        return {
          id,
          clientId: this.settings.get('oauth.oidc.client_id'),
          clientSecret: this.settings.get('oauth.oidc.client_secret'),
          scope: this.settings.get('oauth.oidc.scopes'),
          redirectUri: this.settings.get('oauth.oidc.redirect_uri'),
          discoveryUrl: this.settings.get('oauth.oidc.provider_url'),
          subClaim: 'sub',
          endSessionEndpoint: this.settings.get('oauth.oidc.end_session_endpoint') || undefined,
        };
    }
  }
}
