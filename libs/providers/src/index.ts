export * from './providers.module.js';
export * from './catalog/model-access.policy.js';
export * from './catalog/model-catalog.service.js';
export * from './catalog/model-record.js';
export * from './catalog/models.service.js';
export * from './relay/provider-relay.service.js';

import { ProviderConnectionEntity } from './connections/provider-connection.entity.js';

// Entities this library persists (registered with the DataSource by the app).
export const PROVIDERS_ENTITIES = [ProviderConnectionEntity];
