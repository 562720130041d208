import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { OAuthProviderDefinition } from './oauth-providers.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';

/** The endpoints of one provider, from its discovery document or fixed (GitHub). */
export interface ProviderMetadata {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint?: string;
  /** OpenID Connect only: the ID token's expected issuer and signing keys. */
  issuer?: string;
  jwksUri?: string;
  endSessionEndpoint?: string;
  tokenAuthMethods: string[];
}

export interface ProviderTokens {
  accessToken?: string;
  idToken?: string;
}

const DISCOVERY_CACHE_MS = 5 * 60_000;

/**
 * Everything Atrium says to an identity provider over HTTP: discovery, the authorization-code
 * exchange (with the PKCE verifier), userinfo, and the JWKS used to check ID tokens. Every call
 * is bounded by OAUTH_TIMEOUT. Failures become OAuthRefusal with the provider's own error in the
 * log reason (never the client secret or a token).
 */
@Injectable()
export class OAuthProviderClient {
  private readonly discovery = new Map<string, { metadata: ProviderMetadata; until: number }>();
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timeoutMs = config.oauth.timeoutMs;
  }

  async metadata(provider: OAuthProviderDefinition): Promise<ProviderMetadata> {
    if (provider.endpoints) {
      return {
        authorizationEndpoint: provider.endpoints.authorization,
        tokenEndpoint: provider.endpoints.token,
        userinfoEndpoint: provider.endpoints.userinfo,
        tokenAuthMethods: ['client_secret_post'],
      };
    }
    const url = provider.discoveryUrl ?? '';
    const cached = this.discovery.get(url);
    if (cached && cached.until > Date.now()) return this.withEndSession(cached.metadata, provider);
    const document = await this.getJson(url, 'discovery');
    const metadata = parseDiscovery(document, url);
    this.discovery.set(url, { metadata, until: Date.now() + DISCOVERY_CACHE_MS });
    return this.withEndSession(metadata, provider);
  }

  /** The provider's signing keys, fetched on first use and refreshed by jose on unknown `kid`s. */
  keySet(jwksUri: string): JWTVerifyGetKey {
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: this.timeoutMs });
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  /** The authorization-code grant, authenticated as the provider prefers (basic or post). */
  async exchangeCode(
    provider: OAuthProviderDefinition,
    metadata: ProviderMetadata,
    grant: { code: string; redirectUri: string; codeVerifier: string },
  ): Promise<ProviderTokens> {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (!provider.clientSecret) {
      form.set('client_id', provider.clientId);
    } else if (
      metadata.tokenAuthMethods.includes('client_secret_basic') ||
      !metadata.tokenAuthMethods.includes('client_secret_post')
    ) {
      const user = formEncode(provider.clientId);
      const secret = formEncode(provider.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    } else {
      form.set('client_id', provider.clientId);
      form.set('client_secret', provider.clientSecret);
    }
    const body = await this.request(metadata.tokenEndpoint, 'token exchange', {
      method: 'POST',
      headers,
      body: form.toString(),
    });
    if (typeof body.error === 'string') {
      throw new OAuthRefusal(
        OAuthRefusalMessages.FAILED,
        `token endpoint refused the code: ${body.error}${describe(body.error_description)}`,
      );
    }
    return {
      accessToken: typeof body.access_token === 'string' ? body.access_token : undefined,
      idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    };
  }

  userinfo(endpoint: string, accessToken: string): Promise<Record<string, unknown>> {
    return this.request(endpoint, 'userinfo', {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
  }

  /** GitHub hides private addresses from /user; its /user/emails names the primary one. */
  async githubPrimaryEmail(endpoint: string, accessToken: string): Promise<string | undefined> {
    const response = await this.fetchBounded(endpoint, 'GitHub emails', {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (!response.ok) return undefined;
    const emails = await response.json();
    if (!Array.isArray(emails)) return undefined;
    const primary = emails.find(
      (entry: unknown) =>
        typeof entry === 'object' && entry !== null && (entry as { primary?: unknown }).primary,
    ) as { email?: unknown } | undefined;
    return typeof primary?.email === 'string' ? primary.email : undefined;
  }

  private withEndSession(
    metadata: ProviderMetadata,
    provider: OAuthProviderDefinition,
  ): ProviderMetadata {
    return provider.endSessionEndpoint
      ? { ...metadata, endSessionEndpoint: provider.endSessionEndpoint }
      : metadata;
  }

  private async getJson(url: string, what: string): Promise<Record<string, unknown>> {
    return this.request(url, what, { headers: { accept: 'application/json' } });
  }

  /** A JSON object from the provider; token endpoints answer errors as JSON 400s, kept for the caller. */
  private async request(
    url: string,
    what: string,
    init: RequestInit,
  ): Promise<Record<string, unknown>> {
    const response = await this.fetchBounded(url, what, init);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.FAILED,
        `${what} at ${url} answered HTTP ${response.status} without a JSON object`,
      );
    }
    const record = body as Record<string, unknown>;
    if (!response.ok && typeof record.error !== 'string') {
      throw new OAuthRefusal(
        OAuthRefusalMessages.FAILED,
        `${what} at ${url} answered HTTP ${response.status}`,
      );
    }
    return record;
  }

  private async fetchBounded(url: string, what: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.FAILED,
        `${what} at ${url} failed: ${(error as Error).message}`,
      );
    }
  }
}

function parseDiscovery(document: Record<string, unknown>, url: string): ProviderMetadata {
  const text = (key: string): string | undefined =>
    typeof document[key] === 'string' ? document[key] : undefined;
  const authorizationEndpoint = text('authorization_endpoint');
  const tokenEndpoint = text('token_endpoint');
  const issuer = text('issuer');
  const jwksUri = text('jwks_uri');
  if (!authorizationEndpoint || !tokenEndpoint || !issuer || !jwksUri) {
    throw new OAuthRefusal(
      OAuthRefusalMessages.FAILED,
      `discovery document at ${url} lacks authorization_endpoint, token_endpoint, issuer or jwks_uri`,
    );
  }
  const methods = document.token_endpoint_auth_methods_supported;
  return {
    authorizationEndpoint,
    tokenEndpoint,
    userinfoEndpoint: text('userinfo_endpoint'),
    issuer,
    jwksUri,
    endSessionEndpoint: text('end_session_endpoint'),
    tokenAuthMethods: Array.isArray(methods)
      ? methods.filter((method): method is string => typeof method === 'string')
      : ['client_secret_basic'],
  };
}

/** RFC 6749 §2.3.1: client credentials are form-encoded before going into Basic auth. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function describe(value: unknown): string {
  return typeof value === 'string' && value ? ` (${value.slice(0, 200)})` : '';
}
