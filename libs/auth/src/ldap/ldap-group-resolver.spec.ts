import { describe, expect, it } from 'vitest';
import type { DirectoryConnection, DirectoryEntry } from './ldap-directory.client.js';
import { LdapGroupResolver, MAX_GROUP_NESTING } from './ldap-group-resolver.js';

/** A directory of groups given as group DN -> member DNs; answers the resolver's member filters. */
function fakeDirectory(groups: Record<string, string[]>) {
  const searches: string[] = [];
  const connection: DirectoryConnection = {
    bind: () => Promise.resolve(),
    close: () => Promise.resolve(),
    search: (_base, filter) => {
      searches.push(filter);
      const wanted = [...filter.matchAll(/\(member=([^)]*)\)/g)].map((match) => match[1]);
      const found: DirectoryEntry[] = Object.entries(groups)
        .filter(([, members]) => members.some((member) => wanted.includes(member)))
        .map(([dn]) => ({ dn, attributes: { cn: [/^cn=([^,]+)/.exec(dn)![1]] } }));
      return Promise.resolve(found);
    },
  };
  return { connection, searches };
}

const resolver = new LdapGroupResolver();
const lookup = (directGroupValues: string[] = []) => ({
  userDn: 'uid=u,dc=x',
  directGroupValues,
  groupSearchBase: 'dc=x',
});

describe('LdapGroupResolver', () => {
  it('follows nesting level by level, one search per level', async () => {
    const { connection, searches } = fakeDirectory({
      'cn=a,dc=x': ['uid=u,dc=x'],
      'cn=b,dc=x': ['cn=a,dc=x'],
      'cn=c,dc=x': ['cn=b,dc=x'],
      'cn=other,dc=x': ['uid=v,dc=x'],
    });
    expect((await resolver.resolve(connection, lookup())).sort()).toEqual(['a', 'b', 'c']);
    expect(searches).toHaveLength(4);
  });

  it('stops at cycles', async () => {
    const { connection } = fakeDirectory({
      'cn=a,dc=x': ['uid=u,dc=x', 'cn=b,dc=x'],
      'cn=b,dc=x': ['cn=a,dc=x'],
    });
    expect((await resolver.resolve(connection, lookup())).sort()).toEqual(['a', 'b']);
  });

  it('uses memberOf values (DNs or plain names) and their parents', async () => {
    const { connection } = fakeDirectory({ 'cn=parent,dc=x': ['cn=viaMemberOf,dc=x'] });
    const names = await resolver.resolve(connection, lookup(['cn=viaMemberOf,dc=x', 'Plain']));
    expect(names.sort()).toEqual(['Plain', 'parent', 'viaMemberOf']);
  });

  it('cuts off nesting deeper than the limit', async () => {
    const chain: Record<string, string[]> = { 'cn=g0,dc=x': ['uid=u,dc=x'] };
    for (let level = 1; level < MAX_GROUP_NESTING + 5; level++)
      chain[`cn=g${level},dc=x`] = [`cn=g${level - 1},dc=x`];
    const { connection, searches } = fakeDirectory(chain);
    const names = await resolver.resolve(connection, lookup());
    expect(names).toHaveLength(MAX_GROUP_NESTING + 1);
    expect(searches).toHaveLength(MAX_GROUP_NESTING + 1);
  });
});
