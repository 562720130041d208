import { Module } from '@nestjs/common';
import { UsersModule } from '@atrium/users';
import { AccessControlService } from './access-control.service.js';
import { AccessGrantsRepository } from './access-grants.repository.js';
import { ModelTablesCache } from './model-tables.cache.js';
import { ModelVisibilityService } from './model-visibility.service.js';
import { ModelsController } from './models.controller.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { WorkspaceModelResolver } from './workspace-model-resolver.service.js';

/**
 * Workspace models (/api/v1/models/...) and the access grants of every shareable resource.
 * Other libraries call AccessControlService (sharing) and ModelVisibilityService (§7.3).
 */
@Module({
  imports: [UsersModule],
  controllers: [ModelsController],
  providers: [
    AccessGrantsRepository,
    AccessControlService,
    ModelsRepository,
    ModelTablesCache,
    ModelsService,
    ModelVisibilityService,
    WorkspaceModelResolver,
  ],
  exports: [AccessControlService, ModelsService, ModelVisibilityService, WorkspaceModelResolver],
})
export class ModelsModule {}
