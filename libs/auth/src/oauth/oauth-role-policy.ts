import type { Role } from '@atrium/common';
import { claimAsList, readClaim } from './claim-path.js';

export interface RoleMapping {
  enabled: boolean;
  /** Dotted path of the roles claim (OAUTH_ROLES_CLAIM). */
  claim: string;
  allowedRoles: string[];
  adminRoles: string[];
}

export interface RoleInputs {
  /** The user's current role, or null for a user about to be created. */
  current: Role | null;
  /** Users in the system before this sign-in. */
  userCount: number;
  defaultRole: Role;
  mapping: RoleMapping;
  claims: Record<string, unknown>;
}

export type RoleDecision = { role: Role; why: string } | { refused: string };

/**
 * The role a sign-in ends with, decided afresh at every login so promotions and demotions in
 * the directory apply at once:
 *  - the very first user, or the only one, is admin (Open WebUI's bootstrap rule);
 *  - with role management on, a role in OAUTH_ADMIN_ROLES gives admin, one in
 *    OAUTH_ALLOWED_ROLES gives user; a missing roles claim, or (when OAUTH_ALLOWED_ROLES is
 *    set) no matching role, refuses the sign-in; an empty allow-list gives DEFAULT_USER_ROLE;
 *  - with it off, existing users keep their role and new ones get DEFAULT_USER_ROLE.
 */
export function decideRole(input: RoleInputs): RoleDecision {
  if (input.current === null && input.userCount === 0)
    return { role: 'admin', why: 'first user of the system' };
  if (input.current !== null && input.userCount === 1)
    return { role: 'admin', why: 'only user of the system' };
  const { mapping } = input;
  if (!mapping.enabled) {
    return input.current === null
      ? { role: input.defaultRole, why: 'default role for new users' }
      : { role: input.current, why: 'role management is off' };
  }
  const roles = claimAsList(readClaim(input.claims, mapping.claim));
  if (roles === undefined) return { refused: `roles claim "${mapping.claim}" is missing` };
  const admin = mapping.adminRoles.find((role) => roles.includes(role));
  if (admin) return { role: 'admin', why: `role "${admin}" is in OAUTH_ADMIN_ROLES` };
  if (mapping.allowedRoles.length === 0)
    return { role: input.defaultRole, why: 'no OAUTH_ALLOWED_ROLES set: default role' };
  const allowed = mapping.allowedRoles.find((role) => roles.includes(role));
  if (allowed) return { role: 'user', why: `role "${allowed}" is in OAUTH_ALLOWED_ROLES` };
  return {
    refused:
      `none of the roles [${roles.join(', ')}] in claim "${mapping.claim}" is in ` +
      `OAUTH_ALLOWED_ROLES [${mapping.allowedRoles.join(', ')}] or OAUTH_ADMIN_ROLES [${mapping.adminRoles.join(', ')}]`,
  };
}
