import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import type { Request, Response } from 'express';
import {
  assertRequirementMet,
  CallerAuthenticator,
  extractCredential,
  requireCredential,
} from '@atrium/auth';
import {
  describeHttpError,
  ErrorMessages,
  type AuthenticatedUser,
  type AuthRequirement,
} from '@atrium/common';
import {
  acceptableRequestId,
  AtriumMetrics,
  AuditLogRecorder,
  inHttpServerSpan,
  maskSecrets,
  REQUEST_ID_HEADER,
  runWithRequestContext,
} from '@atrium/observability';
import type { PermissionsService } from '@atrium/users';
import { applyCorsHeaders } from './cors-headers.js';
import { sendJson, type FastCall, type FastRoute } from './fast-path-routes.js';
import { announcesBody, isPlainJsonRequest, readJsonBody } from './json-body.js';

export interface FastPathDependencies {
  routes: FastRoute[];
  authenticator: CallerAuthenticator;
  permissions: Pick<PermissionsService, 'hasPermission'>;
  metrics: AtriumMetrics;
  corsOrigins: true | string[];
  bodyLimit: number;
  /** CUSTOM_API_KEY_HEADER, lower-cased. */
  apiKeyHeader: string;
  /** Open WebUI's audit log, when AUDIT_LOG_LEVEL is not NONE. */
  audit?: AuditLogRecorder;
  /** OpenTelemetry traces are on: each request gets its HTTP SERVER span. */
  tracing: boolean;
}

type FastRequest = IncomingMessage & { user?: AuthenticatedUser; requestId?: string };

/** Every fast route is @Auth(): a verified (non-pending) user. */
const VERIFIED: AuthRequirement = { level: 'verified' };

/**
 * Serves the hot routes without Express/Nest, replaying the pipeline they would go through in
 * the same order with the same shared code: JSON body parser (its errors answered before
 * anything else, without CORS or request id, as in Express), cookie parser, CORS, request id +
 * logging context, HTTP server span, HTTP metrics, audit log, the auth guard's checks, the
 * handler, HttpExceptionFilter's error mapping. `handle` returns false, before touching the
 * request, for anything else.
 */
export class FastPath {
  private readonly logger = new Logger('FastPath');
  private readonly parseCookies = cookieParser();
  private readonly routes = new Map<string, FastRoute>();
  /** Routes the audit log records when a credential is presented (decided once: fixed paths). */
  private readonly auditedRoutes = new Set<FastRoute>();

  constructor(private readonly deps: FastPathDependencies) {
    for (const route of deps.routes) {
      this.routes.set(`${route.method} ${route.path}`, route);
      const audited = deps.audit?.wants({
        method: route.method,
        path: route.path,
        hasAuthorizationHeader: true,
        hasTokenCookie: true,
      });
      if (audited) this.auditedRoutes.add(route);
    }
  }

  /** True when the request is (being) served here; false leaves it untouched for Express. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    // The exact path only: a query string, trailing slash or other spelling goes to Nest.
    const route = this.routes.get(`${request.method} ${request.url}`);
    if (!route) return false;
    if (route.method === 'POST' ? !isPlainJsonRequest(request) : announcesBody(request)) {
      return false;
    }
    void this.serve(route, request, response);
    return true;
  }

  private async serve(
    route: FastRoute,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    let body: unknown;
    if (route.method === 'POST') {
      try {
        body = await readJsonBody(request, this.deps.bodyLimit);
      } catch (error) {
        this.fail(error, request, response);
        return;
      }
    }
    this.parseCookies(request as Request, response as Response, () => undefined);
    applyCorsHeaders(this.deps.corsOrigins, request, response);
    const requestId = acceptableRequestId(request.headers['x-request-id']) ?? randomUUID();
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const fast = request as FastRequest;
    fast.requestId = requestId;
    const sourceIp = clientIp(request);
    const call: Partial<FastCall> = { request, response, body };
    const work = () =>
      runWithRequestContext(
        {
          requestId,
          sourceIp,
          userAgent: request.headers['user-agent'] ?? null,
          user: () => call.user,
        },
        async () => {
          this.timeRequest(route, request, response);
          this.audit(route, fast, response, sourceIp, body);
          try {
            call.user = await this.authenticate(request, route.path);
            fast.user = call.user;
            await route.handle(call as FastCall);
          } catch (error) {
            this.fail(error, request, response);
          }
        },
      );
    if (!this.deps.tracing) {
      await work();
      return;
    }
    await inHttpServerSpan(
      fast,
      response,
      {
        path: route.path,
        scheme: requestScheme(request),
        clientAddress: sourceIp ?? '',
        route: () => route.path,
      },
      work,
    );
  }

  /**
   * AuditLogMiddleware's part: the same recorder, fed what this pipeline already parsed. Fast
   * routes are none of the always-audited sign-in paths, so only callers presenting a
   * credential (Authorization header or `token` cookie) are audited, as the policy says.
   */
  private audit(
    route: FastRoute,
    request: FastRequest,
    response: ServerResponse,
    sourceIp: string | null,
    body: unknown,
  ): void {
    const audit = this.deps.audit;
    if (!audit || !this.auditedRoutes.has(route)) return;
    const cookies = (request as Request).cookies as Record<string, unknown> | undefined;
    if (!request.headers.authorization && !cookies?.token) return;
    audit.watch({
      request,
      response,
      uri: `${requestScheme(request)}://${request.headers.host ?? ''}${request.url ?? ''}`,
      sourceIp,
      body,
      // Fast routes take JSON only: the body as Express's JSON parser would have left it.
      bodyText: () => (body === undefined ? '' : JSON.stringify(maskSecrets(body))),
    });
  }

  /** The auth guard for an @Auth() route (trusted headers are off: see installFastPath). */
  private async authenticate(request: IncomingMessage, path: string): Promise<AuthenticatedUser> {
    const credential = requireCredential(
      extractCredential(request as Request, this.deps.apiKeyHeader),
    );
    const user = await this.deps.authenticator.authenticate(credential.value, path);
    await assertRequirementMet(user, VERIFIED, this.deps.permissions);
    return user;
  }

  /** http_request_duration_seconds, as HttpMetricsMiddleware records it. */
  private timeRequest(route: FastRoute, request: IncomingMessage, response: ServerResponse): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.deps.metrics.observeHttpRequest(
        request.method ?? route.method,
        route.path,
        response.statusCode,
        seconds,
      );
    });
  }

  /** HttpExceptionFilter's answer. */
  private fail(error: unknown, request: IncomingMessage, response: ServerResponse): void {
    if (response.headersSent) {
      response.end();
      return;
    }
    const described = describeHttpError(error);
    if (!described) {
      this.logger.error(
        `Unhandled error on ${request.method} ${request.url}`,
        error instanceof Error ? error.stack : String(error),
      );
    }
    const { status, body, headers } = described ?? {
      status: 500,
      body: { detail: ErrorMessages.INTERNAL },
      headers: {},
    };
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    sendJson(response, status, body);
  }
}

/** Express's `req.protocol` with 'trust proxy' on: X-Forwarded-Proto's first entry, else the socket's. */
function requestScheme(request: IncomingMessage): string {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (first) return first;
  return (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

/** Express's `req.ip` with 'trust proxy' on: the left-most X-Forwarded-For entry, else the peer. */
function clientIp(request: IncomingMessage): string | null {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',')[0]?.trim();
  return first || request.socket.remoteAddress || null;
}
