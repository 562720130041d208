import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Clock } from '@atrium/common';
import { DatabaseTokenRevocationStore } from './database-token-revocation.store.js';
import { RedisTokenRevocationStore } from './redis-token-revocation.store.js';
import { RevokedTokensRepository } from './revoked-tokens.repository.js';
import { hashToken } from './token-revocation.store.js';

/** How often expired rows are purged and recent revocations re-copied into Redis. */
const MAINTENANCE_INTERVAL_MS = 5 * 60_000;
/** Each maintenance pass re-copies revocations made within this many seconds. */
const RECOPY_WINDOW_SECONDS = 15 * 60;
const COPY_PAGE_SIZE = 500;

/**
 * Signed-out tokens, shared by every instance.
 *
 * Without REDIS_URL the `revoked_token` table is the store. With REDIS_URL, Redis is checked
 * (no database read per request), and the table is ALWAYS written too, as the durable copy.
 *
 * Redis configured but down, the decision: neither fail open nor fail closed, fall back.
 *  - A check that cannot reach Redis asks the table instead. Failing open would let a stolen,
 *    signed-out token back in whenever Redis blinks; failing closed would sign every user out
 *    of every instance during a Redis outage. The table gives the right answer at the cost
 *    of one primary-key read while Redis is away.
 *  - A signout that cannot reach Redis still lands in the table (the signout succeeds), and
 *    the instance marks Redis as missing entries: until they are copied back, this instance
 *    also asks the table. They are copied back as soon as Redis is ready again, at start-up,
 *    and every 5 minutes for the last 15 minutes of revocations (which also covers an
 *    instance that died before it could copy). The only gap: another instance may accept a
 *    token revoked during the outage for the moments between Redis coming back and the copy.
 *  - Only when both Redis and the database refuse a signout does it fail (500), so a user is
 *    never told "signed out" while the token still works.
 */
@Injectable()
export class TokenRevocationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TokenRevocation');
  private maintenanceTimer: NodeJS.Timeout | undefined;
  /** This instance knows Redis lacks some revocations that are in the table. */
  private redisMissingEntries = false;
  /** Bumped on every failed Redis write, so a copy that raced with one does not clear the flag. */
  private failedWrites = 0;
  private copying: Promise<void> | undefined;
  private readonly revokedListeners = new Set<(token: string) => Promise<void>>();

  constructor(
    private readonly database: DatabaseTokenRevocationStore,
    private readonly redis: RedisTokenRevocationStore,
    private readonly repository: RevokedTokensRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.redis.enabled) {
      this.redis.onReady(() => {
        if (this.redisMissingEntries) void this.copyToRedis(0);
      });
      // Anything revoked while Redis was away and no instance was left to copy it.
      void this.copyToRedis(0);
    }
    this.maintenanceTimer = setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
  }

  /** Awaited for every token this instance revokes (caches of verified tokens drop it). */
  onRevoked(listener: (token: string) => Promise<void>): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Revokes a session token until it would have expired (`expiresAt` epoch s, null = never). */
  async revoke(token: string, expiresAt: number | null): Promise<void> {
    const tokenHash = hashToken(token);
    const [inDatabase, inRedis] = await Promise.allSettled([
      this.database.revoke(tokenHash, expiresAt),
      this.redis.enabled ? this.redis.revoke(tokenHash, expiresAt) : Promise.resolve(),
    ]);
    await Promise.all([...this.revokedListeners].map((listener) => listener(token)));
    if (inRedis.status === 'rejected') {
      this.redisMissingEntries = true;
      this.failedWrites += 1;
      this.logger.warn(
        `revocation not written to Redis (kept in the database): ${describe(inRedis.reason)}`,
      );
    }
    if (inDatabase.status === 'rejected') {
      if (!this.redis.enabled || inRedis.status === 'rejected') throw inDatabase.reason;
      this.logger.error(
        `revocation not written to the database (kept in Redis): ${describe(inDatabase.reason)}`,
      );
    }
  }

  async isRevoked(token: string): Promise<boolean> {
    const tokenHash = hashToken(token);
    if (!this.redis.enabled) return this.database.isRevoked(tokenHash);
    try {
      if (await this.redis.isRevoked(tokenHash)) return true;
      return this.redisMissingEntries ? await this.database.isRevoked(tokenHash) : false;
    } catch (error) {
      this.logger.debug(`Redis check failed, asking the database: ${describe(error)}`);
      return this.database.isRevoked(tokenHash);
    }
  }

  /** Purges expired rows and re-copies recent revocations into Redis. */
  async maintain(): Promise<void> {
    try {
      await this.database.purgeExpired();
    } catch (error) {
      this.logger.warn(`could not purge expired revocations: ${describe(error)}`);
    }
    if (this.redis.enabled) {
      const since = this.redisMissingEntries ? 0 : this.clock.nowSeconds() - RECOPY_WINDOW_SECONDS;
      await this.copyToRedis(since);
    }
  }

  /** Copies the table's revocations (created since `since`) into Redis; one copy at a time. */
  copyToRedis(since: number): Promise<void> {
    this.copying ??= this.copyPages(since).finally(() => {
      this.copying = undefined;
    });
    return this.copying;
  }

  private async copyPages(since: number): Promise<void> {
    const failuresAtStart = this.failedWrites;
    try {
      let after = '';
      for (;;) {
        const page = await this.repository.listActive(
          this.clock.nowSeconds(),
          since,
          after,
          COPY_PAGE_SIZE,
        );
        if (page.length === 0) break;
        await this.redis.revokeMany(page);
        after = page[page.length - 1].tokenHash;
        if (page.length < COPY_PAGE_SIZE) break;
      }
      // Cleared only by a full copy that started after the last failed write.
      if (since === 0 && this.failedWrites === failuresAtStart) this.redisMissingEntries = false;
    } catch (error) {
      this.logger.warn(`could not copy revocations into Redis yet: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
