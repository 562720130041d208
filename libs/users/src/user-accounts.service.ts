import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { APP_CONFIG, type AppConfig, type PermissionTree } from '@atrium/config';
import type { GroupRecord } from './group.model.js';
import { GroupsService } from './groups.service.js';
import { PASSWORD_UPDATER, type PasswordUpdater } from './password-updater.js';
import { ACTIVE_USERS_SOURCE, type ActiveUsersSource } from './active-users-source.js';
import { PermissionsService } from './permissions.service.js';
import {
  SHARED_CHAT_OWNER_LOOKUP,
  type SharedChatOwnerLookup,
} from './shared-chat-owner-lookup.js';
import type {
  ProfileImage,
  UserAdminChanges,
  UserCaller,
  UserProfileChanges,
  UserRecord,
  UserWithGroups,
} from './user.model.js';
import {
  ActionProhibitedError,
  EmailTakenError,
  PasswordUpdatesUnavailableError,
  UserNotFoundError,
} from './users.errors.js';
import type { UserListQuery } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Users per page on GET /api/v1/users/ and /search (Open WebUI's PAGE_ITEM_COUNT). */
export const USERS_PAGE_SIZE = 30;

/** Data-URI profile images served inline (Open WebUI's PROFILE_IMAGE_ALLOWED_MIME_TYPES default; no SVG). */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Where the default avatar lives when the static folder does not hold it. */
const DEFAULT_IMAGE_URL = '/static/user.png';

export interface UserPageQuery {
  query?: string;
  orderBy?: UserListQuery['orderBy'];
  direction?: 'asc' | 'desc';
  page?: number;
}

export interface UserPage {
  users: UserWithGroups[];
  total: number;
}

/** A user as another user sees them: admins get everything, others a name card. */
export interface UserCard {
  details: UserWithGroups;
  full: boolean;
}

/**
 * What the /api/v1/users routes do: directory and search, the caller's own settings and info,
 * and admin edits. The primary admin (the first user) can only be edited by itself, never
 * leaves the admin role and is never deleted; no admin deletes itself.
 */
@Injectable()
export class UserAccountsService {
  private readonly logger = new Logger('UserAccounts');
  private defaultImage: ProfileImage | undefined;

  constructor(
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly permissions: PermissionsService,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One page of users with their groups (admin list). */
  async listUsers(query: UserPageQuery): Promise<UserPage> {
    return this.pageWithGroups(query);
  }

  /** Every user, newest first. */
  async listAllUsers(): Promise<UserPage> {
    const { users, total } = await this.users.list({ orderBy: 'created_at', direction: 'desc' });
    return { users: await this.withGroups(users), total };
  }

  /** One page of users matching the query (the user pickers of sharing dialogs). */
  searchUsers(query: UserPageQuery): Promise<UserPage> {
    return this.pageWithGroups(query);
  }

  /** Socket-connected users (Open WebUI's USER_POOL) when realtime is loaded; else recently active. */
  getActiveUserIds(): Promise<string[]> {
    const presence = this.optionalProvider<ActiveUsersSource>(ACTIVE_USERS_SOURCE);
    return presence ? presence.activeUserIds() : this.users.findRecentlyActiveIds();
  }

  getGroupsOf(userId: string): Promise<GroupRecord[]> {
    return this.groups.getGroupsForUser(userId);
  }

  getPermissionsOf(userId: string): Promise<PermissionTree> {
    return this.permissions.getUserPermissions(userId);
  }

  getDefaultPermissions(): PermissionTree {
    return this.permissions.getDefaultPermissions();
  }

  setDefaultPermissions(tree: PermissionTree): Promise<PermissionTree> {
    return this.permissions.setDefaultPermissions(tree);
  }

  async getSettings(callerId: string): Promise<Record<string, unknown> | null> {
    return withUiSection((await this.requireUser(callerId)).settings);
  }

  /**
   * Merges the given top-level keys into the caller's settings. `ui.toolServers` is dropped
   * unless the caller is an admin or holds features.direct_tool_servers.
   */
  async updateSettings(
    caller: UserCaller,
    changes: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const user = await this.requireUser(caller.id);
    const incoming = { ...changes };
    const ui = incoming.ui;
    if (
      caller.role !== 'admin' &&
      isRecord(ui) &&
      'toolServers' in ui &&
      !(await this.permissions.hasPermission(caller.id, 'features.direct_tool_servers'))
    ) {
      const { toolServers: _dropped, ...rest } = ui;
      incoming.ui = rest;
    }
    const updated = await this.users.updateSettings(caller.id, {
      ...(user.settings ?? {}),
      ...incoming,
    });
    return withUiSection(updated.settings) ?? { ui: {} };
  }

  async getInfo(callerId: string): Promise<Record<string, unknown> | null> {
    return (await this.requireUser(callerId)).info;
  }

  /** Merges the given keys into the caller's info. */
  async updateInfo(
    callerId: string,
    changes: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const user = await this.requireUser(callerId);
    const updated = await this.users.updateInfo(callerId, { ...(user.info ?? {}), ...changes });
    return updated.info ?? {};
  }

  /**
   * A user by id, or the owner of a shared chat with `shared-<chat_id>`. Admins get the whole
   * record with groups; other callers a name card.
   */
  async getUserCard(caller: UserCaller, idOrSharedChat: string): Promise<UserCard> {
    const userId = await this.resolveUserId(idOrSharedChat);
    const user = await this.requireUser(userId);
    const full = caller.role === 'admin';
    const groups = full ? await this.groups.getGroupsForUser(userId) : [];
    return {
      details: {
        user,
        groups: groups.map(({ id, name }) => ({ id, name })),
        active: this.users.isActive(user),
      },
      full,
    };
  }

  /** Name, email, role, bio, groups and activity of one user. */
  async getUserInfo(userId: string): Promise<UserWithGroups> {
    const [entry] = await this.withGroups([await this.requireUser(userId)]);
    return entry;
  }

  async isUserActive(userId: string): Promise<boolean> {
    return this.users.isActive(await this.requireUser(userId));
  }

  /** An http(s) image is a redirect, a data URI is decoded, anything else is the default avatar. */
  async getProfileImage(userId: string): Promise<ProfileImage> {
    const url = (await this.requireUser(userId)).profileImageUrl;
    if (/^https?:\/\//i.test(url)) return { kind: 'redirect', location: url };
    if (url.startsWith('data:')) {
      const inline = decodeDataUri(url);
      if (inline && INLINE_IMAGE_TYPES.has(inline.contentType))
        return { kind: 'inline', ...inline };
    }
    return this.defaultProfileImage();
  }

  /** Applies an admin's changes to an account. */
  async updateUser(
    caller: UserCaller,
    userId: string,
    changes: UserAdminChanges,
  ): Promise<UserRecord> {
    const primary = await this.users.findPrimaryAdmin();
    if (primary?.id === userId) {
      if (caller.id !== userId) throw new ActionProhibitedError();
      if (changes.role !== undefined && changes.role !== 'admin') throw new ActionProhibitedError();
    }
    const user = await this.requireUser(userId);
    const email = changes.email?.trim().toLowerCase();
    if (email !== undefined && email !== user.email) {
      const owner = await this.users.findByEmail(email);
      if (owner && owner.id !== userId) throw new EmailTakenError();
    }
    if (changes.password) await this.passwordUpdater().setPassword(userId, changes.password);
    const profile: UserProfileChanges = {
      role: changes.role,
      name: changes.name,
      email,
      profileImageUrl: changes.profileImageUrl,
    };
    if (Object.values(profile).every((value) => value === undefined)) return user;
    return this.users.update(userId, profile);
  }

  /** Deletes an account (with its memberships; other data follows the userDeleted event). */
  async deleteUser(caller: UserCaller, userId: string): Promise<true> {
    const primary = await this.users.findPrimaryAdmin();
    if (primary?.id === userId || caller.id === userId) throw new ActionProhibitedError();
    if (!(await this.users.delete(userId))) throw new UserNotFoundError();
    return true;
  }

  private async pageWithGroups(query: UserPageQuery): Promise<UserPage> {
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const { users, total } = await this.users.list({
      query: query.query || undefined,
      orderBy: query.orderBy ?? 'created_at',
      direction: query.direction ?? (query.orderBy ? 'desc' : 'asc'),
      offset: (page - 1) * USERS_PAGE_SIZE,
      limit: USERS_PAGE_SIZE,
    });
    return { users: await this.withGroups(users), total };
  }

  private async withGroups(users: UserRecord[]): Promise<UserWithGroups[]> {
    const groups = await this.groups.getGroupSummariesForUsers(users.map((user) => user.id));
    return users.map((user) => ({
      user,
      groups: groups.get(user.id) ?? [],
      active: this.users.isActive(user),
    }));
  }

  private async requireUser(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  private async resolveUserId(idOrSharedChat: string): Promise<string> {
    if (!idOrSharedChat.startsWith('shared-')) return idOrSharedChat;
    const lookup = this.optionalProvider<SharedChatOwnerLookup>(SHARED_CHAT_OWNER_LOOKUP);
    const ownerId = lookup
      ? await lookup.findSharedChatOwnerId(idOrSharedChat.slice('shared-'.length))
      : null;
    if (!ownerId) throw new UserNotFoundError();
    return ownerId;
  }

  private passwordUpdater(): PasswordUpdater {
    const updater = this.optionalProvider<PasswordUpdater>(PASSWORD_UPDATER);
    if (!updater) {
      this.logger.error('no PASSWORD_UPDATER is registered: the auth library must provide one');
      throw new PasswordUpdatesUnavailableError();
    }
    return updater;
  }

  /** A provider another library registers, found at call time so the modules need not import each other. */
  private optionalProvider<T>(token: symbol): T | undefined {
    try {
      return this.moduleRef.get<T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  private defaultProfileImage(): ProfileImage {
    if (!this.defaultImage) {
      const path = join(this.config.server.staticDir, 'user.png');
      this.defaultImage = existsSync(path)
        ? { kind: 'file', path }
        : { kind: 'redirect', location: DEFAULT_IMAGE_URL };
    }
    return this.defaultImage;
  }
}

/** Open WebUI's UserSettings model always has a `ui` section. */
function withUiSection(settings: Record<string, unknown> | null): Record<string, unknown> | null {
  if (settings === null) return null;
  return { ...settings, ui: isRecord(settings.ui) ? settings.ui : {} };
}

function decodeDataUri(uri: string): { contentType: string; body: Buffer } | null {
  const comma = uri.indexOf(',');
  if (comma < 0) return null;
  const [mediaType, ...parameters] = uri.slice('data:'.length, comma).split(';');
  if (!parameters.some((parameter) => parameter.toLowerCase() === 'base64')) return null;
  const payload = uri.slice(comma + 1);
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(payload)) return null;
  const body = Buffer.from(payload, 'base64');
  return body.length > 0 ? { contentType: mediaType.trim().toLowerCase(), body } : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
