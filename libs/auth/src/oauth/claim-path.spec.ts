import { describe, expect, it } from 'vitest';
import { claimAsList, claimAsString, readClaim } from './claim-path.js';

describe('readClaim', () => {
  const claims = {
    email: 'a@example.com',
    realm_access: { roles: ['member', 'admin'] },
    resource_access: { atrium: { roles: ['editor'] } },
    'https://example.com/groups': ['ns-group'],
    list: [1, 2],
  };

  it('reads top-level, nested and namespaced claims', () => {
    expect(readClaim(claims, 'email')).toBe('a@example.com');
    expect(readClaim(claims, 'realm_access.roles')).toEqual(['member', 'admin']);
    expect(readClaim(claims, 'resource_access.atrium.roles')).toEqual(['editor']);
    expect(readClaim(claims, 'https://example.com/groups')).toEqual(['ns-group']);
  });

  it('gives undefined for missing paths, paths through non-objects and empty paths', () => {
    expect(readClaim(claims, 'realm_access.missing')).toBeUndefined();
    expect(readClaim(claims, 'email.length')).toBeUndefined();
    expect(readClaim(claims, 'list.0')).toBeUndefined();
    expect(readClaim(claims, 'toString')).toBeUndefined();
    expect(readClaim(claims, '')).toBeUndefined();
  });
});

describe('claim conversions', () => {
  it('turns strings, numbers and arrays into name lists', () => {
    expect(claimAsList(['a', 2, { x: 1 }, null])).toEqual(['a', '2']);
    expect(claimAsList('solo')).toEqual(['solo']);
    expect(claimAsList(7)).toEqual(['7']);
    expect(claimAsList({ a: 1 })).toBeUndefined();
    expect(claimAsList(undefined)).toBeUndefined();
  });

  it('reads non-empty strings', () => {
    expect(claimAsString(' x ')).toBe('x');
    expect(claimAsString('  ')).toBeUndefined();
    expect(claimAsString(42)).toBe('42');
    expect(claimAsString(['x'])).toBeUndefined();
  });
});
