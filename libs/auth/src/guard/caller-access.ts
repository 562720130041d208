import type { AuthenticatedUser, AuthRequirement } from '@atrium/common';
import type { PermissionsService } from '@atrium/users';
import { AccessProhibitedError, NotAuthenticatedError } from '../auth.errors.js';
import type { PresentedCredential } from './presented-credential.js';

/** A protected route without any credential: Open WebUI's 403 "Not authenticated". */
export function requireCredential(
  credential: PresentedCredential | undefined,
): PresentedCredential {
  if (!credential) throw new NotAuthenticatedError();
  return credential;
}

/**
 * The route's level once the caller is known: pending users on a verified route, non-admins on
 * an admin route, and role `user` without the route's permission flag get 401 "access prohibited".
 * Shared by the auth guard and the raw HTTP fast path.
 */
export async function assertRequirementMet(
  user: AuthenticatedUser,
  requirement: AuthRequirement,
  permissions: Pick<PermissionsService, 'hasPermission'>,
): Promise<void> {
  if (requirement.level === 'verified' && user.role === 'pending')
    throw new AccessProhibitedError();
  if (requirement.level === 'admin' && user.role !== 'admin') throw new AccessProhibitedError();
  if (
    requirement.permission &&
    user.role !== 'admin' &&
    !(await permissions.hasPermission(user.id, requirement.permission))
  ) {
    throw new AccessProhibitedError();
  }
}
