import { Injectable } from '@nestjs/common';
import { Clock, newId, NotFoundError, ErrorMessages } from '@atrium/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_PROFILE_IMAGE_URL, type NewUser, type UserProfileChanges, type UserRecord } from './user.model.js';
import { UsersRepository, type UserListQuery } from './users.repository.js';

/** last_active_at is refreshed at most this often per user, to keep hot paths write-free. */
const LAST_ACTIVE_WRITE_INTERVAL_SECONDS = 60;

@Injectable()
export class UsersService {
  private readonly lastActiveWrites = new Map<string, number>();

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

  count(): Promise<number> {
    return this.users.count();
  }

  /** The first user ever created, who can never be demoted or deleted. */
  findPrimaryAdmin(): Promise<UserRecord | null> {
    return this.users.findFirst();
  }

  list(query: UserListQuery): Promise<{ users: UserRecord[]; total: number }> {
    return this.users.list(query);
  }

  /** Inserts a user (inside the caller's transaction when given). Emails are stored lowercased. */
  async create(input: NewUser, manager?: EntityManager): Promise<UserRecord> {
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

  async update(id: string, changes: UserProfileChanges): Promise<UserRecord> {
    const normalized = { ...changes, email: changes.email?.trim().toLowerCase() };
    await this.users.update(id, { ...normalized, updatedAt: this.clock.nowSeconds() });
    return this.getById(id);
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

  delete(id: string): Promise<boolean> {
    this.lastActiveWrites.delete(id);
    return this.users.delete(id);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.users.transaction(work);
  }
}
