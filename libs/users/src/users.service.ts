import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock, newId, NotFoundError, ErrorMessages } from '@atrium/common';
import type { Transaction } from '@atrium/database';
import { SettingsService } from '@atrium/settings';
import { UserEventsService } from './user-events.service.js';
import {
  DEFAULT_PROFILE_IMAGE_URL,
  type NewUser,
  type UserProfileChanges,
  type UserRecord,
} from './user.model.js';
import { UsersRepository, type UserListQuery } from './users.repository.js';

/** A user counts as active when seen within this many seconds (Open WebUI's is_user_active). */
export const USER_ACTIVE_WINDOW_SECONDS = 180;

/** last_active_at is refreshed at most this often per user, to keep hot paths write-free. */
const LAST_ACTIVE_WRITE_INTERVAL_SECONDS = 60;

@Injectable()
export class UsersService {
  private readonly lastActiveWrites = new Map<string, number>();

  /**
   * Property-injected so `new UsersService(repository, clock)` keeps working in other
   * libraries' unit tests; without it no events are emitted.
   */
  @Optional()
  @Inject(UserEventsService)
  private readonly events?: UserEventsService;

  @Optional()
  @Inject(SettingsService)
  private readonly settings?: SettingsService;

  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<UserRecord | null> {
    return this.users.findById(id);
  }

  async getById(id: string): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError(ErrorMessages.USER_NOT_FOUND);
    return user;
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.users.findByEmail(email.trim().toLowerCase());
  }

  findByOauthSub(oauthSub: string): Promise<UserRecord | null> {
    return this.users.findByOauthSub(oauthSub);
  }

  findByIds(ids: string[]): Promise<UserRecord[]> {
    return this.users.findByIds(ids);
  }

  /** The ids among `ids` that name a user (unknown ids dropped). */
  findExistingIds(ids: string[]): Promise<string[]> {
    return this.users.findExistingIds(ids);
  }

  /** The members of a group, in the order they joined. */
  findByGroupId(groupId: string): Promise<UserRecord[]> {
    return this.users.findByGroupId(groupId);
  }

  /** Ids of the users seen within the last USER_ACTIVE_WINDOW_SECONDS. */
  findRecentlyActiveIds(): Promise<string[]> {
    return this.users.findIdsActiveSince(this.clock.nowSeconds() - USER_ACTIVE_WINDOW_SECONDS);
  }

  /** Whether a user was seen within the last USER_ACTIVE_WINDOW_SECONDS (no database access). */
  isActive(user: Pick<UserRecord, 'lastActiveAt'>): boolean {
    return user.lastActiveAt >= this.clock.nowSeconds() - USER_ACTIVE_WINDOW_SECONDS;
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /**
   * The first user ever created, who can never be demoted or deleted. Recorded by id when it is
   * created: created_at has one-second resolution, so "earliest" alone is ambiguous when a user
   * created in the same second is made admin later.
   */
  async findPrimaryAdmin(): Promise<UserRecord | null> {
    const recordedId = this.settings?.get('auth.primary_admin_id');
    const recorded = recordedId ? await this.users.findById(recordedId) : null;
    return recorded ?? this.users.findFirst();
  }

  list(query: UserListQuery): Promise<{ users: UserRecord[]; total: number }> {
    return this.users.list(query);
  }

  /** Inserts a user (inside the caller's transaction when given). Emails are stored lowercased. */
  async create(input: NewUser, manager?: Transaction): Promise<UserRecord> {
    const now = this.clock.nowSeconds();
    const user: UserRecord = {
      id: input.id ?? newId(),
      email: input.email.trim().toLowerCase(),
      username: null,
      name: input.name,
      role: input.role,
      profileImageUrl: input.profileImageUrl || DEFAULT_PROFILE_IMAGE_URL,
      bio: null,
      gender: null,
      dateOfBirth: null,
      timezone: null,
      info: null,
      settings: null,
      oauthSub: input.oauthSub ?? null,
      lastActiveAt: now,
      updatedAt: now,
      createdAt: now,
    };
    await this.users.insert(user, manager);
    return user;
  }

  /** Applies the given changes; emits userRoleChanged / userEmailChanged when those change. */
  async update(id: string, changes: UserProfileChanges): Promise<UserRecord> {
    const normalized = { ...changes, email: changes.email?.trim().toLowerCase() };
    const watched = normalized.role !== undefined || normalized.email !== undefined;
    const before = watched && this.events ? await this.users.findById(id) : null;
    await this.users.update(id, { ...normalized, updatedAt: this.clock.nowSeconds() });
    const after = await this.getById(id);
    if (before && this.events) {
      if (before.role !== after.role) {
        await this.events.emit('userRoleChanged', {
          userId: id,
          previousRole: before.role,
          role: after.role,
        });
      }
      if (before.email !== after.email) {
        await this.events.emit('userEmailChanged', {
          userId: id,
          previousEmail: before.email,
          email: after.email,
        });
      }
    }
    return after;
  }

  async updateSettings(id: string, settings: Record<string, unknown>): Promise<UserRecord> {
    await this.users.update(id, { settings, updatedAt: this.clock.nowSeconds() });
    return this.getById(id);
  }

  async updateInfo(id: string, info: Record<string, unknown>): Promise<UserRecord> {
    await this.users.update(id, { info, updatedAt: this.clock.nowSeconds() });
    return this.getById(id);
  }

  /** Records activity, writing at most once a minute per user (per instance). */
  async touchLastActive(id: string): Promise<void> {
    const now = this.clock.nowSeconds();
    const last = this.lastActiveWrites.get(id) ?? 0;
    if (now - last < LAST_ACTIVE_WRITE_INTERVAL_SECONDS) return;
    this.lastActiveWrites.set(id, now);
    await this.users.update(id, { lastActiveAt: now });
  }

  /** Deletes the user and their group memberships; emits userDeleted when a user was deleted. */
  async delete(id: string): Promise<boolean> {
    this.lastActiveWrites.delete(id);
    const deleted = await this.users.delete(id);
    if (deleted) await this.events?.emit('userDeleted', { userId: id });
    return deleted;
  }

  transaction<T>(work: (manager: Transaction) => Promise<T>): Promise<T> {
    return this.users.transaction(work);
  }
}
