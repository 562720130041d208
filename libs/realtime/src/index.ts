export * from './realtime.module.js';
export * from './realtime-emitter.js';
export * from './realtime-io.adapter.js';
export * from './server-events.js';
export { RealtimeRedis } from './realtime-redis.js';
export {
  SessionPool,
  SESSION_POOL_TIMING,
  DEFAULT_SESSION_POOL_TIMING,
  type SessionPoolTiming,
} from './session-pool.js';
