import { Module } from '@nestjs/common';
import { UsersModule } from '@atrium/users';
import { AuthModule } from '../auth.module.js';
import { IdTokenVerifier } from './id-token.verifier.js';
import { OAuthAccountsService } from './oauth-accounts.service.js';
import { OAuthAdminConfigController } from './oauth-admin-config.controller.js';
import { OAuthAdminConfigService } from './oauth-admin-config.service.js';
import { OAuthController } from './oauth.controller.js';
import { OAuthLoginAttemptsRepository } from './oauth-login-attempts.repository.js';
import { OAuthLoginService } from './oauth-login.service.js';
import { OAuthLoginState } from './oauth-login-state.js';
import { OAuthProviderClient } from './oauth-provider.client.js';
import { OAuthProviders } from './oauth-providers.js';
import { OAuthSignout } from './oauth-signout.js';

/** OAuth 2.0 / OpenID Connect sign-in, its admin config and claim-based role/group sync (issue 6). */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [OAuthController, OAuthAdminConfigController],
  providers: [
    OAuthProviders,
    OAuthProviderClient,
    IdTokenVerifier,
    OAuthLoginAttemptsRepository,
    OAuthLoginState,
    OAuthAccountsService,
    OAuthLoginService,
    OAuthAdminConfigService,
    OAuthSignout,
  ],
  exports: [OAuthProviders],
})
export class OAuthModule {}
