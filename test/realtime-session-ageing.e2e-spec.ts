/**
 * The Redis session pool forgets the sessions of a crashed instance: an instance that stops
 * refreshing (no clean disconnects) drops out of presence once its entries are older than the
 * pool's TTL, while a live instance's entries are kept fresh by its refresh timer. Production
 * ages entries after 120 s; the test injects a 600 ms TTL through SESSION_POOL_TIMING.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '@atrium/config';
import { RealtimeRedis, SessionPool, type SessionPoolTiming } from '@atrium/realtime';
import { eventually } from './realtime-fixtures.js';
import {
  flushPrefix,
  redisPrefix,
  redisUrl as configuredRedisUrl,
  REDIS_VARIABLE,
  warnSkipped,
} from './support/test-databases.js';

const TIMING: SessionPoolTiming = { ttlMs: 600, refreshMs: 100 };

const redisUrl = configuredRedisUrl();
if (!redisUrl) warnSkipped('session pool ageing on Redis', REDIS_VARIABLE);

describe.skipIf(!redisUrl)('session pool ageing of a crashed instance', () => {
  const prefix = redisPrefix();
  const connections: RealtimeRedis[] = [];
  let live: SessionPool;
  let crashed: SessionPool;
  let crashedRedis: RealtimeRedis;

  /** One instance's Redis links and pool, as the realtime module builds them. */
  const instance = async (): Promise<[SessionPool, RealtimeRedis]> => {
    const config = {
      redis: { keyPrefix: prefix },
      realtime: { manager: 'redis', redisUrl },
    } as unknown as AppConfig;
    const redis = new RealtimeRedis(config);
    await redis.onApplicationBootstrap();
    connections.push(redis);
    const pool = new SessionPool(redis, TIMING);
    pool.onModuleInit();
    return [pool, redis];
  };

  beforeAll(async () => {
    [live] = await instance();
    [crashed, crashedRedis] = await instance();
  });
  afterAll(async () => {
    live?.onModuleDestroy();
    crashed?.onModuleDestroy();
    for (const redis of connections) await redis.onApplicationShutdown();
    if (redisUrl) await flushPrefix(redisUrl, prefix);
  });

  it('drops the crashed instance from presence after the TTL and keeps the live one', async () => {
    live.add('sid-live', 'user-live');
    crashed.add('sid-crashed', 'user-crashed');
    await eventually(async () => (await live.activeUserIds()).length === 2, 2000);

    // The crash: the instance's refresh timer dies with it and no disconnect is ever sent.
    crashed.onModuleDestroy();
    const crashedAt = Date.now();
    expect((await live.activeUserIds()).sort()).toEqual(['user-crashed', 'user-live']);

    await eventually(async () => !(await live.activeUserIds()).includes('user-crashed'), 3000);
    const agedAfter = Date.now() - crashedAt;
    expect(agedAfter).toBeLessThan(TIMING.ttlMs + 1000);
    // Several TTLs later the live instance is still present: its timer kept re-stamping it.
    await new Promise((resolve) => setTimeout(resolve, 2 * TIMING.ttlMs));
    expect(await live.activeUserIds()).toEqual(['user-live']);
    // The live instance's refresh also removed the stale entry from Redis itself.
    const members = await crashedRedis.commands!.zrange(`${prefix}:session_pool`, 0, -1);
    expect(members).toEqual(['user-live sid-live']);
  });
});
