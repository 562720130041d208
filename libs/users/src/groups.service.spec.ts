import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '@atrium/common';
import type { GroupRecord } from './group.model.js';
import type { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';
import { GroupNotFoundError } from './users.errors.js';
import type { UsersService } from './users.service.js';

const NOW = 1_700_000_000;

function group(id: string, share?: unknown): GroupRecord {
  return {
    id,
    userId: 'admin',
    name: `group ${id}`,
    description: '',
    permissions: null,
    data: share === undefined ? null : { config: { share } },
    meta: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe('GroupsService', () => {
  let groups: Record<string, ReturnType<typeof vi.fn>>;
  let users: Record<string, ReturnType<typeof vi.fn>>;
  let service: GroupsService;
  const stored = new Map<string, GroupRecord>();

  beforeEach(() => {
    stored.clear();
    groups = {
      insert: vi.fn((record: GroupRecord) => Promise.resolve(void stored.set(record.id, record))),
      findById: vi.fn((id: string) => Promise.resolve(stored.get(id) ?? null)),
      findAll: vi.fn(() => Promise.resolve([...stored.values()])),
      findByMember: vi.fn(() => Promise.resolve([])),
      findGroupIdsByMember: vi.fn(() => Promise.resolve([])),
      findExistingIds: vi.fn((ids: string[]) =>
        Promise.resolve(ids.filter((id) => stored.has(id))),
      ),
      findMemberIds: vi.fn(() => Promise.resolve(['u1'])),
      findSummariesByMembers: vi.fn(() => Promise.resolve(new Map())),
      countMembers: vi.fn((ids: string[]) => Promise.resolve(new Map(ids.map((id) => [id, 2])))),
      update: vi.fn(() => Promise.resolve(undefined)),
      delete: vi.fn((id: string) => Promise.resolve(stored.delete(id))),
      addMembers: vi.fn(() => Promise.resolve(1)),
      removeMembers: vi.fn(() => Promise.resolve(undefined)),
      replaceMembers: vi.fn(() => Promise.resolve(undefined)),
      replaceUserGroups: vi.fn(() => Promise.resolve(undefined)),
    };
    users = {
      findExistingIds: vi.fn((ids: string[]) =>
        Promise.resolve(ids.filter((id) => id.startsWith('u'))),
      ),
      findByGroupId: vi.fn(() => Promise.resolve([])),
      isActive: vi.fn(() => false),
    };
    const clock = { nowSeconds: () => NOW } as Clock;
    service = new GroupsService(
      groups as unknown as GroupsRepository,
      users as unknown as UsersService,
      clock,
    );
  });

  it('creates a group owned by its creator, open to sharing by members only', async () => {
    const created = await service.createGroup('admin', { name: 'Team', description: 'd' });
    expect(created).toMatchObject({
      userId: 'admin',
      name: 'Team',
      description: 'd',
      permissions: null,
      data: { config: { share: 'members' } },
      memberCount: 0,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(groups.insert).toHaveBeenCalledOnce();
  });

  it('keeps a share setting the form gave', async () => {
    const created = await service.createGroup('admin', {
      name: 'T',
      data: { config: { share: false }, x: 1 },
    });
    expect(created.data).toEqual({ config: { share: false }, x: 1 });
  });

  it('lists every group for an admin and only their own groups for a user', async () => {
    stored.set('g1', group('g1'));
    expect((await service.listGroups({ id: 'a', role: 'admin' })).map((g) => g.id)).toEqual(['g1']);
    expect(groups.findAll).toHaveBeenCalled();

    groups.findByMember.mockResolvedValueOnce([group('g2')]);
    const mine = await service.listGroups({ id: 'u1', role: 'user' });
    expect(mine).toEqual([expect.objectContaining({ id: 'g2', memberCount: 2 })]);
    expect(groups.findByMember).toHaveBeenCalledWith('u1');
  });

  it('with share=true, shows groups open to anyone and the members-only groups the user is in', async () => {
    for (const [id, share] of [
      ['open', true],
      ['open-text', 'true'],
      ['legacy', undefined],
      ['mine', 'members'],
      ['theirs', 'members'],
      ['closed', false],
    ] as const) {
      stored.set(id, group(id, share));
    }
    groups.findGroupIdsByMember.mockResolvedValue(['mine', 'closed']);
    const shareable = await service.listGroups({ id: 'u1', role: 'user' }, true);
    expect(shareable.map((g) => g.id).sort()).toEqual(['legacy', 'mine', 'open', 'open-text']);
    const closed = await service.listGroups({ id: 'u1', role: 'user' }, false);
    expect(closed.map((g) => g.id)).toEqual(['closed']);
  });

  it('reports an unknown group as 404 on reads and 400 on writes', async () => {
    await expect(service.getGroup('nope')).rejects.toMatchObject({ status: 404 });
    await expect(service.updateGroup('nope', { name: 'x' })).rejects.toMatchObject({ status: 400 });
    await expect(service.addUsers('nope', ['u1'])).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(service.removeUsers('nope', ['u1'])).rejects.toMatchObject({ status: 400 });
    await expect(service.getMembers('nope')).rejects.toMatchObject({ status: 400 });
    await expect(service.deleteGroup('nope')).rejects.toMatchObject({ status: 400 });
  });

  it('adds only users that exist', async () => {
    stored.set('g1', group('g1'));
    await service.addUsers('g1', ['u1', 'ghost', 'u2']);
    expect(groups.addMembers).toHaveBeenCalledWith('g1', ['u1', 'u2'], NOW);
  });

  it('updates the given fields only, treating null as not given', async () => {
    stored.set('g1', group('g1'));
    await service.updateGroup('g1', { name: 'New', permissions: null, description: undefined });
    expect(groups.update).toHaveBeenCalledWith('g1', {
      name: 'New',
      description: undefined,
      permissions: undefined,
      data: undefined,
      updatedAt: NOW,
    });
    expect(groups.replaceMembers).not.toHaveBeenCalled();
  });

  it('replaces the members when an update carries user_ids (unknown ids dropped)', async () => {
    stored.set('g1', group('g1'));
    await service.updateGroup('g1', { userIds: ['u1', 'ghost'] });
    expect(groups.replaceMembers).toHaveBeenCalledWith('g1', ['u1'], NOW);
  });

  it('ignores a missing group when adding a user at sign-up', async () => {
    expect(await service.addUserToGroup('missing', 'u1')).toBe(false);
    expect(await service.addUserToGroup('', 'u1')).toBe(false);
    expect(groups.addMembers).not.toHaveBeenCalled();
    stored.set('g1', group('g1'));
    expect(await service.addUserToGroup('g1', 'u1')).toBe(true);
    expect(groups.addMembers).toHaveBeenCalledWith('g1', ['u1'], NOW);
  });

  it('syncs a user onto exactly the known groups given', async () => {
    stored.set('g1', group('g1'));
    stored.set('g2', group('g2'));
    expect(await service.setUserGroups('u1', ['g1', 'unknown'])).toEqual(['g1']);
    expect(groups.replaceUserGroups).toHaveBeenCalledWith('u1', ['g1'], NOW);
  });

  it('exports the member ids with the group', async () => {
    stored.set('g1', group('g1'));
    expect(await service.exportGroup('g1')).toMatchObject({
      id: 'g1',
      memberCount: 2,
      userIds: ['u1'],
    });
  });
});
