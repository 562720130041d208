export * from './realtime.module.js';
export * from './realtime-emitter.js';
export * from './realtime-io.adapter.js';
export * from './server-events.js';
