import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error.js';
import { ErrorMessages } from './error-messages.js';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/**
 * Renders every failure as Open WebUI does: `{"detail": ...}` with the right status.
 * Unknown errors are logged with the request and answered with a generic 500.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const { status, body, headers } = this.describe(exception, request);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private describe(exception: unknown, request: Request): HttpErrorResponse {
    const known = describeHttpError(exception);
    if (known) return known;
    this.logger.error(
      `Unhandled error on ${request.method} ${request.path}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return { status: 500, body: { detail: ErrorMessages.INTERNAL }, headers: {} };
  }
}

/** What a failure is answered with: status, `{"detail": ...}` body and extra headers. */
export interface HttpErrorResponse {
  status: number;
  body: { detail: unknown };
  headers: Record<string, string>;
}

/**
 * The answer for a known failure (DomainError, body-parser error, Nest HttpException), or
 * undefined for an unexpected one (the caller logs it and answers 500). Shared by the filter
 * and the raw HTTP fast path.
 */
export function describeHttpError(exception: unknown): HttpErrorResponse | undefined {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: { detail: exception.detail },
      headers: exception.headers,
    };
  }
  // Nest's Express adapter wraps body-parser errors in an HttpException (cause = the original).
  const parserError = (
    exception instanceof HttpException ? exception.cause : exception
  ) as BodyParserError;
  if (parserError?.type === 'entity.too.large') {
    return { status: 413, body: { detail: ErrorMessages.REQUEST_TOO_LARGE }, headers: {} };
  }
  if (parserError?.type === 'entity.parse.failed') {
    return {
      status: 422,
      body: {
        detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {} }],
      },
      headers: {},
    };
  }
  if (exception instanceof HttpException) {
    return { status: exception.getStatus(), body: { detail: detailOf(exception) }, headers: {} };
  }
  if (
    typeof parserError?.status === 'number' &&
    parserError.status >= 400 &&
    parserError.status < 500
  ) {
    return {
      status: parserError.status,
      body: { detail: parserError.message ?? 'Bad Request' },
      headers: {},
    };
  }
  return undefined;
}

/** FastAPI-style detail for Nest's own exceptions (404 route, 422 validation, ...). */
function detailOf(exception: HttpException): unknown {
  const payload = exception.getResponse();
  if (typeof payload === 'string') return payload;
  if (payload && typeof payload === 'object') {
    const record = payload as Record<string, unknown>;
    if ('detail' in record) return record.detail;
    if (exception.getStatus() === 404) return 'Not Found';
    if (typeof record.message === 'string') return record.message;
    if (typeof record.error === 'string') return record.error;
  }
  return exception.message;
}
