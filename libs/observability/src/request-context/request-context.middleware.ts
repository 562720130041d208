import { randomUUID } from 'node:crypto';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import type { NextFunction, Request, Response } from 'express';
import { acceptableRequestId, runWithRequestContext } from './request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Gives each request an id (the caller's X-Request-Id when sane, else a new UUID), echoes it
 * in the response and makes it, the source IP and the caller available to everything that
 * runs for the request (logger, audit trail) through async-local storage.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const requestId = acceptableRequestId(request.headers['x-request-id']) ?? randomUUID();
    response.setHeader(REQUEST_ID_HEADER, requestId);
    (request as Request & { requestId?: string }).requestId = requestId;
    runWithRequestContext(
      {
        requestId,
        sourceIp: request.ip ?? request.socket.remoteAddress ?? null,
        userAgent: request.headers['user-agent'] ?? null,
        user: () => (request as Request & { user?: AuthenticatedUser }).user,
      },
      next,
    );
  }
}
