import { Injectable } from '@nestjs/common';
import { Clock, newId } from '@atrium/common';
import { GroupsRepository } from './groups.repository.js';
import {
  DEFAULT_GROUP_SHARE_PERMISSION,
  type GroupChanges,
  type GroupExport,
  type GroupRecord,
  type GroupSummary,
  type GroupViewer,
  type GroupWithMemberCount,
  type NewGroup,
} from './group.model.js';
import { GroupNotFoundError } from './users.errors.js';
import { UsersService } from './users.service.js';
import type { UserWithGroups } from './user.model.js';

/**
 * Groups and memberships. Unknown user ids given for membership are ignored (Open WebUI's
 * get_valid_user_ids); an unknown group id is an error on the routes and silently ignored
 * by the sign-up and sync helpers.
 */
@Injectable()
export class GroupsService {
  private readonly deletedListeners = new Set<(groupId: string) => Promise<void> | void>();

  constructor(
    private readonly groups: GroupsRepository,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  /**
   * Admins see every group. Other users see the groups they belong to; with `share`, the
   * groups they may share resources to instead (share=true: groups open to anyone plus the
   * members-only groups they belong to; share=false: their groups closed to sharing).
   */
  async listGroups(viewer: GroupViewer, share?: boolean): Promise<GroupWithMemberCount[]> {
    if (viewer.role === 'admin') return this.withMemberCounts(await this.groups.findAll());
    if (share === undefined)
      return this.withMemberCounts(await this.groups.findByMember(viewer.id));
    const [all, memberOf] = await Promise.all([
      this.groups.findAll(),
      this.groups.findGroupIdsByMember(viewer.id),
    ]);
    const mine = new Set(memberOf);
    const visible = all.filter((group) => {
      const setting = shareSetting(group);
      if (!share) return setting === 'no one' && mine.has(group.id);
      return setting === 'anyone' || (setting === 'members' && mine.has(group.id));
    });
    return this.withMemberCounts(visible);
  }

  async getGroup(id: string): Promise<GroupWithMemberCount> {
    return this.withMemberCount(await this.requireGroup(id, 'read'));
  }

  async exportGroup(id: string): Promise<GroupExport> {
    const group = await this.getGroup(id);
    return { ...group, userIds: await this.groups.findMemberIds(id) };
  }

  async createGroup(creatorId: string, input: NewGroup): Promise<GroupWithMemberCount> {
    const now = this.clock.nowSeconds();
    const group: GroupRecord = {
      id: newId(),
      userId: creatorId,
      name: input.name,
      description: input.description ?? '',
      permissions: input.permissions ?? null,
      data: withDefaultShareSetting(input.data ?? null),
      meta: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.groups.insert(group);
    return { ...group, memberCount: 0 };
  }

  /** Changes the given fields; `userIds` (Open WebUI 0.6 forms) replaces the member list. */
  async updateGroup(id: string, changes: GroupChanges): Promise<GroupWithMemberCount> {
    await this.requireGroup(id, 'write');
    const now = this.clock.nowSeconds();
    const { userIds, ...fields } = changes;
    // null means "not given", as in Open WebUI (model_dump(exclude_none=True)).
    await this.groups.update(id, {
      name: fields.name ?? undefined,
      description: fields.description ?? undefined,
      permissions: fields.permissions ?? undefined,
      data: fields.data ?? undefined,
      updatedAt: now,
    });
    if (userIds !== undefined && userIds !== null) {
      await this.groups.replaceMembers(id, await this.users.findExistingIds(userIds), now);
    }
    return this.withMemberCount(await this.requireGroup(id, 'write'));
  }

  async deleteGroup(id: string): Promise<true> {
    if (!(await this.groups.delete(id))) throw new GroupNotFoundError('write');
    for (const listener of this.deletedListeners) await listener(id);
    return true;
  }

  /** Subscribes to group deletions (access grants naming the group go with it); returns an unsubscribe. */
  onGroupDeleted(listener: (groupId: string) => Promise<void> | void): () => void {
    this.deletedListeners.add(listener);
    return () => this.deletedListeners.delete(listener);
  }

  /** Adds the known users among `userIds` (unknown ids and existing members are skipped). */
  async addUsers(groupId: string, userIds: string[]): Promise<GroupWithMemberCount> {
    await this.requireGroup(groupId, 'write');
    const known = await this.users.findExistingIds(userIds);
    await this.groups.addMembers(groupId, known, this.clock.nowSeconds());
    return this.withMemberCount(await this.requireGroup(groupId, 'write'));
  }

  async removeUsers(groupId: string, userIds: string[]): Promise<GroupWithMemberCount> {
    await this.requireGroup(groupId, 'write');
    if (userIds.length > 0)
      await this.groups.removeMembers(groupId, userIds, this.clock.nowSeconds());
    return this.withMemberCount(await this.requireGroup(groupId, 'write'));
  }

  /** The members of a group with each member's groups. */
  async getMembers(groupId: string): Promise<UserWithGroups[]> {
    await this.requireGroup(groupId, 'write');
    const members = await this.users.findByGroupId(groupId);
    const groups = await this.groups.findSummariesByMembers(members.map((user) => user.id));
    return members.map((user) => ({
      user,
      groups: groups.get(user.id) ?? [],
      active: this.users.isActive(user),
    }));
  }

  /** For each user id, the id and name of their groups (one query per 500 users). */
  getGroupSummariesForUsers(userIds: string[]): Promise<Map<string, GroupSummary[]>> {
    return this.groups.findSummariesByMembers(userIds);
  }

  getGroupIdsForUser(userId: string): Promise<string[]> {
    return this.groups.findGroupIdsByMember(userId);
  }

  getGroupsForUser(userId: string): Promise<GroupRecord[]> {
    return this.groups.findByMember(userId);
  }

  /**
   * Adds a user to a group, e.g. DEFAULT_GROUP_ID at sign-up. A group that does not exist
   * (a stale setting) is ignored: returns false and never fails the caller.
   */
  async addUserToGroup(groupId: string, userId: string): Promise<boolean> {
    if (!groupId || !(await this.groups.findById(groupId))) return false;
    await this.groups.addMembers(groupId, [userId], this.clock.nowSeconds());
    return true;
  }

  /**
   * Makes `groupIds` exactly the groups the user belongs to (LDAP/OAuth/trusted-header group
   * sync). Unknown group ids are ignored. Returns the group ids the user now belongs to.
   */
  async setUserGroups(userId: string, groupIds: string[]): Promise<string[]> {
    const known = await this.groups.findExistingIds(groupIds);
    await this.groups.replaceUserGroups(userId, known, this.clock.nowSeconds());
    return known;
  }

  private async requireGroup(id: string, operation: 'read' | 'write'): Promise<GroupRecord> {
    const group = await this.groups.findById(id);
    if (!group) throw new GroupNotFoundError(operation);
    return group;
  }

  private async withMemberCount(group: GroupRecord): Promise<GroupWithMemberCount> {
    const counts = await this.groups.countMembers([group.id]);
    return { ...group, memberCount: counts.get(group.id) ?? 0 };
  }

  private async withMemberCounts(groups: GroupRecord[]): Promise<GroupWithMemberCount[]> {
    if (groups.length === 0) return [];
    const counts = await this.groups.countMembers(groups.map((group) => group.id));
    return groups.map((group) => ({ ...group, memberCount: counts.get(group.id) ?? 0 }));
  }
}

/** New groups get `data.config.share` unless the form set one (Open WebUI's _ensure_default_share_config). */
function withDefaultShareSetting(data: Record<string, unknown> | null): Record<string, unknown> {
  const base = data ?? {};
  const config = isRecord(base.config) ? base.config : {};
  if ('share' in config) return base;
  return { ...base, config: { ...config, share: DEFAULT_GROUP_SHARE_PERMISSION } };
}

/** Reads `data.config.share` the way Open WebUI's share filter does (missing = anyone). */
function shareSetting(group: GroupRecord): 'anyone' | 'no one' | 'members' {
  const config = group.data?.config;
  const share = isRecord(config) ? config.share : undefined;
  if (share === undefined || share === null) return 'anyone';
  if (typeof share !== 'string' && typeof share !== 'boolean' && typeof share !== 'number')
    return 'no one';
  const text = String(share).toLowerCase();
  if (text === 'members') return 'members';
  if (text === 'true' || text === '1') return 'anyone';
  return 'no one';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
