import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AUTH_REQUIREMENT,
  ErrorMessages,
  ForbiddenError,
  type AuthenticatedUser,
  type AuthRequirement,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { PermissionsService } from '@atrium/users';
import type { Request } from 'express';
import { assertRequirementMet, requireCredential } from './caller-access.js';
import { CallerAuthenticator } from './caller-authenticator.js';
import { extractCredential, requestPath } from './presented-credential.js';
import { TrustedHeaderCheck } from './trusted-header.js';

type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

/**
 * The one global guard (APP_GUARD). Every HTTP route declares who may call it with @Auth() or
 * @Public() (handler first, then controller); this guard enforces it in Open WebUI's terms:
 * - no credential on a protected route: 403 "Not authenticated";
 * - invalid/expired/revoked token or unknown user: 401 (see CallerAuthenticator);
 * - pending user on a verified route, non-admin on an admin route, or role `user` without the
 *   route's permission flag: 401 "access prohibited" (admins hold every flag);
 * - @Public({identifyCaller: true}): no credential is fine, a valid one sets request.user,
 *   an invalid one is 401.
 * A route without a declaration is a programming error: it is refused (403) and logged.
 * Non-HTTP contexts (socket gateways) authenticate in their own handshake and pass through.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly apiKeyHeader: string;
  private readonly trustedHeader: TrustedHeaderCheck;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: CallerAuthenticator,
    private readonly permissions: PermissionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.apiKeyHeader = config.auth.customApiKeyHeader.toLowerCase();
    this.trustedHeader = new TrustedHeaderCheck(config.trustedHeaders);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(
      AUTH_REQUIREMENT,
      [context.getHandler(), context.getClass()],
    );
    if (!requirement) {
      this.logger.error(
        `ROUTE WITHOUT AUTH DECLARATION: ${context.getClass().name}.${context.getHandler().name} ` +
          `(${request.method} ${requestPath(request)}) has neither @Auth() nor @Public(); refusing every call.`,
      );
      throw new ForbiddenError(ErrorMessages.ACCESS_PROHIBITED);
    }

    const credential = extractCredential(request, this.apiKeyHeader);
    if (requirement.level === 'public') {
      if (requirement.identifyCaller && credential) {
        request.user = await this.authenticator.authenticate(
          credential.value,
          requestPath(request),
        );
      }
      return true;
    }
    const { value } = requireCredential(credential);
    const user = await this.authenticator.authenticate(value, requestPath(request));
    this.trustedHeader.verify(request, context.switchToHttp().getResponse(), user);
    await assertRequirementMet(user, requirement, this.permissions);
    request.user = user;
    return true;
  }
}
