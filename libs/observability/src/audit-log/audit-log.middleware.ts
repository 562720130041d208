import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type AuditConfig } from '@atrium/config';
import type { AuthenticatedUser } from '@atrium/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuditLogEntry } from './audit-log-entry.js';
import { AuditLogPolicy } from './audit-log-policy.js';
import { AuditLogWriter } from './audit-log.writer.js';
import { RequestBodyCapture } from './request-body-capture.js';
import { ResponseCapture } from './response-capture.js';
import {
  maskKnownValues,
  maskMultipartText,
  maskSecrets,
  maskSecretText,
  maskUrl,
  secretValuesOf,
} from './secret-masking.js';

type AuditedRequest = Request & { user?: AuthenticatedUser; requestId?: string };

/** The first `limit` bytes of a text as UTF-8, a cut character replaced as Python's errors="replace". */
export function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= limit ? text : bytes.subarray(0, limit).toString('utf8');
}

/** A body is coming that no body parser has read (multipart, octet stream, text...). */
function hasUnparsedBody(request: Request): boolean {
  if (request.body !== undefined || request.readableEnded) return false;
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
}

/**
 * The request body as the text a client sent it, secrets masked: the parsed JSON or form body,
 * or else the raw first bytes captured (multipart/form-data fields masked by name).
 */
export function requestBodyText(request: Request, raw?: RequestBodyCapture): string {
  const captured = raw?.text();
  if (captured) {
    return request.is('multipart/form-data')
      ? maskMultipartText(captured)
      : maskSecretText(captured);
  }
  const body: unknown = request.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return maskSecretText(body);
  if (Buffer.isBuffer(body)) return maskSecretText(body.toString('utf8'));
  const masked = maskSecrets(body);
  if (request.is('application/x-www-form-urlencoded') && typeof masked === 'object') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(masked as Record<string, unknown>)) {
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return form.toString().replace(/%2A/gi, '*');
  }
  if (typeof body === 'object' && Object.keys(body).length === 0 && !request.is('json')) return '';
  return JSON.stringify(masked);
}

/**
 * Open WebUI's audit log (AuditLoggingMiddleware): one JSON line per audited request, written
 * after the response, at the AUDIT_LOG_LEVEL detail. A middleware rather than an interceptor so
 * requests refused by the guard, unknown routes and exception-filter statuses are audited too.
 */
@Injectable()
export class AuditLogMiddleware implements NestMiddleware {
  private readonly audit: AuditConfig;
  private readonly policy: AuditLogPolicy;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writer: AuditLogWriter,
  ) {
    this.audit = config.observability.audit;
    this.policy = new AuditLogPolicy(this.audit);
  }

  use(request: AuditedRequest, response: Response, next: NextFunction): void {
    const audited = this.policy.shouldAudit({
      method: request.method,
      path: request.originalUrl.split('?', 1)[0],
      hasAuthorizationHeader: Boolean(request.headers.authorization),
      hasTokenCookie: Boolean((request.cookies as Record<string, unknown> | undefined)?.token),
    });
    if (audited) {
      const withRequest = this.audit.level === 'REQUEST' || this.audit.level === 'REQUEST_RESPONSE';
      const rawBody =
        withRequest && hasUnparsedBody(request)
          ? new RequestBodyCapture(request, this.audit.maxBodyLogSize)
          : undefined;
      const capture =
        this.audit.level === 'REQUEST_RESPONSE'
          ? new ResponseCapture(response, this.audit.maxBodyLogSize)
          : undefined;
      let recorded = false;
      const record = () => {
        if (recorded) return;
        recorded = true;
        this.record(request, response, capture, rawBody);
      };
      response.once('finish', record);
      response.once('close', record);
    }
    next();
  }

  private record(
    request: AuditedRequest,
    response: Response,
    capture?: ResponseCapture,
    rawBody?: RequestBodyCapture,
  ): void {
    const level = this.audit.level;
    const withRequest = level === 'REQUEST' || level === 'REQUEST_RESPONSE';
    const user = request.user;
    const entry: AuditLogEntry = {
      id: randomUUID(),
      timestamp: Math.floor(Date.now() / 1000),
      user: user ? { id: user.id, name: user.name, email: user.email, role: user.role } : {},
      audit_level: level,
      verb: request.method,
      request_uri: maskUrl(
        `${request.protocol}://${request.get('host') ?? ''}${request.originalUrl}`,
      ),
      response_status_code: capture ? response.statusCode : null,
      source_ip: request.ip ?? request.socket.remoteAddress ?? null,
      user_agent: request.headers['user-agent'] ?? null,
      request_object: withRequest
        ? truncateUtf8(requestBodyText(request, rawBody), this.audit.maxBodyLogSize)
        : '',
      response_object: capture
        ? maskKnownValues(maskSecretText(capture.text()), secretValuesOf(request.body))
        : '',
      extra: request.requestId ? { request_id: request.requestId } : {},
    };
    this.writer.write(entry);
  }
}
