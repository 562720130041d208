import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import type { NextFunction, Request, Response } from 'express';
import { AuditLogRecorder } from './audit-log-recorder.js';
import { RequestBodyCapture } from './request-body-capture.js';
import { maskMultipartText, maskSecrets, maskSecretText } from './secret-masking.js';

type AuditedRequest = Request & { user?: AuthenticatedUser; requestId?: string };

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
 * Open WebUI's audit log on the Express pipeline: a middleware rather than an interceptor so
 * requests refused by the guard, unknown routes and exception-filter statuses are audited too.
 * What is recorded is AuditLogRecorder's business (the fast path feeds it the same way).
 */
@Injectable()
export class AuditLogMiddleware implements NestMiddleware {
  constructor(private readonly recorder: AuditLogRecorder) {}

  use(request: AuditedRequest, response: Response, next: NextFunction): void {
    const audited = this.recorder.wants({
      method: request.method,
      path: request.originalUrl.split('?', 1)[0],
      hasAuthorizationHeader: Boolean(request.headers.authorization),
      hasTokenCookie: Boolean((request.cookies as Record<string, unknown> | undefined)?.token),
    });
    if (audited) {
      const rawBody =
        this.recorder.recordsRequestBody && hasUnparsedBody(request)
          ? new RequestBodyCapture(request, this.recorder.maxBodyLogSize)
          : undefined;
      this.recorder.watch({
        request,
        response,
        uri: `${request.protocol}://${request.get('host') ?? ''}${request.originalUrl}`,
        sourceIp: request.ip ?? request.socket.remoteAddress ?? null,
        body: request.body,
        bodyText: () => requestBodyText(request, rawBody),
      });
    }
    next();
  }
}
