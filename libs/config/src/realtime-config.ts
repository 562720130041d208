import type { EnvReader } from './env-reader.js';

/** Environment settings of the socket.io gateway (issue 5). Owner: the realtime helper. */
export interface RealtimeConfig {
  /** ENABLE_WEBSOCKET_SUPPORT: websocket transport; off means long-polling only. */
  enableWebsocket: boolean;
  /** WEBSOCKET_MANAGER: "redis" shares rooms and pools between instances; "" keeps them local. */
  manager: 'redis' | '';
  /** WEBSOCKET_REDIS_URL (default REDIS_URL): the Redis of the socket.io adapter and the pools. */
  redisUrl?: string;
  /** WEBSOCKET_SERVER_PING_INTERVAL / _TIMEOUT (seconds in the environment). */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** WEBSOCKET_SERVER_LOGGING: log every connect, authentication and disconnect. */
  serverLogging: boolean;
  /** ENABLE_PUBLIC_ACTIVE_USERS_COUNT: GET /api/usage for every verified user, not only admins. */
  publicActiveUsersCount: boolean;
}

export function readRealtimeConfig(reader: EnvReader): RealtimeConfig {
  const manager = reader.oneOf('WEBSOCKET_MANAGER', ['redis', ''] as const, '');
  const redisUrl =
    reader.optionalString('WEBSOCKET_REDIS_URL') ?? reader.optionalString('REDIS_URL');
  reader.check(
    'WEBSOCKET_REDIS_URL',
    redisUrl === undefined || /^rediss?:\/\//.test(redisUrl),
    'expected redis:// or rediss://',
  );
  reader.check(
    'WEBSOCKET_MANAGER',
    manager !== 'redis' || redisUrl !== undefined,
    'redis needs WEBSOCKET_REDIS_URL or REDIS_URL',
  );
  return {
    enableWebsocket: reader.bool('ENABLE_WEBSOCKET_SUPPORT', true),
    manager,
    redisUrl,
    pingIntervalMs: reader.int('WEBSOCKET_SERVER_PING_INTERVAL', 25, { min: 1, max: 3600 }) * 1000,
    pingTimeoutMs: reader.int('WEBSOCKET_SERVER_PING_TIMEOUT', 20, { min: 1, max: 3600 }) * 1000,
    serverLogging: reader.bool('WEBSOCKET_SERVER_LOGGING', false),
    publicActiveUsersCount: reader.bool('ENABLE_PUBLIC_ACTIVE_USERS_COUNT', true),
  };
}
