import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import {
  OAuthLoginAttemptsRepository,
  type OAuthLoginAttempt,
} from './oauth-login-attempts.repository.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';

/** What the authorization request carries and the callback needs back. */
export interface StartedLogin {
  state: string;
  nonce: string;
  codeChallenge: string;
  /** Cookie value binding the state to this browser. */
  browserBinding: string;
}

/**
 * State, nonce and PKCE for one sign-in. The state is random and single-use: its attempt row is
 * deleted by the first callback that presents it. It is also bound to the browser that started
 * the login by an HMAC-signed, short-lived, HttpOnly cookie, so a callback URL replayed or
 * planted in another browser (login CSRF) is refused.
 */
@Injectable()
export class OAuthLoginState {
  private readonly logger = new Logger('OAuth');
  private readonly ttlSeconds: number;
  private readonly secret: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly attempts: OAuthLoginAttemptsRepository,
    private readonly clock: Clock,
  ) {
    this.ttlSeconds = config.oauth.loginTtlSeconds;
    this.secret = config.secretKey;
  }

  get cookieMaxAgeMs(): number {
    return this.ttlSeconds * 1000;
  }

  async start(provider: string, redirectUri: string): Promise<StartedLogin> {
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken(48);
    const now = this.clock.nowSeconds();
    await this.attempts.deleteExpired(now).catch((error: Error) => {
      this.logger.warn(`could not prune expired OAuth login attempts: ${error.message}`);
    });
    await this.attempts.insert({
      id: hashState(state),
      provider,
      nonce,
      codeVerifier,
      redirectUri,
      expiresAt: now + this.ttlSeconds,
      createdAt: now,
    });
    return {
      state,
      nonce,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      browserBinding: `${state}.${this.sign(state)}`,
    };
  }

  /** The attempt the callback belongs to; refused when unbound, unknown, used, expired or crossed. */
  async consume(
    provider: string,
    state: string | undefined,
    binding: string | undefined,
  ): Promise<OAuthLoginAttempt> {
    if (!state) throw expired('callback without a state parameter');
    if (!binding) throw expired('no login cookie in this browser (started elsewhere or expired)');
    const dot = binding.lastIndexOf('.');
    const boundState = binding.slice(0, dot);
    if (dot < 0 || !safeEqual(binding.slice(dot + 1), this.sign(boundState)))
      throw expired('login cookie signature is invalid');
    if (!safeEqual(boundState, state))
      throw expired('state does not match the login started in this browser');
    const attempt = await this.attempts.take(hashState(state));
    if (!attempt) throw expired('state is unknown or was already used');
    if (attempt.expiresAt < this.clock.nowSeconds()) throw expired('login attempt expired');
    if (attempt.provider !== provider)
      throw expired(`state belongs to provider ${attempt.provider}, not ${provider}`);
    return attempt;
  }

  private sign(value: string): string {
    return createHmac('sha256', this.secret).update(`oauth-state:${value}`).digest('base64url');
  }
}

function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function expired(reason: string): OAuthRefusal {
  return new OAuthRefusal(OAuthRefusalMessages.EXPIRED, reason);
}
