import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type AuditConfig } from '@atrium/config';
import type { AuthenticatedUser } from '@atrium/common';
import type { AuditLogEntry } from './audit-log-entry.js';
import { AuditLogPolicy, type AuditCandidate } from './audit-log-policy.js';
import { AuditLogWriter } from './audit-log.writer.js';
import { ResponseCapture } from './response-capture.js';
import { maskKnownValues, maskSecretText, maskUrl, secretValuesOf } from './secret-masking.js';

/** One audited request as any HTTP front (Express middleware or the fast path) sees it. */
export interface AuditExchange {
  /** `user` is set by the auth guard, `requestId` by the request-context step. */
  request: IncomingMessage & { user?: AuthenticatedUser; requestId?: string };
  response: ServerResponse;
  /** scheme://host + the URL as requested (masked when written). */
  uri: string;
  sourceIp: string | null;
  /** The parsed body: values of its secret fields are masked wherever the response echoes them. */
  body: unknown;
  /** The request body as the client sent it, secrets masked; read only at REQUEST levels. */
  bodyText(): string;
}

/** The first `limit` bytes of a text as UTF-8, a cut character replaced as Python's errors="replace". */
export function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= limit ? text : bytes.subarray(0, limit).toString('utf8');
}

/**
 * Open WebUI's audit log (AuditLoggingMiddleware) without the framework: which requests are
 * audited, and one JSON line per audited request written once its response is over, at the
 * AUDIT_LOG_LEVEL detail. Express (AuditLogMiddleware) and the fast path both feed it.
 */
@Injectable()
export class AuditLogRecorder {
  private readonly audit: AuditConfig;
  private readonly policy: AuditLogPolicy;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writer: AuditLogWriter,
  ) {
    this.audit = config.observability.audit;
    this.policy = new AuditLogPolicy(this.audit);
  }

  get enabled(): boolean {
    return this.policy.enabled;
  }

  /** REQUEST and REQUEST_RESPONSE record the request body. */
  get recordsRequestBody(): boolean {
    return this.audit.level === 'REQUEST' || this.audit.level === 'REQUEST_RESPONSE';
  }

  get maxBodyLogSize(): number {
    return this.audit.maxBodyLogSize;
  }

  wants(candidate: AuditCandidate): boolean {
    return this.policy.shouldAudit(candidate);
  }

  /** Records the exchange once its response finishes or its connection closes (once). */
  watch(exchange: AuditExchange): void {
    const capture =
      this.audit.level === 'REQUEST_RESPONSE'
        ? new ResponseCapture(exchange.response, this.audit.maxBodyLogSize)
        : undefined;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      this.writer.write(this.entryOf(exchange, capture));
    };
    exchange.response.once('finish', record);
    exchange.response.once('close', record);
  }

  private entryOf(exchange: AuditExchange, capture?: ResponseCapture): AuditLogEntry {
    const { request, response } = exchange;
    const user = request.user;
    return {
      id: randomUUID(),
      timestamp: Math.floor(Date.now() / 1000),
      user: user ? { id: user.id, name: user.name, email: user.email, role: user.role } : {},
      audit_level: this.audit.level,
      verb: request.method ?? '',
      request_uri: maskUrl(exchange.uri),
      response_status_code: capture ? response.statusCode : null,
      source_ip: exchange.sourceIp,
      user_agent: request.headers['user-agent'] ?? null,
      request_object: this.recordsRequestBody
        ? truncateUtf8(exchange.bodyText(), this.audit.maxBodyLogSize)
        : '',
      response_object: capture
        ? maskKnownValues(maskSecretText(capture.text()), secretValuesOf(exchange.body))
        : '',
      extra: request.requestId ? { request_id: request.requestId } : {},
    };
  }
}
