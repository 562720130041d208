export * from './providers.module.js';

// Entities this library persists (registered with the DataSource by the app).
export const PROVIDERS_ENTITIES = [];
