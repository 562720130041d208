import { describe, expect, it } from 'vitest';
import type { AppConfig } from '@atrium/config';
import type { AuthenticatedUser, Clock } from '@atrium/common';
import { UserEventsService, type GroupsService, type PermissionsService } from '@atrium/users';
import { AccessControlService } from './access-control.service.js';
import type { AccessGrantsRepository } from './access-grants.repository.js';

function user(id: string, role: AuthenticatedUser['role'] = 'user'): AuthenticatedUser {
  return {
    id,
    role,
    name: id,
    email: `${id}@x`,
    profileImageUrl: '',
    authType: 'jwt',
    credential: '',
  };
}

function service(options: { flags?: string[]; bypassAdmin?: boolean; groups?: string[] } = {}) {
  const flags = new Set(options.flags ?? []);
  const groups = { getGroupIdsForUser: () => Promise.resolve(options.groups ?? []) };
  const permissions = {
    hasPermission: (_id: string, key: string) => Promise.resolve(flags.has(key)),
  };
  const config = { models: { bypassAdminAccessControl: options.bypassAdmin ?? true } } as AppConfig;
  return new AccessControlService(
    {} as AccessGrantsRepository,
    groups as unknown as GroupsService,
    permissions as unknown as PermissionsService,
    { nowSeconds: () => 1 } as Clock,
    config,
    new UserEventsService(),
  );
}

const grants = [
  { principalType: 'user', principalId: '*', permission: 'read' },
  { principalType: 'user', principalId: 'u2', permission: 'read' },
  { principalType: 'group', principalId: 'g1', permission: 'write' },
];

describe('AccessControlService', () => {
  it('drops public grants without the sharing permission', async () => {
    const kept = await service({ flags: ['access_grants.allow_users'] }).filterAllowedGrants(
      user('u1'),
      grants,
      'sharing.public_models',
    );
    expect(kept.map((grant) => grant.principalId)).toEqual(['u2', 'g1']);
  });

  it('drops user grants when access_grants.allow_users is off', async () => {
    const kept = await service({ flags: ['sharing.public_models'] }).filterAllowedGrants(
      user('u1'),
      grants,
      'sharing.public_models',
    );
    expect(kept.map((grant) => grant.principalId)).toEqual(['*', 'g1']);
  });

  it('lets admins create any valid grant', async () => {
    const kept = await service().filterAllowedGrants(
      user('a', 'admin'),
      [...grants, { principalType: 'bogus' }],
      'sharing.public_models',
    );
    expect(kept).toHaveLength(3);
  });

  it('applies owner, admin and exact-permission grant rules', async () => {
    const resource = {
      ownerId: 'owner',
      grants: [{ principalType: 'group', principalId: 'g1', permission: 'write' }] as const,
    };
    const shared = { ownerId: 'owner', grants: [...resource.grants] };
    expect(await service().canAccess(user('owner'), shared, 'write')).toBe(true);
    expect(await service().canAccess(user('a', 'admin'), shared, 'read')).toBe(true);
    expect(
      await service({ bypassAdmin: false }).canAccess(user('a', 'admin'), shared, 'read'),
    ).toBe(false);
    expect(await service({ groups: ['g1'] }).canAccess(user('m'), shared, 'write')).toBe(true);
    expect(await service({ groups: ['g1'] }).canAccess(user('m'), shared, 'read')).toBe(false);
    expect(await service().canAccess(user('stranger'), shared, 'write')).toBe(false);
  });
});
