import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { Clock, type AuthenticatedUser } from '@atrium/common';
import { GroupsService, PermissionsService, UserEventsService } from '@atrium/users';
import type { Transaction } from '@atrium/database';
import type { AccessGrant, GrantPermission, StoredAccessGrant } from './access-grant.model.js';
import { grantsAllow, isPublicGrant, normalizeGrants } from './access-grants.js';
import { AccessGrantsRepository } from './access-grants.repository.js';

/** A resource as the access rules see it: its owner and its grants. */
export interface SharedResource {
  ownerId: string;
  grants: readonly AccessGrant[];
}

/**
 * Access grants for every shareable resource (models now; knowledge, prompts, tools, files
 * later), with Open WebUI's owner and admin rules (§7).
 */
@Injectable()
export class AccessControlService implements OnModuleInit {
  constructor(
    private readonly grants: AccessGrantsRepository,
    private readonly groups: GroupsService,
    private readonly permissions: PermissionsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly userEvents: UserEventsService,
  ) {}

  /** Grants naming a deleted user or group are removed with it. */
  onModuleInit(): void {
    this.userEvents.onUserDeleted(({ userId }) => this.grants.deleteByPrincipal('user', userId));
    this.groups.onGroupDeleted((groupId) => this.grants.deleteByPrincipal('group', groupId));
  }

  /** Admins see and edit every workspace item unless BYPASS_ADMIN_ACCESS_CONTROL is off. */
  adminBypasses(user: AuthenticatedUser): boolean {
    return user.role === 'admin' && this.config.models.bypassAdminAccessControl;
  }

  /** The grants of several resources of one type, by resource id. */
  async grantsOf(
    resourceType: string,
    resourceIds: readonly string[],
  ): Promise<Map<string, AccessGrant[]>> {
    const byResource = new Map<string, AccessGrant[]>(resourceIds.map((id) => [id, []]));
    for (const grant of await this.grants.findByResources(resourceType, resourceIds)) {
      byResource.get(grant.resourceId)?.push({
        principalType: grant.principalType,
        principalId: grant.principalId,
        permission: grant.permission,
      });
    }
    return byResource;
  }

  /** One resource's grants with their row ids (routes that list grants show them). */
  async storedGrantsOf(resourceType: string, resourceId: string): Promise<StoredAccessGrant[]> {
    return this.grants.findByResources(resourceType, [resourceId]);
  }

  /** Whether the grants of one stored resource give the user exactly this permission. */
  async hasAccess(
    user: AuthenticatedUser,
    resourceType: string,
    resourceId: string,
    permission: GrantPermission,
  ): Promise<boolean> {
    const grants = (await this.grantsOf(resourceType, [resourceId])).get(resourceId) ?? [];
    return this.grantsAllow(user, grants, permission);
  }

  /** The grant check alone (no owner or admin rule), for grants already loaded. */
  async grantsAllow(
    user: AuthenticatedUser,
    grants: readonly AccessGrant[],
    permission: GrantPermission,
  ): Promise<boolean> {
    if (grants.length === 0) return false;
    return grantsAllow(grants, user.id, await this.groups.getGroupIdsForUser(user.id), permission);
  }

  /** A checker for many resources with one group lookup. */
  async checkerFor(
    user: AuthenticatedUser,
  ): Promise<(resource: SharedResource, permission: GrantPermission) => boolean> {
    const groupIds = await this.groups.getGroupIdsForUser(user.id);
    const bypass = this.adminBypasses(user);
    return (resource, permission) =>
      bypass ||
      resource.ownerId === user.id ||
      grantsAllow(resource.grants, user.id, groupIds, permission);
  }

  /** Owner, admin (when bypassing) or a grant with exactly this permission. */
  async canAccess(
    user: AuthenticatedUser,
    resource: SharedResource,
    permission: GrantPermission,
  ): Promise<boolean> {
    return (await this.checkerFor(user))(resource, permission);
  }

  /**
   * Removes grants the caller may not create: public ('*') grants without `publicPermission`
   * (e.g. sharing.public_models), and user grants when access_grants.allow_users is off.
   * Admins may create any grant.
   */
  async filterAllowedGrants(
    user: AuthenticatedUser,
    grants: readonly unknown[],
    publicPermission: string,
  ): Promise<AccessGrant[]> {
    const valid = normalizeGrants(grants);
    if (user.role === 'admin') return valid;
    const mayPublish = await this.permissions.hasPermission(user.id, publicPermission);
    const mayShareWithUsers = await this.permissions.hasPermission(
      user.id,
      'access_grants.allow_users',
    );
    return valid.filter((grant) =>
      isPublicGrant(grant) ? mayPublish : grant.principalType === 'user' ? mayShareWithUsers : true,
    );
  }

  /** Replaces a resource's grant set (invalid entries and duplicates dropped). */
  async setGrants(
    resourceType: string,
    resourceId: string,
    grants: readonly unknown[],
    manager?: Transaction,
  ): Promise<AccessGrant[]> {
    const valid = normalizeGrants(grants);
    await this.grants.replace(resourceType, resourceId, valid, this.clock.nowSeconds(), manager);
    return valid;
  }

  /** Removes the grants of many resources of one type (e.g. every chat of a deleted user). */
  async removeGrantsOf(resourceType: string, resourceIds: readonly string[]): Promise<void> {
    await this.grants.deleteByResources(resourceType, resourceIds);
  }

  async removeGrants(
    resourceType: string,
    resourceId?: string,
    manager?: Transaction,
  ): Promise<void> {
    await this.grants.deleteByResource(resourceType, resourceId, manager);
  }
}
