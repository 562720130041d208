export * from './api-docs.js';
export { BUILD_INFO, type BuildInfo } from './build-info.js';
export * from './health.service.js';
export * from './system.errors.js';
export * from './system.module.js';
