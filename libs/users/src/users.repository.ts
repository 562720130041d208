import { Inject, Injectable } from '@nestjs/common';
import {
  DataSource,
  In,
  MoreThanOrEqual,
  type EntityManager,
  type QueryDeepPartialEntity,
  type Repository,
} from 'typeorm';
import { GroupMemberEntity } from './group-member.entity.js';
import { UserEntity } from './user.entity.js';
import type { UserRecord } from './user.model.js';

export type UserOrderColumn =
  'name' | 'email' | 'created_at' | 'last_active_at' | 'updated_at' | 'role';

export interface UserListQuery {
  /** Matches name or email, case-insensitively. */
  query?: string;
  /** A column, or `group_id:<id>` to list that group's members first (then by name). */
  orderBy?: UserOrderColumn | `group_id:${string}`;
  direction?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** Keeps IN (...) lists well under every engine's bound-parameter limit. */
const IN_CHUNK = 500;

const ORDER_COLUMNS: Record<UserOrderColumn, keyof UserEntity> = {
  name: 'name',
  email: 'email',
  created_at: 'createdAt',
  last_active_at: 'lastActiveAt',
  updated_at: 'updatedAt',
  role: 'role',
};

/** The only code that touches the `user` table. */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<UserEntity>;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
  }

  async findById(id: string): Promise<UserRecord | null> {
    return toRecord(await this.users.findOneBy({ id }));
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return toRecord(await this.users.findOneBy({ email }));
  }

  async findByOauthSub(oauthSub: string): Promise<UserRecord | null> {
    return toRecord(await this.users.findOneBy({ oauthSub }));
  }

  async findByIds(ids: string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.users
      .createQueryBuilder('u')
      .where('u.id IN (:...ids)', { ids })
      .getMany();
    return rows.map((row) => toRecord(row)!);
  }

  /** The ids among `ids` that name a user. */
  async findExistingIds(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const chunk of chunks([...new Set(ids)])) {
      const rows = await this.users.find({ select: { id: true }, where: { id: In(chunk) } });
      found.push(...rows.map((row) => row.id));
    }
    return found;
  }

  /** The members of a group, in the order they joined. */
  async findByGroupId(groupId: string): Promise<UserRecord[]> {
    const rows = await this.users
      .createQueryBuilder('u')
      .innerJoin(GroupMemberEntity, 'gm', 'gm.userId = u.id')
      .where('gm.groupId = :groupId', { groupId })
      .orderBy('gm.createdAt', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .getMany();
    return rows.map((row) => toRecord(row)!);
  }

  /** Ids of the users seen at or after `since` (epoch seconds). */
  async findIdsActiveSince(since: number): Promise<string[]> {
    const rows = await this.users.find({
      select: { id: true },
      where: { lastActiveAt: MoreThanOrEqual(since) },
      order: { lastActiveAt: 'DESC', id: 'ASC' },
    });
    return rows.map((row) => row.id);
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  /** The first user ever created: the primary admin. */
  /**
   * The first user ever created: the primary admin. created_at has one-second resolution, so
   * among users created in that same second an admin wins (the first user is always promoted):
   * a script that signs up and then adds users at once still finds the right account.
   */
  async findFirst(): Promise<UserRecord | null> {
    const first = await this.users
      .createQueryBuilder('u')
      .addSelect("CASE WHEN u.role = 'admin' THEN 0 ELSE 1 END", 'admin_last')
      .orderBy('u.createdAt', 'ASC')
      .addOrderBy('admin_last', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(1)
      .getOne();
    return toRecord(first);
  }

  async list(options: UserListQuery): Promise<{ users: UserRecord[]; total: number }> {
    const builder = this.users.createQueryBuilder('u');
    if (options.query) {
      const pattern = `%${options.query.toLowerCase()}%`;
      builder.where('(LOWER(u.name) LIKE :pattern OR LOWER(u.email) LIKE :pattern)', { pattern });
    }
    const direction = (options.direction ?? 'asc').toUpperCase() as 'ASC' | 'DESC';
    const orderBy = options.orderBy ?? 'created_at';
    if (orderBy.startsWith('group_id:')) {
      // Members of the group first (or last), then by name: the group member picker.
      const membership = builder
        .subQuery()
        .select('1')
        .from(GroupMemberEntity, 'gm')
        .where('gm.userId = u.id')
        .andWhere('gm.groupId = :orderGroupId')
        .getQuery();
      builder
        .addSelect(`CASE WHEN EXISTS ${membership} THEN 1 ELSE 0 END`, 'in_group')
        .setParameter('orderGroupId', orderBy.slice('group_id:'.length))
        .orderBy('in_group', direction)
        .addOrderBy('u.name', 'ASC');
    } else {
      builder.orderBy(`u.${ORDER_COLUMNS[orderBy as UserOrderColumn]}`, direction);
    }
    builder.addOrderBy('u.id', 'ASC');
    if (options.offset !== undefined) builder.skip(options.offset);
    if (options.limit !== undefined) builder.take(options.limit);
    const [rows, total] = await builder.getManyAndCount();
    return { users: rows.map((row) => toRecord(row)!), total };
  }

  async insert(user: UserRecord, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).getRepository(UserEntity).insert(toEntity(user));
  }

  async update(id: string, changes: Partial<UserRecord>): Promise<void> {
    await this.users.update({ id }, toEntity(changes));
  }

  /** Deletes a user and their group memberships (credentials and API keys cascade). */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(GroupMemberEntity).delete({ userId: id });
      const result = await manager.getRepository(UserEntity).delete({ id });
      return (result.affected ?? 0) > 0;
    });
  }

  /** Runs work in one transaction (user + credential creation). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}

function toRecord(entity: UserEntity | null): UserRecord | null {
  if (!entity) return null;
  return { ...entity, profileImageUrl: entity.profileImageUrl ?? '/user.png' };
}

/** Drops undefined fields so partial updates leave other columns alone. */
function toEntity(record: Partial<UserRecord>): QueryDeepPartialEntity<UserEntity> {
  const entity: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) entity[key] = value;
  }
  return entity;
}

function chunks<T>(values: T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < values.length; index += IN_CHUNK)
    result.push(values.slice(index, index + IN_CHUNK));
  return result;
}
