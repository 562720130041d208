export * from './observability.module.js';

// Entities this library persists (registered with the DataSource by the app).
export const OBSERVABILITY_ENTITIES = [];
