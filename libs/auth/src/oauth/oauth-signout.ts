import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { decodeJwt } from 'jose';
import { OAuthProviderClient } from './oauth-provider.client.js';
import { OAuthProviders } from './oauth-providers.js';
import { SignoutRedirects, type RequestCookies } from './signout-redirects.js';

/** Set at OAuth sign-in and cleared at signout (Open WebUI's cookie name). */
export const OAUTH_ID_TOKEN_COOKIE = 'oauth_id_token';

/**
 * Signout after an OIDC sign-in: the provider's end_session_endpoint (from discovery, or
 * OPENID_END_SESSION_ENDPOINT) with the ID token as id_token_hint, and
 * WEBUI_AUTH_SIGNOUT_REDIRECT_URL as post_logout_redirect_uri when set.
 */
@Injectable()
export class OAuthSignout implements OnModuleInit {
  private readonly logger = new Logger('OAuth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redirects: SignoutRedirects,
    private readonly providers: OAuthProviders,
    private readonly client: OAuthProviderClient,
  ) {}

  onModuleInit(): void {
    this.redirects.register((cookies) => this.endSessionUrl(cookies));
  }

  async endSessionUrl(cookies: RequestCookies): Promise<string | undefined> {
    const idToken = cookies[OAUTH_ID_TOKEN_COOKIE];
    if (!idToken) return undefined;
    let issuer: unknown;
    try {
      issuer = decodeJwt(idToken).iss;
    } catch {
      return undefined;
    }
    for (const name of Object.keys(this.providers.displayNames())) {
      const provider = this.providers.find(name);
      if (!provider?.discoveryUrl) continue;
      try {
        const metadata = await this.client.metadata(provider);
        if (metadata.issuer !== issuer || !metadata.endSessionEndpoint) continue;
        const url = new URL(metadata.endSessionEndpoint);
        url.searchParams.set('id_token_hint', idToken);
        const after = this.config.auth.signoutRedirectUrl;
        if (after) url.searchParams.set('post_logout_redirect_uri', after);
        return url.toString();
      } catch (error) {
        this.logger.warn(`no end-session URL from ${name}: ${(error as Error).message}`);
      }
    }
    return undefined;
  }
}
