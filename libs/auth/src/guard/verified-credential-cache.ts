import { Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Clock, type AuthenticatedUser } from '@atrium/common';
import { RedisConnection } from '@atrium/redis';
import { UserEventsService } from '@atrium/users';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { TokenRevocationService } from '../tokens/token-revocation.service.js';
import { hashToken } from '../tokens/token-revocation.store.js';

/**
 * How long a verified session token or API key is trusted without re-reading it (signature,
 * expiry and user row; for a key, its owner and user row). Changes made on this instance take
 * effect at once (events evict the entries). Across instances:
 * - with REDIS_URL, a session token's revocation is still checked on every request (one Redis
 *   read; the table while Redis is unreachable), so a signout anywhere is honoured at once; user
 *   deletions, role/email changes and replaced or deleted API keys are broadcast, and this TTL
 *   bounds them if a broadcast is lost;
 * - without REDIS_URL (instances sharing only the database), a signout, user deletion, role
 *   change or key deletion made on another instance takes effect here within this bound.
 * Whether API keys are enabled, and a non-admin's features.api_keys permission, are checked on
 * every request, cached or not.
 */
export const CREDENTIAL_CACHE_TTL_MS = 3_000;
/** Entries kept at most; the oldest go first (a Map keeps insertion order). */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 10_000;

/** Messages: `t:<sha256 of a token>` or `u:<user id>`. */
const EVICT_CHANNEL = 'auth:session-evict';

interface Entry {
  user: AuthenticatedUser;
  /** SHA-256 of the token: what revocations are broadcast by. */
  hash: string;
  /** Epoch ms after which the entry is not used: the TTL, or the token's own expiry if sooner. */
  validUntil: number;
}

/**
 * Session JWT or API key -> calling user, for a few seconds (in memory only; broadcasts name a
 * token by its SHA-256, a user by id).
 * Saves the signature check, the revocation lookup and the user read (for a key: the key lookup
 * and the user read) on every request of a busy client (a chat UI streams and polls with the
 * same token; an SDK fires many completions with one key). Evicted when the token is revoked,
 * the user's key is replaced or deleted, or the user is deleted or changes role or email (see
 * CREDENTIAL_CACHE_TTL_MS for the bound).
 */
@Injectable()
export class VerifiedCredentialCache implements OnModuleInit, OnModuleDestroy {
  /** By token: a Map lookup per request, no hashing on the hot path. */
  private readonly entries = new Map<string, Entry>();
  private readonly tokensByHash = new Map<string, string>();
  private readonly tokensByUser = new Map<string, Set<string>>();
  /**
   * Counts evictions caused by a change (revocation, user or key change; not expiry): a
   * verification that read the database before one of them must not cache what it read.
   */
  private changes = 0;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly clock: Clock,
    events: UserEventsService,
    revocations: TokenRevocationService,
    apiKeys: ApiKeysService,
    @Optional() private readonly redis?: RedisConnection,
  ) {
    const forgetUser = async ({ userId }: { userId: string }) => {
      this.forgetUser(userId);
      await this.broadcast(`u:${userId}`);
    };
    this.unsubscribe = [
      events.onUserDeleted(forgetUser),
      events.onUserRoleChanged(forgetUser),
      events.onUserEmailChanged(forgetUser),
      apiKeys.onKeyChanged((userId) => forgetUser({ userId })),
      revocations.onRevoked(async (token) => {
        this.changes += 1;
        this.forgetToken(token);
        await this.broadcast(`t:${hashToken(token)}`);
      }),
    ];
  }

  async onModuleInit(): Promise<void> {
    await this.redis?.subscribe(EVICT_CHANNEL, (message) => {
      if (message.startsWith('t:')) this.forgetHash(message.slice(2));
      else if (message.startsWith('u:')) this.forgetUser(message.slice(2));
    });
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe) stop();
  }

  /** True when a cached entry also vouches for the token not being revoked (no shared Redis). */
  get coversRevocation(): boolean {
    return !this.redis?.enabled;
  }

  /** The caller of a session token or API key (`token`) verified less than the TTL ago. */
  get(token: string): AuthenticatedUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.clock.nowMs() >= entry.validUntil) {
      this.forgetToken(token);
      return undefined;
    }
    // A copy: request.user is per request.
    return { ...entry.user };
  }

  /** Taken before a verification reads anything; handed back to set(). */
  get stamp(): number {
    return this.changes;
  }

  /**
   * `expiresAt`: the token's `exp` (epoch seconds), null when it never expires (API keys).
   * `stamp`: this.stamp from before the verification; if a change evicted anything since (a
   * signout or key deletion racing the verification), the result is not kept.
   */
  set(token: string, user: AuthenticatedUser, expiresAt: number | null, stamp: number): void {
    if (stamp !== this.changes) return;
    const now = this.clock.nowMs();
    const validUntil = Math.min(
      now + CREDENTIAL_CACHE_TTL_MS,
      expiresAt === null ? Infinity : expiresAt * 1000,
    );
    if (validUntil <= now) return;
    this.forgetToken(token);
    if (this.entries.size >= CREDENTIAL_CACHE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forgetToken(oldest);
    }
    const hash = hashToken(token);
    this.entries.set(token, { user, hash, validUntil });
    this.tokensByHash.set(hash, token);
    let tokens = this.tokensByUser.get(user.id);
    if (!tokens) this.tokensByUser.set(user.id, (tokens = new Set()));
    tokens.add(token);
  }

  forgetToken(token: string): void {
    const entry = this.entries.get(token);
    if (!entry) return;
    this.entries.delete(token);
    this.tokensByHash.delete(entry.hash);
    const tokens = this.tokensByUser.get(entry.user.id);
    tokens?.delete(token);
    if (tokens?.size === 0) this.tokensByUser.delete(entry.user.id);
  }

  private forgetHash(hash: string): void {
    this.changes += 1;
    const token = this.tokensByHash.get(hash);
    if (token !== undefined) this.forgetToken(token);
  }

  private forgetUser(userId: string): void {
    this.changes += 1;
    for (const token of [...(this.tokensByUser.get(userId) ?? [])]) this.forgetToken(token);
  }

  /** Tells the other instances (awaited, so they have it before the change is answered). */
  private async broadcast(message: string): Promise<void> {
    if (this.redis?.enabled) await this.redis.publish(EVICT_CHANNEL, message);
  }

  get size(): number {
    return this.entries.size;
  }
}
