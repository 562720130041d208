import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PASSWORD_UPDATER, UsersModule } from '@atrium/users';
import { AccountCreationLock } from './accounts/account-creation.lock.js';
import { AccountPasswordUpdater } from './accounts/account-password-updater.js';
import { AccountsService } from './accounts/accounts.service.js';
import { AdminBootstrapService } from './accounts/admin-bootstrap.service.js';
import { AuthAdminConfigService } from './accounts/auth-admin-config.service.js';
import { SessionCookies } from './accounts/session-cookies.js';
import { SessionIssuer } from './accounts/session-issuer.js';
import { SessionsService } from './accounts/sessions.service.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AuthsController } from './auths.controller.js';
import { AuthGuard } from './guard/auth.guard.js';
import { CallerAuthenticator } from './guard/caller-authenticator.js';
import { TrustedHeaderSignin } from './guard/trusted-header.js';
import { VerifiedCredentialCache } from './guard/verified-credential-cache.js';
import { CredentialsRepository } from './passwords/credentials.repository.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { PasswordPolicy } from './passwords/password-policy.js';
import { SigninRateLimiter } from './rate-limit/signin-rate-limiter.js';
import { DatabaseTokenRevocationStore } from './tokens/database-token-revocation.store.js';
import { JwtService } from './tokens/jwt.service.js';
import { RedisTokenRevocationStore } from './tokens/redis-token-revocation.store.js';
import { RevokedTokensRepository } from './tokens/revoked-tokens.repository.js';
import { TokenRevocationService } from './tokens/token-revocation.service.js';
import { SignoutRedirects } from './oauth/signout-redirects.js';

/**
 * Sessions, passwords, API keys, /api/v1/auths and the global auth guard (APP_GUARD).
 * The users library finds PASSWORD_UPDATER at call time (no import either way). Other
 * transports (the socket handshake) import this module for CallerAuthenticator.
 */
@Module({
  imports: [UsersModule],
  controllers: [AuthsController],
  providers: [
    PasswordHasher,
    PasswordPolicy,
    CredentialsRepository,
    JwtService,
    RevokedTokensRepository,
    DatabaseTokenRevocationStore,
    RedisTokenRevocationStore,
    TokenRevocationService,
    ApiKeysRepository,
    ApiKeysService,
    SigninRateLimiter,
    CallerAuthenticator,
    VerifiedCredentialCache,
    AccountCreationLock,
    SessionIssuer,
    AccountsService,
    SessionsService,
    SessionCookies,
    AuthAdminConfigService,
    AdminBootstrapService,
    AccountPasswordUpdater,
    TrustedHeaderSignin,
    SignoutRedirects,
    { provide: PASSWORD_UPDATER, useExisting: AccountPasswordUpdater },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [
    PASSWORD_UPDATER,
    CallerAuthenticator,
    JwtService,
    TokenRevocationService,
    PasswordHasher,
    // For the LDAP and OAuth sign-in modules of this library:
    SessionIssuer,
    SessionCookies,
    SessionsService,
    AccountsService,
    AccountCreationLock,
    SigninRateLimiter,
    CredentialsRepository,
    SignoutRedirects,
  ],
})
export class AuthModule {}
