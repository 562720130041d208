import { describe, expect, it } from 'vitest';
import { EnvReader, readRealtimeConfig } from '@atrium/config';

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  return { config: readRealtimeConfig(reader), problems: reader.problems };
}

describe('readRealtimeConfig (WEBSOCKET_* variables)', () => {
  it("uses Open WebUI's defaults", () => {
    expect(read({})).toEqual({
      config: {
        enableWebsocket: true,
        manager: '',
        redisUrl: undefined,
        pingIntervalMs: 25_000,
        pingTimeoutMs: 20_000,
        serverLogging: false,
        publicActiveUsersCount: true,
      },
      problems: [],
    });
  });

  it('takes WEBSOCKET_REDIS_URL, else REDIS_URL, and seconds for the ping settings', () => {
    const fromRedisUrl = read({ WEBSOCKET_MANAGER: 'redis', REDIS_URL: 'redis://r:6379' });
    expect(fromRedisUrl.config.redisUrl).toBe('redis://r:6379');
    const own = read({
      WEBSOCKET_MANAGER: 'Redis',
      REDIS_URL: 'redis://r:6379',
      WEBSOCKET_REDIS_URL: 'rediss://ws:6380/1',
      WEBSOCKET_SERVER_PING_INTERVAL: '1',
      WEBSOCKET_SERVER_PING_TIMEOUT: '2',
      ENABLE_WEBSOCKET_SUPPORT: 'false',
    });
    expect(own.problems).toEqual([]);
    expect(own.config).toMatchObject({
      manager: 'redis',
      redisUrl: 'rediss://ws:6380/1',
      pingIntervalMs: 1000,
      pingTimeoutMs: 2000,
      enableWebsocket: false,
    });
  });

  it('reports a Redis manager without a Redis, bad URLs and bad numbers by name', () => {
    const { problems } = read({
      WEBSOCKET_MANAGER: 'redis',
      WEBSOCKET_SERVER_PING_INTERVAL: 'often',
      WEBSOCKET_SERVER_PING_TIMEOUT: '0',
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'WEBSOCKET_MANAGER',
      'WEBSOCKET_SERVER_PING_INTERVAL',
      'WEBSOCKET_SERVER_PING_TIMEOUT',
    ]);
    expect(read({ WEBSOCKET_REDIS_URL: 'http://x' }).problems).toEqual([
      expect.stringMatching(/^WEBSOCKET_REDIS_URL: expected redis:\/\//),
    ]);
    expect(read({ WEBSOCKET_MANAGER: 'kafka' }).problems).toEqual([
      expect.stringMatching(/^WEBSOCKET_MANAGER: expected one of redis/),
    ]);
  });
});
