import { Module } from '@nestjs/common';
import { UsersModule } from '@atrium/users';
import { AuthModule } from '../auth.module.js';
import { LdapAdminConfigService } from './ldap-admin-config.service.js';
import { LdapController } from './ldap.controller.js';
import { LdapDirectoryClient } from './ldap-directory.client.js';
import { LdapGroupResolver } from './ldap-group-resolver.js';
import { LdapSettings } from './ldap-settings.js';
import { LdapSigninService } from './ldap-signin.service.js';

/** LDAP sign-in and its admin config (issue 6). Group sync is @atrium/users' DirectoryGroupSync. */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [LdapController],
  providers: [
    LdapSettings,
    LdapDirectoryClient,
    LdapGroupResolver,
    LdapSigninService,
    LdapAdminConfigService,
  ],
})
export class LdapModule {}
