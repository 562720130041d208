import { Injectable } from '@nestjs/common';
import type { PermissionTree } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { GroupsRepository } from './groups.repository.js';
import {
  builtInDefaultPermissions,
  combinePermissions,
  fillMissingPermissions,
  readPermission,
} from './permission-tree.js';

/**
 * Permission flags (Open WebUI's USER_PERMISSIONS and group permissions).
 *
 * A user's effective permissions are the defaults OR-ed with the permissions of every group
 * they belong to: a flag is allowed when the defaults or any group allow it. Flags missing
 * everywhere are not allowed. Sections and flags Atrium does not know are kept as they are.
 * Admins are not special here: callers that let admins bypass checks do so themselves.
 *
 * Reading effective permissions costs one query (the user's groups' permission columns);
 * the defaults come from the in-memory settings.
 */
@Injectable()
export class PermissionsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly groups: GroupsRepository,
  ) {}

  /** The default tree every user starts from; flags not stored take their built-in default. */
  getDefaultPermissions(): PermissionTree {
    return fillMissingPermissions(
      this.settings.get('user.permissions') ?? {},
      builtInDefaultPermissions(),
    );
  }

  /** Stores new defaults (flags left out take their built-in default) and returns what was stored. */
  async setDefaultPermissions(tree: PermissionTree): Promise<PermissionTree> {
    const complete = fillMissingPermissions(tree, builtInDefaultPermissions());
    await this.settings.update({ 'user.permissions': complete });
    return complete;
  }

  /** The defaults combined with the permissions of every group the user belongs to. */
  async getUserPermissions(userId: string): Promise<PermissionTree> {
    const groupTrees = await this.groups.findPermissionsByMember(userId);
    return groupTrees.reduce<PermissionTree>(
      (permissions, groupTree) => combinePermissions(permissions, groupTree),
      this.getDefaultPermissions(),
    );
  }

  /** Whether the user holds "section.key" through the defaults or any of their groups. */
  async hasPermission(userId: string, key: string): Promise<boolean> {
    return readPermission(await this.getUserPermissions(userId), key);
  }
}
