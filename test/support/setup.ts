// Loaded before every test file (vitest.config.ts `setupFiles`). Nest's decorators store
// metadata through the Reflect API, which this polyfill provides, as main.ts does at boot.
import 'reflect-metadata';

process.env.NODE_ENV ??= 'test';
