import { describe, expect, it } from 'vitest';
import type { DatabaseHealth } from '@atrium/database';
import type { RedisConnection } from '@atrium/redis';
import { HealthService } from './health.service.js';
import { ProbeFailedError } from './system.errors.js';

function setup(options: { db?: () => Promise<boolean>; redisPing?: () => Promise<string> } = {}) {
  const database = { ping: options.db ?? (() => Promise.resolve(true)) } as DatabaseHealth;
  const redis = {
    client: options.redisPing ? { ping: options.redisPing } : undefined,
  } as unknown as RedisConnection;
  const service = new HealthService(database, redis);
  service.onApplicationBootstrap();
  return service;
}

async function failureOf(work: Promise<void>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProbeFailedError);
    expect((error as ProbeFailedError).status).toBe(503);
    return (error as ProbeFailedError).detail;
  }
}

describe('HealthService', () => {
  it('is not ready before the application has bootstrapped', async () => {
    const service = new HealthService(
      { ping: () => Promise.resolve(true) } as DatabaseHealth,
      {} as RedisConnection,
    );
    expect(await failureOf(service.assertReady())).toBe('Startup not complete');
    service.onApplicationBootstrap();
    expect(await failureOf(service.assertReady())).toBeUndefined();
  });

  it('reports the database first, then Redis', async () => {
    expect(await failureOf(setup({ db: () => Promise.resolve(false) }).assertReady())).toBe(
      'Database not ready',
    );
    expect(await failureOf(setup({ db: () => Promise.resolve(false) }).assertDatabase())).toBe(
      'Database not ready',
    );
    const redisDown = setup({
      redisPing: () => Promise.reject(new Error('Connection is closed.')),
    });
    expect(await failureOf(redisDown.assertReady())).toBe('Redis not ready');
    expect(await failureOf(redisDown.assertDatabase())).toBeUndefined();
    expect(
      await failureOf(setup({ redisPing: () => Promise.resolve('PONG') }).assertReady()),
    ).toBeUndefined();
  });

  it('a probe that hangs fails after its timeout instead of hanging the request', async () => {
    const hanging = setup({ db: () => new Promise<boolean>(() => undefined) });
    const started = Date.now();
    expect(await failureOf(hanging.assertReady())).toBe('Database not ready');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
