export * from './providers.module.js';
export * from './catalog/model-access.policy.js';
export * from './catalog/model-catalog.service.js';
export * from './catalog/model-record.js';
export * from './catalog/models.service.js';
export * from './relay/provider-relay.service.js';
export { requestBody } from './relay/request-body.js';
export { clientGone, relayUpstream } from './relay/response-writer.js';
export { tapOf } from './relay/model-call-tap.js';

import { ProviderConnectionEntity } from './connections/provider-connection.entity.js';

// Entities this library persists (registered with the DataSource by the app).
export const PROVIDERS_ENTITIES = [ProviderConnectionEntity];
