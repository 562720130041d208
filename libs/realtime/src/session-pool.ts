import {
  Inject,
  Injectable,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { RealtimeRedis } from './realtime-redis.js';

/**
 * How a Redis session entry ages. Production uses the defaults; the provider token lets a test
 * (or an embedding app) inject shorter ones without an environment variable.
 */
export interface SessionPoolTiming {
  /** An entry not refreshed for this long belongs to a crashed instance and no longer counts. */
  ttlMs: number;
  /** Each instance re-stamps its live sessions this often, so entries expire only when it dies. */
  refreshMs: number;
}

export const SESSION_POOL_TIMING = Symbol('SESSION_POOL_TIMING');
export const DEFAULT_SESSION_POOL_TIMING: SessionPoolTiming = { ttlMs: 120_000, refreshMs: 30_000 };

/**
 * Which user each authenticated socket (sid) belongs to, for presence (GET /api/v1/users/active,
 * the user count of GET /api/usage). Always kept for this instance in memory; with
 * WEBSOCKET_MANAGER=redis also in the sorted set `{prefix}:session_pool` (member "userId sid",
 * score = last refresh in ms), read across instances. Redis failures fall back to the local view.
 */
@Injectable()
export class SessionPool implements OnModuleInit, OnModuleDestroy {
  private readonly local = new Map<string, string>();
  private timer?: NodeJS.Timeout;

  private readonly timing: SessionPoolTiming;

  constructor(
    private readonly redis: RealtimeRedis,
    @Optional() @Inject(SESSION_POOL_TIMING) timing?: SessionPoolTiming,
  ) {
    this.timing = timing ?? DEFAULT_SESSION_POOL_TIMING;
  }

  onModuleInit(): void {
    if (!this.redis.enabled) return;
    this.timer = setInterval(() => void this.refreshAll(), this.timing.refreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  add(sid: string, userId: string): void {
    this.local.set(sid, userId);
    void this.write('session pool add', (client, key) =>
      client
        .multi()
        .zadd(key, Date.now(), member(userId, sid))
        .pexpire(key, this.timing.ttlMs)
        .exec(),
    );
  }

  /** Heartbeat: the session is alive. */
  touch(sid: string): void {
    const userId = this.local.get(sid);
    if (userId !== undefined) this.add(sid, userId);
  }

  remove(sid: string): void {
    const userId = this.local.get(sid);
    if (userId === undefined) return;
    this.local.delete(sid);
    void this.write('session pool remove', (client, key) => client.zrem(key, member(userId, sid)));
  }

  userOf(sid: string): string | undefined {
    return this.local.get(sid);
  }

  /** Ids of the users with at least one live socket on any instance. */
  async activeUserIds(): Promise<string[]> {
    const client = this.redis.commands;
    if (client) {
      try {
        const key = this.redis.key('session_pool');
        const members = await client.zrangebyscore(key, Date.now() - this.timing.ttlMs, '+inf');
        const ids = new Set(members.map((entry) => entry.slice(0, entry.indexOf(' '))));
        for (const userId of this.local.values()) ids.add(userId);
        return [...ids];
      } catch (error) {
        this.redis.warnOnce('session pool read', error);
      }
    }
    return [...new Set(this.local.values())];
  }

  private async refreshAll(): Promise<void> {
    if (this.local.size === 0) return;
    const now = Date.now();
    await this.write('session pool refresh', (client, key) => {
      const batch = client.multi();
      for (const [sid, userId] of this.local) batch.zadd(key, now, member(userId, sid));
      return batch
        .zremrangebyscore(key, '-inf', now - this.timing.ttlMs)
        .pexpire(key, this.timing.ttlMs)
        .exec();
    });
  }

  private async write(
    what: string,
    operation: (client: NonNullable<RealtimeRedis['commands']>, key: string) => Promise<unknown>,
  ): Promise<void> {
    const client = this.redis.commands;
    if (!client) return;
    try {
      await operation(client, this.redis.key('session_pool'));
    } catch (error) {
      this.redis.warnOnce(what, error);
    }
  }
}

function member(userId: string, sid: string): string {
  return `${userId} ${sid}`;
}
