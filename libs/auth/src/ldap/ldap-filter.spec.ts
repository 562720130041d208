import { describe, expect, it } from 'vitest';
import {
  escapeFilterValue,
  groupNameFromValue,
  namingContextOf,
  normalizeDn,
  parentGroupsFilter,
  userSearchFilter,
} from './ldap-filter.js';

describe('LDAP filter helpers', () => {
  it('escapes the RFC 4515 metacharacters and nothing else', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0c')).toBe('a\\5cb\\00c');
    expect(escapeFilterValue("o'brien é")).toBe("o'brien é");
  });

  it('builds the user filter with the extra filters appended', () => {
    expect(userSearchFilter('uid', '*)(uid=*', '')).toBe('(&(uid=\\2a\\29\\28uid=\\2a))');
    expect(userSearchFilter('uid', 'bob', '(objectClass=person)')).toBe(
      '(&(uid=bob)(objectClass=person))',
    );
    expect(userSearchFilter('uid', 'bob', ' objectClass=person ')).toBe(
      '(&(uid=bob)(objectClass=person))',
    );
  });

  it('escapes member DNs in the parent-group filter', () => {
    expect(parentGroupsFilter(['cn=a(1),dc=x'])).toContain('(member=cn=a\\281\\29,dc=x)');
  });

  it('reads group names from DNs (escaped values included) and plain names', () => {
    expect(groupNameFromValue('cn=Engineers,ou=groups,dc=example,dc=org')).toBe('Engineers');
    expect(groupNameFromValue('CN=Smith\\, Team,OU=G,DC=corp')).toBe('Smith, Team');
    expect(groupNameFromValue('cn=caf\\c3\\a9,dc=x')).toBe('café');
    expect(groupNameFromValue('Plain Name')).toBe('Plain Name');
  });

  it('normalises DNs and finds the naming context', () => {
    expect(normalizeDn('CN=A, OU=G ,DC=Example')).toBe('cn=a,ou=g,dc=example');
    expect(namingContextOf('ou=people,dc=example,dc=org')).toBe('dc=example,dc=org');
    expect(namingContextOf('o=corp')).toBe('o=corp');
  });
});
