import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@atrium/common';
import type { PermissionTree } from '@atrium/config';
import {
  DataSource,
  In,
  type EntityManager,
  type QueryDeepPartialEntity,
  type Repository,
} from 'typeorm';
import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import type { GroupRecord, GroupSummary } from './group.model.js';

/** Keeps IN (...) lists well under every engine's bound-parameter limit (SQLite: 999 on old builds). */
const IN_CHUNK = 500;

type GroupFields = Partial<Omit<GroupRecord, 'id' | 'userId' | 'createdAt'>>;

/** The only code that touches the `group` and `group_member` tables. */
@Injectable()
export class GroupsRepository {
  private readonly groups: Repository<GroupEntity>;
  private readonly members: Repository<GroupMemberEntity>;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.groups = dataSource.getRepository(GroupEntity);
    this.members = dataSource.getRepository(GroupMemberEntity);
  }

  async insert(group: GroupRecord): Promise<void> {
    await this.groups.insert(group as QueryDeepPartialEntity<GroupEntity>);
  }

  async findById(id: string): Promise<GroupRecord | null> {
    return toRecord(await this.groups.findOneBy({ id }));
  }

  /** Every group, most recently changed first. */
  async findAll(): Promise<GroupRecord[]> {
    const rows = await this.groups.find({ order: { updatedAt: 'DESC', id: 'ASC' } });
    return rows.map((row) => toRecord(row));
  }

  /** The ids among `ids` that name a group. */
  async findExistingIds(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const chunk of chunks(unique(ids))) {
      const rows = await this.groups.find({ select: { id: true }, where: { id: In(chunk) } });
      found.push(...rows.map((row) => row.id));
    }
    return found;
  }

  /** The groups a user belongs to, most recently changed first (one query). */
  async findByMember(userId: string): Promise<GroupRecord[]> {
    const rows = await this.groups
      .createQueryBuilder('g')
      .innerJoin(GroupMemberEntity, 'gm', 'gm.groupId = g.id')
      .where('gm.userId = :userId', { userId })
      .orderBy('g.updatedAt', 'DESC')
      .addOrderBy('g.id', 'ASC')
      .getMany();
    return rows.map((row) => toRecord(row));
  }

  /** Only the permission trees of a user's groups: the hot path of every session fetch (one query). */
  async findPermissionsByMember(userId: string): Promise<(PermissionTree | null)[]> {
    const rows = await this.groups
      .createQueryBuilder('g')
      .select(['g.id', 'g.permissions'])
      .innerJoin(GroupMemberEntity, 'gm', 'gm.groupId = g.id')
      .where('gm.userId = :userId', { userId })
      .getMany();
    return rows.map((row) => row.permissions);
  }

  async findGroupIdsByMember(userId: string): Promise<string[]> {
    const rows = await this.members.find({ select: { groupId: true }, where: { userId } });
    return rows.map((row) => row.groupId);
  }

  /** For each user, the id and name of each group they belong to (batched; no N+1). */
  async findSummariesByMembers(userIds: string[]): Promise<Map<string, GroupSummary[]>> {
    const result = new Map<string, GroupSummary[]>(userIds.map((id) => [id, []]));
    for (const chunk of chunks(unique(userIds))) {
      const rows = await this.members
        .createQueryBuilder('gm')
        .innerJoin(GroupEntity, 'g', 'g.id = gm.groupId')
        .select('gm.userId', 'userId')
        .addSelect('g.id', 'groupId')
        .addSelect('g.name', 'name')
        .where('gm.userId IN (:...chunk)', { chunk })
        .orderBy('g.updatedAt', 'DESC')
        .addOrderBy('g.id', 'ASC')
        .getRawMany<{ userId: string; groupId: string; name: string }>();
      for (const row of rows) result.get(row.userId)?.push({ id: row.groupId, name: row.name });
    }
    return result;
  }

  async findMemberIds(groupId: string): Promise<string[]> {
    const rows = await this.members.find({
      select: { userId: true },
      where: { groupId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map((row) => row.userId);
  }

  /** Member counts per group id; groups without members are absent from the map. */
  async countMembers(groupIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const chunk of chunks(unique(groupIds))) {
      const rows = await this.members
        .createQueryBuilder('gm')
        .select('gm.groupId', 'groupId')
        .addSelect('COUNT(*)', 'count')
        .where('gm.groupId IN (:...chunk)', { chunk })
        .groupBy('gm.groupId')
        .getRawMany<{ groupId: string; count: string | number }>();
      for (const row of rows) counts.set(row.groupId, Number(row.count));
    }
    return counts;
  }

  async update(id: string, changes: GroupFields): Promise<void> {
    const entity: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) entity[key] = value;
    }
    await this.groups.update({ id }, entity);
  }

  /** Deletes a group and its memberships in one transaction. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(GroupMemberEntity).delete({ groupId: id });
      const result = await manager.getRepository(GroupEntity).delete({ id });
      return (result.affected ?? 0) > 0;
    });
  }

  /** Adds the users that are not members yet and touches the group; returns how many were added. */
  async addMembers(groupId: string, userIds: string[], now: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const added = await insertMissingMembers(manager, groupId, userIds, now);
      await manager.getRepository(GroupEntity).update({ id: groupId }, { updatedAt: now });
      return added;
    });
  }

  async removeMembers(groupId: string, userIds: string[], now: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const chunk of chunks(unique(userIds))) {
        await manager.getRepository(GroupMemberEntity).delete({ groupId, userId: In(chunk) });
      }
      await manager.getRepository(GroupEntity).update({ id: groupId }, { updatedAt: now });
    });
  }

  /** Makes `userIds` the exact member list of a group. */
  async replaceMembers(groupId: string, userIds: string[], now: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const wanted = new Set(userIds);
      const current = await manager
        .getRepository(GroupMemberEntity)
        .find({ select: { userId: true }, where: { groupId } });
      const gone = current.map((row) => row.userId).filter((userId) => !wanted.has(userId));
      for (const chunk of chunks(gone)) {
        await manager.getRepository(GroupMemberEntity).delete({ groupId, userId: In(chunk) });
      }
      await insertMissingMembers(manager, groupId, [...wanted], now);
    });
  }

  /** Makes `groupIds` the exact set of groups a user belongs to; touches the groups that changed. */
  async replaceUserGroups(userId: string, groupIds: string[], now: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const memberships = manager.getRepository(GroupMemberEntity);
      const wanted = new Set(groupIds);
      const current = new Set(
        (await memberships.find({ select: { groupId: true }, where: { userId } })).map(
          (row) => row.groupId,
        ),
      );
      const toRemove = [...current].filter((groupId) => !wanted.has(groupId));
      const toAdd = [...wanted].filter((groupId) => !current.has(groupId));
      for (const chunk of chunks(toRemove)) {
        await memberships.delete({ userId, groupId: In(chunk) });
      }
      for (const groupId of toAdd) {
        await memberships.insert({ id: newId(), groupId, userId, createdAt: now });
      }
      for (const chunk of chunks([...toRemove, ...toAdd])) {
        await manager.getRepository(GroupEntity).update({ id: In(chunk) }, { updatedAt: now });
      }
    });
  }
}

async function insertMissingMembers(
  manager: EntityManager,
  groupId: string,
  userIds: string[],
  now: number,
): Promise<number> {
  const memberships = manager.getRepository(GroupMemberEntity);
  const wanted = unique(userIds);
  if (wanted.length === 0) return 0;
  const existing = new Set<string>();
  for (const chunk of chunks(wanted)) {
    const rows = await memberships.find({
      select: { userId: true },
      where: { groupId, userId: In(chunk) },
    });
    for (const row of rows) existing.add(row.userId);
  }
  const missing = wanted.filter((userId) => !existing.has(userId));
  for (const chunk of chunks(missing)) {
    await memberships.insert(
      chunk.map((userId) => ({ id: newId(), groupId, userId, createdAt: now })),
    );
  }
  return missing.length;
}

function toRecord(entity: GroupEntity): GroupRecord;
function toRecord(entity: GroupEntity | null): GroupRecord | null;
function toRecord(entity: GroupEntity | null): GroupRecord | null {
  if (!entity) return null;
  return { ...entity, description: entity.description ?? '' };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function chunks<T>(values: T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < values.length; index += IN_CHUNK)
    result.push(values.slice(index, index + IN_CHUNK));
  return result;
}
