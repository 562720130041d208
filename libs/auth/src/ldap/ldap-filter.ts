/**
 * RFC 4515 escaping of a value placed in a search filter: `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`, so a user name like `*)(uid=*` matches only itself.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[\\*()\0]/g,
    (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * The user search filter: `(&(<attribute>=<escaped user>)<extra>)`, with LDAP_SEARCH_FILTERS
 * appended as Open WebUI does. A bare extra filter without parentheses is wrapped in them.
 */
export function userSearchFilter(attribute: string, user: string, extra: string): string {
  const trimmed = extra.trim();
  const suffix = trimmed === '' || trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
  return `(&(${attribute}=${escapeFilterValue(user)})${suffix})`;
}

/** Matches group entries listing any of `memberDns` as member (groupOfNames, groupOfUniqueNames, AD). */
export function parentGroupsFilter(memberDns: string[]): string {
  const members = memberDns
    .map((dn) => `(member=${escapeFilterValue(dn)})(uniqueMember=${escapeFilterValue(dn)})`)
    .join('');
  return `(&(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))(|${members}))`;
}

/**
 * The group name for a group attribute value: the value of the first RDN when it is `cn=...`
 * (a DN such as memberOf holds), else the value itself (directories that store plain names).
 */
export function groupNameFromValue(value: string): string {
  const match = /^\s*cn\s*=\s*((?:\\.|[^,+\\])*)/i.exec(value);
  if (!match) return value.trim();
  return unescapeDnValue(match[1].trim());
}

/** RFC 4514 value unescaping: `\,` -> `,` and `\2c` -> `,` (UTF-8 hex pairs decoded). */
export function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '\\' && index + 1 < value.length) {
      const hex = value.slice(index + 1, index + 3);
      if (/^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        index += 2;
        continue;
      }
      bytes.push(...encoder.encode(value[index + 1]));
      index += 1;
      continue;
    }
    bytes.push(...encoder.encode(char));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The dc=... tail of a DN (the naming context), or the DN itself when it has none. */
export function namingContextOf(dn: string): string {
  const match = /(?:^|,)\s*(dc=.*)$/i.exec(dn);
  return match ? match[1] : dn;
}

/** DNs compare case-insensitively and without spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((part) => part.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}
