export * from './chats.module.js';

// Entities this library persists (registered with the DataSource by the app).
export const CHATS_ENTITIES = [];
