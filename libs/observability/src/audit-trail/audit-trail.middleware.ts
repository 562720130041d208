import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import type { NextFunction, Request, Response } from 'express';
import { AuditTrailService } from './audit-trail.service.js';
import { currentRequestContext } from '../request-context/request-context.js';
import { matchGovernanceRoute, remainingChanges } from './governance-routes.js';

type TrailRequest = Request & { user?: AuthenticatedUser };

const SIGNIN = '/api/v1/auths/signin';
const SIGNUP = '/api/v1/auths/signup';
const LDAP_SIGNIN = '/api/v1/auths/ldap';

const emailOf = (body: unknown): string | null => {
  // LDAP sign-in sends the directory user name as `user`.
  const form = body as { email?: unknown; user?: unknown } | undefined;
  const email = form?.email ?? form?.user;
  return typeof email === 'string' ? email.trim().toLowerCase() : null;
};

const bodyField = (body: unknown, key: string | undefined): string | null => {
  const value = key ? (body as Record<string, unknown> | undefined)?.[key] : undefined;
  return typeof value === 'string' ? value : null;
};

/**
 * Records sign-ins (successful and failed), sign-ups and the governance routes of
 * governance-routes.ts in the admin audit trail once their response is sent.
 */
@Injectable()
export class AuditTrailMiddleware implements NestMiddleware {
  constructor(private readonly trail: AuditTrailService) {}

  use(request: TrailRequest, response: Response, next: NextFunction): void {
    if (request.method === 'GET' || request.method === 'OPTIONS' || request.method === 'HEAD') {
      return next();
    }
    const path = request.originalUrl.split('?', 1)[0];
    if (request.method === 'POST' && (path === SIGNIN || path === SIGNUP || path === LDAP_SIGNIN)) {
      this.watchSignin(request, response, path === SIGNUP ? 'signup' : 'signin');
      return next();
    }
    const governance = matchGovernanceRoute(request.method, path);
    if (governance) {
      response.once(
        'finish',
        AsyncLocalStorage.bind(() => {
          if (response.statusCode < 200 || response.statusCode >= 300) return;
          const targetId =
            governance.targetId ?? bodyField(request.body, governance.route.bodyTargetKey);
          const after = remainingChanges(
            governance.route,
            targetId,
            request.body,
            currentRequestContext()?.trailActions ?? [],
          );
          if (after === undefined) return;
          void this.trail.record({
            action: governance.route.action,
            targetType: governance.route.targetType,
            targetId,
            after,
            actor: request.user ? { id: request.user.id, email: request.user.email } : undefined,
          });
        }),
      );
    }
    next();
  }

  private watchSignin(request: TrailRequest, response: Response, kind: 'signin' | 'signup'): void {
    let userId: string | null = null;
    const json = response.json.bind(response);
    response.json = (body: unknown) => {
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id === 'string') userId = id;
      return json(body);
    };
    response.once(
      'finish',
      AsyncLocalStorage.bind(() => {
        const email = emailOf(request.body);
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        if (!ok && kind === 'signup') return;
        void this.trail.record({
          action: ok ? `auth.${kind}` : 'auth.signin_failed',
          targetType: 'user',
          targetId: userId,
          after: ok ? undefined : { status: response.statusCode },
          actor: { id: userId, email },
        });
      }),
    );
  }
}
