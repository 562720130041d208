export * from './column-transformers.js';
export * from './data-source.factory.js';
export * from './database-health.js';
export * from './database.module.js';
export * from './migration-runner.js';
export * from './schema-types.js';
export * from './transaction.js';
