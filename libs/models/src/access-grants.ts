import {
  PUBLIC_PRINCIPAL,
  type AccessGrant,
  type GrantPermission,
  type LegacyAccessControl,
} from './access-grant.model.js';

const PERMISSIONS: readonly GrantPermission[] = ['read', 'write'];

function isGrant(value: unknown): value is AccessGrant {
  if (typeof value !== 'object' || value === null) return false;
  const { principalType, principalId, permission } = value as Record<string, unknown>;
  if (principalType !== 'user' && principalType !== 'group') return false;
  if (typeof principalId !== 'string' || principalId.length === 0 || principalId.length > 255)
    return false;
  if (principalType === 'group' && principalId === PUBLIC_PRINCIPAL) return false;
  return PERMISSIONS.includes(permission as GrantPermission);
}

const keyOf = (grant: AccessGrant) =>
  `${grant.principalType}:${grant.principalId}:${grant.permission}`;

/** Drops invalid entries and duplicates, keeping the first of each (principal, permission). */
export function normalizeGrants(grants: readonly unknown[]): AccessGrant[] {
  const seen = new Set<string>();
  const result: AccessGrant[] = [];
  for (const entry of grants) {
    if (!isGrant(entry)) continue;
    const grant: AccessGrant = {
      principalType: entry.principalType,
      principalId: entry.principalId,
      permission: entry.permission,
    };
    if (seen.has(keyOf(grant))) continue;
    seen.add(keyOf(grant));
    result.push(grant);
  }
  return result;
}

export function isPublicGrant(grant: AccessGrant): boolean {
  return grant.principalType === 'user' && grant.principalId === PUBLIC_PRINCIPAL;
}

/** The grants a legacy access_control value stands for (§7.2): null is public read, {} none. */
export function grantsFromLegacy(accessControl: unknown): AccessGrant[] {
  if (accessControl === null || accessControl === undefined) {
    return [{ principalType: 'user', principalId: PUBLIC_PRINCIPAL, permission: 'read' }];
  }
  if (typeof accessControl !== 'object' || Array.isArray(accessControl)) return [];
  const grants: unknown[] = [];
  for (const permission of PERMISSIONS) {
    const section = (accessControl as Record<string, unknown>)[permission];
    if (typeof section !== 'object' || section === null) continue;
    const { group_ids: groupIds, user_ids: userIds } = section as Record<string, unknown>;
    for (const id of Array.isArray(groupIds) ? (groupIds as unknown[]) : [])
      grants.push({ principalType: 'group', principalId: id, permission });
    for (const id of Array.isArray(userIds) ? (userIds as unknown[]) : [])
      grants.push({ principalType: 'user', principalId: id, permission });
  }
  return normalizeGrants(grants);
}

/** The legacy access_control view of a grant set; any public read grant makes it null. */
export function legacyFromGrants(grants: readonly AccessGrant[]): LegacyAccessControl {
  if (grants.some((grant) => isPublicGrant(grant) && grant.permission === 'read')) return null;
  const concrete = grants.filter((grant) => grant.principalId !== PUBLIC_PRINCIPAL);
  if (concrete.length === 0) return {};
  const section = (permission: GrantPermission) => ({
    group_ids: concrete
      .filter((grant) => grant.permission === permission && grant.principalType === 'group')
      .map((grant) => grant.principalId),
    user_ids: concrete
      .filter((grant) => grant.permission === permission && grant.principalType === 'user')
      .map((grant) => grant.principalId),
  });
  return { read: section('read'), write: section('write') };
}

/**
 * Whether a grant set gives `permission` to a user with these group ids: a grant with exactly
 * that permission to everyone ('*'), to the user, or to one of their groups.
 */
export function grantsAllow(
  grants: readonly AccessGrant[],
  userId: string,
  groupIds: readonly string[],
  permission: GrantPermission,
): boolean {
  const groups = new Set(groupIds);
  return grants.some(
    (grant) =>
      grant.permission === permission &&
      (grant.principalType === 'user'
        ? grant.principalId === PUBLIC_PRINCIPAL || grant.principalId === userId
        : groups.has(grant.principalId)),
  );
}
