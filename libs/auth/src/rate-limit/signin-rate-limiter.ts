import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { RedisConnection } from '@atrium/redis';
import {
  bucketOf,
  decide,
  windowBuckets,
  type RateLimitDecision,
  type SlidingWindowPolicy,
} from './sliding-window.js';

/** Open WebUI's signin limit: 15 attempts (5 * 3) per 3 minutes per email, 1-minute buckets. */
export const SIGNIN_RATE_LIMIT: SlidingWindowPolicy = {
  limit: 15,
  windowSeconds: 180,
  bucketSeconds: 60,
};

/** In-memory keys are swept when the map grows past this many. */
const MEMORY_SWEEP_THRESHOLD = 10_000;

/**
 * Counts signin attempts per email. With REDIS_URL the counters live in Redis
 * (`{prefix}:ratelimit:signin:<sha256(email)>:<bucket>`) and are shared by every instance;
 * without Redis, or while it is unreachable, each instance counts in memory (as upstream).
 * Emails are hashed so a huge email cannot make a huge key.
 */
@Injectable()
export class SigninRateLimiter {
  private readonly logger = new Logger('SigninRateLimiter');
  private readonly memory = new Map<string, Map<number, number>>();
  private readonly policy: SlidingWindowPolicy = SIGNIN_RATE_LIMIT;
  private lastWarningAt = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  /** Counts one attempt for `email` and says whether it is over the limit. */
  async hit(email: string): Promise<RateLimitDecision> {
    const key = createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
    const now = this.clock.nowSeconds();
    if (this.redis.client) {
      try {
        return await this.hitRedis(key, now);
      } catch (error) {
        this.logger.warn(
          `Redis unavailable, counting signin attempts in memory: ${(error as Error).message}`,
        );
      }
    }
    return this.hitMemory(key, now);
  }

  private async hitRedis(key: string, now: number): Promise<RateLimitDecision> {
    const client = this.redis.client!;
    const current = bucketOf(now, this.policy);
    const buckets = windowBuckets(current, this.policy);
    const keys = buckets.map((bucket) =>
      this.redis.key('ratelimit', 'signin', key, String(bucket)),
    );
    const results = await client
      .multi()
      .incr(keys[0])
      .expire(keys[0], this.policy.windowSeconds + this.policy.bucketSeconds)
      .mget(...keys)
      .exec();
    if (!results) throw new Error('rate-limit transaction aborted');
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
    const values = results[2][1] as (string | null)[];
    const counts = new Map(buckets.map((bucket, index) => [bucket, Number(values[index] ?? 0)]));
    return decide(counts, now, this.policy);
  }

  private hitMemory(key: string, now: number): RateLimitDecision {
    const current = bucketOf(now, this.policy);
    const oldest = windowBuckets(current, this.policy).at(-1)!;
    if (this.memory.size > MEMORY_SWEEP_THRESHOLD) this.sweep(oldest);
    let counts = this.memory.get(key);
    if (!counts) {
      counts = new Map();
      this.memory.set(key, counts);
    }
    counts.set(current, (counts.get(current) ?? 0) + 1);
    for (const bucket of counts.keys()) if (bucket < oldest) counts.delete(bucket);
    return decide(counts, now, this.policy);
  }

  private sweep(oldest: number): void {
    for (const [key, counts] of this.memory) {
      if (![...counts.keys()].some((bucket) => bucket >= oldest)) this.memory.delete(key);
    }
  }
}
