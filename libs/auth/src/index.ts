export * from './api-key.entity.js';
export * from './auth-credential.entity.js';
export * from './revoked-token.entity.js';

import { ApiKeyEntity } from './api-key.entity.js';
import { AuthCredentialEntity } from './auth-credential.entity.js';
import { RevokedTokenEntity } from './revoked-token.entity.js';
export const AUTH_ENTITIES = [AuthCredentialEntity, ApiKeyEntity, RevokedTokenEntity];
export * from './auth.module.js';
