import { describe, expect, it } from 'vitest';
import type { AccessGrant } from './access-grant.model.js';
import {
  grantsAllow,
  grantsFromLegacy,
  legacyFromGrants,
  normalizeGrants,
} from './access-grants.js';

const publicRead: AccessGrant = { principalType: 'user', principalId: '*', permission: 'read' };

describe('access grants', () => {
  it('maps legacy null to public read and back', () => {
    expect(grantsFromLegacy(null)).toEqual([publicRead]);
    expect(legacyFromGrants([publicRead])).toBeNull();
  });

  it('maps legacy {} to no grants and back', () => {
    expect(grantsFromLegacy({})).toEqual([]);
    expect(legacyFromGrants([])).toEqual({});
  });

  it('maps read/write lists to one grant each and back', () => {
    const legacy = {
      read: { group_ids: ['g1'], user_ids: ['u1', 'u1'] },
      write: { group_ids: [], user_ids: ['u2'] },
    };
    const grants = grantsFromLegacy(legacy);
    expect(grants).toEqual([
      { principalType: 'group', principalId: 'g1', permission: 'read' },
      { principalType: 'user', principalId: 'u1', permission: 'read' },
      { principalType: 'user', principalId: 'u2', permission: 'write' },
    ]);
    expect(legacyFromGrants(grants)).toEqual({
      read: { group_ids: ['g1'], user_ids: ['u1'] },
      write: { group_ids: [], user_ids: ['u2'] },
    });
  });

  it('shows a public read grant as null even when write grants exist', () => {
    expect(
      legacyFromGrants([
        publicRead,
        { principalType: 'user', principalId: 'u2', permission: 'write' },
      ]),
    ).toBeNull();
  });

  it('drops invalid entries and duplicates', () => {
    expect(
      normalizeGrants([
        publicRead,
        { ...publicRead },
        { principalType: 'group', principalId: '*', permission: 'read' },
        { principalType: 'team', principalId: 'x', permission: 'read' },
        { principalType: 'user', principalId: 'u1', permission: 'admin' },
        { principalType: 'user', principalId: '', permission: 'read' },
        'junk',
        null,
      ]),
    ).toEqual([publicRead]);
  });

  it('grants exactly the requested permission to *, the user, or their groups', () => {
    const grants: AccessGrant[] = [
      { principalType: 'group', principalId: 'g1', permission: 'write' },
      { principalType: 'user', principalId: 'u1', permission: 'read' },
    ];
    expect(grantsAllow(grants, 'u1', [], 'read')).toBe(true);
    expect(grantsAllow(grants, 'u1', [], 'write')).toBe(false);
    expect(grantsAllow(grants, 'u2', ['g1'], 'write')).toBe(true);
    expect(grantsAllow(grants, 'u2', ['g1'], 'read')).toBe(false);
    expect(grantsAllow([publicRead], 'anyone', [], 'read')).toBe(true);
    expect(grantsAllow([publicRead], 'anyone', [], 'write')).toBe(false);
  });
});
