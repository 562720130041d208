import { Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { OAuthProviderClient, type ProviderMetadata } from './oauth-provider.client.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';

/** Clock skew tolerated between Atrium and the provider on exp/iat/nbf. */
const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Checks an OpenID Connect ID token: signature against the provider's JWKS (asymmetric
 * algorithms only), issuer from discovery, audience = our client id (and `azp` when several
 * audiences are named), expiry, and the nonce this login sent.
 */
@Injectable()
export class IdTokenVerifier {
  constructor(private readonly client: OAuthProviderClient) {}

  async verify(
    idToken: string,
    metadata: ProviderMetadata,
    expected: { clientId: string; nonce: string },
  ): Promise<JWTPayload> {
    if (!metadata.issuer || !metadata.jwksUri)
      throw refused('the provider has no issuer or jwks_uri to check an ID token against');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.client.keySet(metadata.jwksUri), {
        issuer: metadata.issuer,
        audience: expected.clientId,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw refused(`ID token rejected: ${describeJoseError(error)}`);
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (audiences.length > 1 && payload.azp !== expected.clientId)
      throw refused(`ID token names several audiences but azp is ${String(payload.azp)}`);
    if (payload.nonce !== expected.nonce)
      throw refused('ID token nonce does not match the one this sign-in sent');
    return payload;
  }
}

function refused(reason: string): OAuthRefusal {
  return new OAuthRefusal(OAuthRefusalMessages.FAILED, reason);
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `claim "${error.claim}" failed (${error.reason}): ${error.message}`;
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return (error as Error).message;
}
