import { Injectable, Logger } from '@nestjs/common';
import type { DirectoryConnection, DirectoryEntry } from './ldap-directory.client.js';
import { groupNameFromValue, normalizeDn, parentGroupsFilter } from './ldap-filter.js';

/** Nesting deeper than this is cut off (and logged): a guard against pathological trees. */
export const MAX_GROUP_NESTING = 10;
/** DNs per OR-filter, so one level of a big tree does not produce an unbounded filter. */
const DNS_PER_QUERY = 50;

export interface GroupLookup {
  userDn: string;
  /** The user's LDAP_ATTRIBUTE_FOR_GROUPS values (memberOf DNs, or plain names), maybe none. */
  directGroupValues: string[];
  groupSearchBase: string;
}

/**
 * The names (cn) of every group a user belongs to, directly or through nesting (user in A,
 * A member of B -> A and B). Uses the memberOf values when the directory has them, and also
 * searches group entries (groupOfNames/groupOfUniqueNames/AD group) by member, level by level,
 * so it works without slapd's memberOf overlay. Cycles are cut by remembering visited DNs.
 */
@Injectable()
export class LdapGroupResolver {
  private readonly logger = new Logger('LdapGroups');

  async resolve(connection: DirectoryConnection, lookup: GroupLookup): Promise<string[]> {
    const names = new Set<string>();
    const visited = new Set<string>([normalizeDn(lookup.userDn)]);
    let frontier: string[] = [];
    for (const value of lookup.directGroupValues) {
      names.add(groupNameFromValue(value));
      if (/=/.test(value) && !visited.has(normalizeDn(value))) {
        visited.add(normalizeDn(value));
        frontier.push(value);
      }
    }
    // Level 0 searches the user's own DN; later levels the groups found on the level before.
    let members = [lookup.userDn, ...frontier];
    for (let depth = 0; members.length > 0; depth++) {
      if (depth > MAX_GROUP_NESTING) {
        this.logger.warn(
          `group nesting of ${lookup.userDn} deeper than ${MAX_GROUP_NESTING} levels; ignoring the rest`,
        );
        break;
      }
      frontier = [];
      for (const group of await this.parentGroups(connection, lookup.groupSearchBase, members)) {
        const key = normalizeDn(group.dn);
        const cn = group.attributes.cn?.[0];
        if (cn) names.add(cn);
        if (visited.has(key)) continue;
        visited.add(key);
        frontier.push(group.dn);
      }
      members = frontier;
    }
    names.delete('');
    return [...names];
  }

  private async parentGroups(
    connection: DirectoryConnection,
    base: string,
    memberDns: string[],
  ): Promise<DirectoryEntry[]> {
    const found: DirectoryEntry[] = [];
    for (let index = 0; index < memberDns.length; index += DNS_PER_QUERY) {
      const chunk = memberDns.slice(index, index + DNS_PER_QUERY);
      found.push(...(await connection.search(base, parentGroupsFilter(chunk), ['cn'])));
    }
    return found;
  }
}
