import { Injectable, Logger } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import { UsersService, type UserRecord } from '@atrium/users';
import { InvalidSessionError } from '../auth.errors.js';
import { API_KEY_PREFIX } from '../api-keys/api-key-cipher.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { JwtService } from '../tokens/jwt.service.js';
import { TokenRevocationService } from '../tokens/token-revocation.service.js';
import { VerifiedCredentialCache } from './verified-credential-cache.js';

/**
 * Turns a presented credential into the calling user, or throws the answer Open WebUI gives:
 * - a JWT that is malformed, badly signed, expired or revoked, or whose user is gone: 401;
 * - an API key (`sk-...`) on a path outside the allowed endpoints: 403; unknown: 401;
 *   keys switched off or, for non-admins, no features.api_keys permission: 403.
 * Used by the HTTP guard and available to other transports (e.g. the socket handshake).
 */
@Injectable()
export class CallerAuthenticator {
  private readonly logger = new Logger('CallerAuthenticator');
  /** Verifications in flight, by session token or API key. */
  private readonly verifying = new Map<string, Promise<AuthenticatedUser>>();

  constructor(
    private readonly jwt: JwtService,
    private readonly revocations: TokenRevocationService,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
    private readonly verified: VerifiedCredentialCache,
  ) {}

  /** `path` is the request path, for API-key endpoint restrictions. */
  async authenticate(credential: string, path: string): Promise<AuthenticatedUser> {
    const user = credential.startsWith(API_KEY_PREFIX)
      ? await this.byApiKey(credential, path)
      : await this.bySessionToken(credential);
    this.users.touchLastActive(user.id).catch((error: unknown) => {
      this.logger.warn(`could not record activity of ${user.id}: ${(error as Error).message}`);
    });
    return user;
  }

  private async bySessionToken(token: string): Promise<AuthenticatedUser> {
    const cached = this.verified.get(token);
    if (cached) {
      if (this.verified.coversRevocation || !(await this.revocations.isRevoked(token))) {
        return cached;
      }
      this.verified.forgetToken(token);
      throw new InvalidSessionError();
    }
    return this.verifyOnce(token, () => this.verifySessionToken(token));
  }

  /**
   * Concurrent requests with a credential not (or no longer) cached share one verification: a
   * client firing many requests at once costs one signature check (or key lookup) and one user
   * read. Each request gets its own copy of the caller.
   */
  private async verifyOnce(
    credential: string,
    verify: () => Promise<AuthenticatedUser>,
  ): Promise<AuthenticatedUser> {
    let verification = this.verifying.get(credential);
    if (!verification) {
      verification = verify().finally(() => this.verifying.delete(credential));
      this.verifying.set(credential, verification);
    }
    return { ...(await verification) };
  }

  private async verifySessionToken(token: string): Promise<AuthenticatedUser> {
    const stamp = this.verified.stamp;
    const claims = await this.jwt.verify(token);
    if (!claims) throw new InvalidSessionError();
    const [revoked, user] = await Promise.all([
      this.revocations.isRevoked(token),
      this.users.findById(claims.id),
    ]);
    if (revoked || !user) throw new InvalidSessionError();
    const caller = toCaller(user, 'jwt', token);
    this.verified.set(token, caller, claims.expiresAt, stamp);
    return caller;
  }

  private async byApiKey(apiKey: string, path: string): Promise<AuthenticatedUser> {
    // Upstream checks the path before the key itself (its middleware runs first).
    this.apiKeys.assertPathAllowed(path);
    const caller =
      this.verified.get(apiKey) ?? (await this.verifyOnce(apiKey, () => this.verifyApiKey(apiKey)));
    // Not cached: keys switched off, or the permission withdrawn, take effect at once.
    await this.apiKeys.assertUsable(caller.id, caller.role);
    return caller;
  }

  private async verifyApiKey(apiKey: string): Promise<AuthenticatedUser> {
    const stamp = this.verified.stamp;
    const ownerId = await this.apiKeys.findOwner(apiKey);
    const user = ownerId ? await this.users.findById(ownerId) : null;
    if (!user) throw new InvalidSessionError();
    const caller = toCaller(user, 'api_key', apiKey);
    this.verified.set(apiKey, caller, null, stamp);
    return caller;
  }
}

function toCaller(
  user: UserRecord,
  authType: AuthenticatedUser['authType'],
  credential: string,
): AuthenticatedUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    profileImageUrl: user.profileImageUrl,
    authType,
    credential,
  };
}
