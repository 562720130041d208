import { Injectable, Logger } from '@nestjs/common';
import { SettingsService } from '@atrium/settings';
import type { SessionResponse } from '../dto/session.response.js';
import { SessionIssuer } from '../accounts/session-issuer.js';
import { claimAsString, readClaim } from './claim-path.js';
import { IdTokenVerifier } from './id-token.verifier.js';
import { OAuthAccountsService, type OAuthIdentity } from './oauth-accounts.service.js';
import { OAuthLoginState } from './oauth-login-state.js';
import { OAuthProviderClient, type ProviderMetadata } from './oauth-provider.client.js';
import { OAuthProviders, type OAuthProviderDefinition } from './oauth-providers.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';

export interface CallbackParameters {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

export interface CompletedLogin {
  session: SessionResponse;
  /** Kept for the end-session request at signout (id_token_hint). */
  idToken?: string;
}

/**
 * The authorization-code flow with PKCE (S256), state and nonce, implemented directly over
 * fetch: passport-oauth2 keeps state in an express session and has no notion of a nonce or an
 * ID token, so it would add a session store while leaving the OIDC checks to us anyway.
 */
@Injectable()
export class OAuthLoginService {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly providers: OAuthProviders,
    private readonly client: OAuthProviderClient,
    private readonly state: OAuthLoginState,
    private readonly verifier: IdTokenVerifier,
    private readonly accounts: OAuthAccountsService,
    private readonly issuer: SessionIssuer,
    private readonly settings: SettingsService,
  ) {}

  get loginTtlMs(): number {
    return this.state.cookieMaxAgeMs;
  }

  /** The provider, or undefined when it is not configured (the controller answers 404). */
  provider(name: string): OAuthProviderDefinition | undefined {
    return this.providers.find(name);
  }

  /** Where the browser comes back to after sign-in or failure: WEBUI_URL, else this request's origin. */
  publicBase(requestOrigin: string): string {
    return (this.settings.get('webui.url') || requestOrigin).replace(/\/+$/, '');
  }

  /** Starts a sign-in: the provider's authorization URL and the browser-binding cookie value. */
  async start(
    provider: OAuthProviderDefinition,
    base: string,
  ): Promise<{ authorizationUrl: string; browserBinding: string }> {
    const metadata = await this.client.metadata(provider);
    const redirectUri = provider.redirectUri || `${base}/oauth/${provider.id}/login/callback`;
    const login = await this.state.start(provider.id, redirectUri);
    const url = new URL(metadata.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', provider.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', provider.scope);
    url.searchParams.set('state', login.state);
    url.searchParams.set('code_challenge', login.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (metadata.issuer) url.searchParams.set('nonce', login.nonce);
    return { authorizationUrl: url.toString(), browserBinding: login.browserBinding };
  }

  /** Completes a sign-in; every refusal is an OAuthRefusal (logged by the controller). */
  async complete(
    provider: OAuthProviderDefinition,
    parameters: CallbackParameters,
    browserBinding: string | undefined,
  ): Promise<CompletedLogin> {
    const attempt = await this.state.consume(provider.id, parameters.state, browserBinding);
    if (parameters.error) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.FAILED,
        `provider answered ${parameters.error}` +
          (parameters.errorDescription ? ` (${parameters.errorDescription.slice(0, 200)})` : ''),
      );
    }
    if (!parameters.code)
      throw new OAuthRefusal(OAuthRefusalMessages.FAILED, 'callback without a code');
    const metadata = await this.client.metadata(provider);
    const tokens = await this.client.exchangeCode(provider, metadata, {
      code: parameters.code,
      redirectUri: attempt.redirectUri,
      codeVerifier: attempt.codeVerifier,
    });
    const claims = await this.collectClaims(provider, metadata, tokens, attempt.nonce);
    const identity = await this.identify(provider, claims, tokens.accessToken);
    const user = await this.accounts.signIn(identity);
    this.logger.log(`${user.email} signed in with ${provider.id} as ${user.role}`);
    return { session: await this.issuer.issue(user), idToken: tokens.idToken };
  }

  /** Verified ID token claims, completed from userinfo when the email claim is not in them. */
  private async collectClaims(
    provider: OAuthProviderDefinition,
    metadata: ProviderMetadata,
    tokens: { accessToken?: string; idToken?: string },
    nonce: string,
  ): Promise<Record<string, unknown>> {
    let claims: Record<string, unknown> = {};
    if (metadata.issuer) {
      if (!tokens.idToken)
        throw new OAuthRefusal(OAuthRefusalMessages.FAILED, 'token response has no id_token');
      claims = await this.verifier.verify(tokens.idToken, metadata, {
        clientId: provider.clientId,
        nonce,
      });
    }
    const emailClaim = this.settings.get('oauth.oidc.email_claim');
    if (readClaim(claims, emailClaim) === undefined && metadata.userinfoEndpoint) {
      if (!tokens.accessToken)
        throw new OAuthRefusal(OAuthRefusalMessages.FAILED, 'token response has no access_token');
      const userinfo = await this.client.userinfo(metadata.userinfoEndpoint, tokens.accessToken);
      if (metadata.issuer && userinfo.sub !== claims.sub) {
        throw new OAuthRefusal(
          OAuthRefusalMessages.FAILED,
          'userinfo subject differs from the ID token subject',
        );
      }
      claims = { ...userinfo, ...claims };
    }
    return claims;
  }

  private async identify(
    provider: OAuthProviderDefinition,
    claims: Record<string, unknown>,
    accessToken: string | undefined,
  ): Promise<OAuthIdentity> {
    const subClaim = this.settings.get('oauth.oidc.sub_claim') || provider.subClaim;
    const subject = claimAsString(readClaim(claims, subClaim));
    if (!subject) throw missingClaim(provider, 'subject', subClaim);
    const emailClaim = this.settings.get('oauth.oidc.email_claim');
    let email = claimAsString(readClaim(claims, emailClaim));
    if (!email && provider.endpoints?.emails && accessToken)
      email = await this.client.githubPrimaryEmail(provider.endpoints.emails, accessToken);
    if (!email || !email.includes('@')) throw missingClaim(provider, 'email', emailClaim);
    email = email.toLowerCase();
    const name = claimAsString(readClaim(claims, this.settings.get('oauth.oidc.username_claim')));
    const picture = claimAsString(readClaim(claims, this.settings.get('oauth.oidc.avatar_claim')));
    return {
      provider: provider.id,
      subject,
      email,
      name: name ?? email,
      picture: picture && /^(https?:|data:image\/)/i.test(picture) ? picture : undefined,
      claims,
    };
  }
}

function missingClaim(
  provider: OAuthProviderDefinition,
  what: string,
  claim: string,
): OAuthRefusal {
  return new OAuthRefusal(
    OAuthRefusalMessages.CLAIM_MISSING,
    `${provider.id}: ${what} claim "${claim}" is missing from the ID token and userinfo`,
  );
}
