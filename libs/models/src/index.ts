export * from './models.module.js';
export { AccessControlService, type SharedResource } from './access-control.service.js';
export { ModelsService, MODELS_PAGE_SIZE } from './models.service.js';
export { ModelVisibilityService } from './model-visibility.service.js';
export {
  WorkspaceModelResolver,
  type ReachableModel,
  type ResolvedChatRequest,
} from './workspace-model-resolver.service.js';
export { overlayWorkspaceModels, namesModel, type ListedModel } from './model-overlay.js';
export {
  applyModelParams,
  applySystemPrompt,
  fillPromptTemplate,
  type ParamsTarget,
  type PromptContext,
} from './model-params.js';
export * from './access-grant.model.js';
export {
  grantsFromLegacy,
  legacyFromGrants,
  normalizeGrants,
  isPublicGrant,
} from './access-grants.js';
export type { WorkspaceModel, WorkspaceModelRecord } from './model.model.js';
export { MODEL_RESOURCE } from './model.model.js';

import { AccessGrantEntity } from './access-grant.entity.js';
import { ModelEntity } from './model.entity.js';

// Entities this library persists (registered with the DataSource by the app).
export const MODELS_ENTITIES = [AccessGrantEntity, ModelEntity];
