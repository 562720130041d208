import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { AuthenticatedUser } from '@atrium/common';
import { AccessControlService } from './access-control.service.js';
import { MODEL_RESOURCE } from './model.model.js';
import { ModelsRepository } from './models.repository.js';

/**
 * Which provider models a caller may see and use (§7.3): a workspace row must exist for the
 * id and the caller must own it or hold read access. Admins pass while
 * BYPASS_ADMIN_ACCESS_CONTROL is on; everyone passes with BYPASS_MODEL_ACCESS_CONTROL.
 */
@Injectable()
export class ModelVisibilityService {
  constructor(
    private readonly models: ModelsRepository,
    private readonly access: AccessControlService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canUse(user: AuthenticatedUser, modelId: string): Promise<boolean> {
    return (await this.visibleIds(user, [modelId])).has(modelId);
  }

  /** True when every model is visible to the caller (BYPASS_* settings), rows notwithstanding. */
  seesEverything(user: AuthenticatedUser): boolean {
    if (user.role !== 'admin' && user.role !== 'user') return false;
    return this.config.providers.bypassModelAccessControl || this.access.adminBypasses(user);
  }

  /** The subset of `modelIds` the caller may see (rows and grants come from memory). */
  async visibleIds(user: AuthenticatedUser, modelIds: readonly string[]): Promise<Set<string>> {
    if (user.role !== 'admin' && user.role !== 'user') return new Set();
    if (this.seesEverything(user)) return new Set(modelIds);
    const rows = await this.models.findByIds(modelIds);
    const grants = await this.access.grantsOf(
      MODEL_RESOURCE,
      rows.map((row) => row.id),
    );
    const check = await this.access.checkerFor(user);
    return new Set(
      rows
        .filter((row) => {
          const resource = { ownerId: row.userId, grants: grants.get(row.id) ?? [] };
          return check(resource, 'read') || check(resource, 'write');
        })
        .map((row) => row.id),
    );
  }
}
