import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { UserEntity } from './user.entity.js';
import type { UserRecord } from './user.model.js';

export interface UserListQuery {
  query?: string;
  orderBy?: 'name' | 'email' | 'created_at' | 'last_active_at' | 'updated_at' | 'role';
  direction?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const ORDER_COLUMNS: Record<NonNullable<UserListQuery['orderBy']>, keyof UserEntity> = {
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
    const rows = await this.users.createQueryBuilder('u').where('u.id IN (:...ids)', { ids }).getMany();
    return rows.map((row) => toRecord(row)!);
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  /** The first user ever created: the primary admin. */
  async findFirst(): Promise<UserRecord | null> {
    const [first] = await this.users.find({ order: { createdAt: 'ASC', id: 'ASC' }, take: 1 });
    return toRecord(first ?? null);
  }

  async list(options: UserListQuery): Promise<{ users: UserRecord[]; total: number }> {
    const builder = this.users.createQueryBuilder('u');
    if (options.query) {
      const pattern = `%${options.query.toLowerCase()}%`;
      builder.where('(LOWER(u.name) LIKE :pattern OR LOWER(u.email) LIKE :pattern)', { pattern });
    }
    const column = ORDER_COLUMNS[options.orderBy ?? 'created_at'];
    builder.orderBy(`u.${column}`, (options.direction ?? 'asc').toUpperCase() as 'ASC' | 'DESC').addOrderBy('u.id', 'ASC');
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

  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
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
  return entity as QueryDeepPartialEntity<UserEntity>;
}
