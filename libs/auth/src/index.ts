export * from './api-key.entity.js';
export * from './auth-credential.entity.js';
export * from './revoked-token.entity.js';
export * from './auth.module.js';
export { AuthMessages } from './auth.errors.js';
export { CallerAuthenticator } from './guard/caller-authenticator.js';
export { trustedHeaderAllows } from './guard/trusted-header.js';
export { assertRequirementMet, requireCredential } from './guard/caller-access.js';
export {
  extractCredential,
  SESSION_COOKIE,
  type PresentedCredential,
} from './guard/presented-credential.js';
export { JwtService, type SessionClaims, type IssuedToken } from './tokens/jwt.service.js';
export { TokenRevocationService } from './tokens/token-revocation.service.js';
export { PasswordHasher } from './passwords/password-hasher.js';
export { generateApiKey, hashApiKey, isApiKeyFormat } from './api-keys/api-key-cipher.js';
export { ApiKeysService } from './api-keys/api-keys.service.js';

import { ApiKeyEntity } from './api-key.entity.js';
import { AuthCredentialEntity } from './auth-credential.entity.js';
import { RevokedTokenEntity } from './revoked-token.entity.js';
export const AUTH_ENTITIES = [AuthCredentialEntity, ApiKeyEntity, RevokedTokenEntity];
export { LdapModule } from './ldap/ldap.module.js';
export { OAuthModule } from './oauth/oauth.module.js';
