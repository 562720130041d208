import { describe, expect, it } from 'vitest';
import { decideRole, type RoleInputs } from './oauth-role-policy.js';

const base: RoleInputs = {
  current: 'user',
  userCount: 5,
  defaultRole: 'pending',
  mapping: {
    enabled: true,
    claim: 'realm_access.roles',
    allowedRoles: ['member'],
    adminRoles: ['atrium-admin'],
  },
  claims: { realm_access: { roles: ['member'] } },
};

const withRoles = (roles: unknown, extra: Partial<RoleInputs> = {}): RoleInputs => ({
  ...base,
  ...extra,
  claims: roles === undefined ? {} : { realm_access: { roles } },
});

describe('decideRole', () => {
  it('makes the first and the only user admin whatever the claims say', () => {
    expect(decideRole(withRoles([], { current: null, userCount: 0 }))).toMatchObject({
      role: 'admin',
    });
    expect(decideRole(withRoles(['x'], { current: 'user', userCount: 1 }))).toMatchObject({
      role: 'admin',
    });
  });

  it('promotes through admin roles and demotes when they are gone', () => {
    expect(decideRole(withRoles(['member', 'atrium-admin']))).toMatchObject({ role: 'admin' });
    expect(decideRole(withRoles(['member'], { current: 'admin' }))).toMatchObject({
      role: 'user',
    });
    expect(decideRole(withRoles('atrium-admin', { current: 'pending' }))).toMatchObject({
      role: 'admin',
    });
  });

  it('refuses a missing claim or a claim without an allowed role, naming them', () => {
    expect(decideRole(withRoles(undefined))).toEqual({
      refused: 'roles claim "realm_access.roles" is missing',
    });
    const refused = decideRole(withRoles(['visitor']));
    expect(refused).toHaveProperty('refused');
    expect((refused as { refused: string }).refused).toContain('visitor');
  });

  it('gives the default role when no allowed roles are configured', () => {
    const open = { ...base.mapping, allowedRoles: [] };
    expect(decideRole({ ...withRoles(['visitor']), mapping: open })).toMatchObject({
      role: 'pending',
    });
  });

  it('keeps existing roles and gives new users the default role when management is off', () => {
    const off = { ...base.mapping, enabled: false };
    expect(
      decideRole({ ...withRoles(undefined, { current: 'admin' }), mapping: off }),
    ).toMatchObject({ role: 'admin' });
    expect(decideRole({ ...withRoles(undefined, { current: null }), mapping: off })).toMatchObject({
      role: 'pending',
    });
  });
});
