import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthenticatedUser } from '@atrium/common';

/** What every log line and audit record of one HTTP request shares. */
export interface RequestContext {
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
  /** The caller, once the auth guard has identified it. */
  user(): AuthenticatedUser | undefined;
  /** Admin-trail actions recorded so far while serving this request (see AuditTrailMiddleware). */
  trailActions?: { action: string; targetId: string | null }[];
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the HTTP request being served, if any (async-local). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a sane token; otherwise undefined (a new one is made). */
export function acceptableRequestId(value: string | string[] | undefined): string | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate !== undefined && REQUEST_ID.test(candidate) ? candidate : undefined;
}
