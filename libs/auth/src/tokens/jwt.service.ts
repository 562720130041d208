import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { APP_CONFIG, parseDurationSeconds, type AppConfig } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { jwtVerify, SignJWT } from 'jose';

const ALGORITHM = 'HS256';

/** What a session token says once verified. */
export interface SessionClaims {
  /** The user id. */
  id: string;
  /** Epoch seconds; null for tokens that never expire (JWT_EXPIRES_IN -1 or 0). */
  expiresAt: number | null;
}

export interface IssuedToken {
  token: string;
  expiresAt: number | null;
}

/**
 * Session JWTs exactly as Open WebUI makes them: HS256 signed with WEBUI_SECRET_KEY, payload
 * `{id, exp}` (no exp when the expiry is -1/0) plus a random `jti` as newer upstream builds add,
 * so two sessions never share a token and signing one out leaves the other alive. Tokens issued
 * by Open WebUI with the same secret stay valid here.
 */
@Injectable()
export class JwtService {
  private readonly key: Uint8Array;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(config.secretKey);
  }

  /** Seconds a new token lives (from the run-time setting auth.jwt_expiry); null = forever. */
  lifetimeSeconds(): number | null {
    try {
      const seconds = parseDurationSeconds(this.settings.get('auth.jwt_expiry'));
      return seconds === null ? null : Math.max(1, Math.floor(seconds));
    } catch {
      // The setting is validated on write; a hand-edited bad value must not lock everyone out.
      return parseDurationSeconds('4w');
    }
  }

  async issue(userId: string): Promise<IssuedToken> {
    const lifetime = this.lifetimeSeconds();
    const expiresAt = lifetime === null ? null : this.clock.nowSeconds() + lifetime;
    const jwt = new SignJWT({ id: userId, jti: randomUUID() }).setProtectedHeader({
      alg: ALGORITHM,
      typ: 'JWT',
    });
    if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
    return { token: await jwt.sign(this.key), expiresAt };
  }

  /**
   * Verifies signature, algorithm (HS256 only: no "none", no RS/HS confusion) and expiry.
   * Returns null for anything that is not a valid session token.
   */
  async verify(token: string): Promise<SessionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        currentDate: new Date(this.clock.nowMs()),
      });
      if (typeof payload.id !== 'string' || payload.id.length === 0) return null;
      if (payload.exp !== undefined && typeof payload.exp !== 'number') return null;
      return { id: payload.id, expiresAt: payload.exp ?? null };
    } catch {
      return null;
    }
  }
}
