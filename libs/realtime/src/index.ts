export * from './realtime.module.js';
export * from './realtime-emitter.js';
export * from './server-events.js';
