import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RedisConnection } from '@atrium/redis';
import { LOCAL_TTL_MS, MODEL_TABLES_CHANNEL, ModelTablesCache } from './model-tables.cache.js';

afterEach(() => {
  vi.useRealTimers();
});

function counter() {
  let loads = 0;
  return { load: () => Promise.resolve(++loads), loads: () => loads };
}

describe('ModelTablesCache', () => {
  it('loads once, then serves the copy until a write', async () => {
    const cache = new ModelTablesCache();
    const source = counter();
    expect(await cache.get('t', source.load)).toBe(1);
    expect(await cache.get('t', source.load)).toBe(1);
    cache.changed();
    expect(await cache.get('t', source.load)).toBe(2);
  });

  it('without Redis re-reads once the local TTL has passed', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const cache = new ModelTablesCache();
    const source = counter();
    await cache.get('t', source.load);
    vi.setSystemTime(1_000_000 + LOCAL_TTL_MS - 1);
    expect(await cache.get('t', source.load)).toBe(1);
    vi.setSystemTime(1_000_000 + LOCAL_TTL_MS);
    expect(await cache.get('t', source.load)).toBe(2);
  });

  it('never keeps a load that overlapped a write', async () => {
    const cache = new ModelTablesCache();
    let release!: (value: string) => void;
    const slow = cache.get('t', () => new Promise<string>((resolve) => (release = resolve)));
    cache.changed();
    release('before the write');
    expect(await slow).toBe('before the write');
    expect(await cache.get('t', () => Promise.resolve('after'))).toBe('after');
  });

  it('forgets a failed load', async () => {
    const cache = new ModelTablesCache();
    await expect(cache.get('t', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('t', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('announces writes on Redis and drops its copy on writes of other instances only', async () => {
    const published: string[] = [];
    let deliver!: (message: string) => void;
    const redis = {
      enabled: true,
      publish: (channel: string, message: string) => {
        expect(channel).toBe(MODEL_TABLES_CHANNEL);
        published.push(message);
        return Promise.resolve(true);
      },
      subscribe: (_channel: string, handler: (message: string) => void) => {
        deliver = handler;
        return Promise.resolve();
      },
    } as unknown as RedisConnection;
    const cache = new ModelTablesCache(redis);
    await cache.onModuleInit();
    const source = counter();
    await cache.get('t', source.load);
    cache.changed();
    expect(published).toHaveLength(1);
    await cache.get('t', source.load);
    deliver(published[0]); // our own announcement: the copy stays
    expect(await cache.get('t', source.load)).toBe(2);
    deliver('another-instance');
    expect(await cache.get('t', source.load)).toBe(3);
  });
});
