import { Module } from '@nestjs/common';
import { DirectoryGroupSync } from './directory-group-sync.service.js';
import { GroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';
import { PermissionsService } from './permissions.service.js';
import { UserAccountsService } from './user-accounts.service.js';
import { UserEventsService } from './user-events.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/**
 * Users, groups and permission flags, with Open WebUI's /api/v1/users and /api/v1/groups routes.
 * Needs the global config, database, clock and settings modules.
 */
@Module({
  controllers: [UsersController, GroupsController],
  providers: [
    UsersRepository,
    GroupsRepository,
    UserEventsService,
    UsersService,
    GroupsService,
    PermissionsService,
    UserAccountsService,
    DirectoryGroupSync,
  ],
  exports: [UsersService, GroupsService, PermissionsService, UserEventsService, DirectoryGroupSync],
})
export class UsersModule {}
