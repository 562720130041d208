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

/**
 * What one async scope carries: the request context and, with tracing on, the OpenTelemetry
 * context (see SharedContextManager). One AsyncLocalStorage holds both because Node copies every
 * enabled storage's store onto every promise and callback the process creates, and the relay
 * creates many per token. (A second storage once measured +4% CPU per token on the converted
 * route, but with a bench that measured that route in a process still warming up: the figure is
 * not reliable, the per-promise copy is.)
 */
interface AsyncScope {
  request?: RequestContext;
  /** An OpenTelemetry Context (opaque here). */
  trace?: unknown;
}

const storage = new AsyncLocalStorage<AsyncScope>();

/** The context of the HTTP request being served, if any (async-local). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore()?.request;
}

export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run({ request: context, trace: storage.getStore()?.trace }, run);
}

/** The OpenTelemetry context of the current async scope (for SharedContextManager). */
export function currentTraceContext(): unknown {
  return storage.getStore()?.trace;
}

/** Makes `trace` the OpenTelemetry context of the rest of the current async scope. */
export function enterTraceContext(trace: unknown): void {
  storage.enterWith({ request: storage.getStore()?.request, trace });
}

/** Runs `run(...args)` with `trace` as the OpenTelemetry context, keeping the request context. */
export function runWithTraceContext<A extends unknown[], R>(
  trace: unknown,
  run: (...args: A) => R,
  ...args: A
): R {
  return storage.run({ request: storage.getStore()?.request, trace }, run, ...args);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a sane token; otherwise undefined (a new one is made). */
export function acceptableRequestId(value: string | string[] | undefined): string | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate !== undefined && REQUEST_ID.test(candidate) ? candidate : undefined;
}
