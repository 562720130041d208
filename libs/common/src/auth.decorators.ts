import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from './authenticated-user.js';

/**
 * Who may call a route, in Open WebUI's terms:
 * - public: anyone;
 * - any: any signed-in user, pending included ("current user");
 * - verified: role user or admin;
 * - admin: admins only.
 */
export type AccessLevel = 'public' | 'any' | 'verified' | 'admin';

export interface AuthRequirement {
  level: AccessLevel;
  /** A permission flag such as "chat.delete" that role user must hold (admins pass). */
  permission?: string;
  /** Public routes only: identify the caller when a token is sent; a bad token gets 401. */
  identifyCaller?: boolean;
}

export const AUTH_REQUIREMENT = 'atrium:auth-requirement';

export interface AuthOptions {
  /** Admins only. */
  admin?: boolean;
  /** Let pending users in too (Open WebUI's get_current_user). */
  allowPending?: boolean;
  permission?: string;
}

/** Declares that a route needs a signed-in caller; verified (user or admin) unless told otherwise. */
export function Auth(options: AuthOptions = {}): MethodDecorator & ClassDecorator {
  const level: AccessLevel = options.admin ? 'admin' : options.allowPending ? 'any' : 'verified';
  return SetMetadata<string, AuthRequirement>(AUTH_REQUIREMENT, {
    level,
    permission: options.permission,
  });
}

/** Declares a route open to anyone. With identifyCaller, a valid token still identifies the caller. */
export function Public(
  options: { identifyCaller?: boolean } = {},
): MethodDecorator & ClassDecorator {
  return SetMetadata<string, AuthRequirement>(AUTH_REQUIREMENT, {
    level: 'public',
    identifyCaller: options.identifyCaller ?? false,
  });
}

/** The caller set by the auth guard (undefined on public routes without a token). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user,
);
