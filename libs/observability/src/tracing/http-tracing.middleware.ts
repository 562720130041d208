import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { routeTemplate } from '../metrics/http-metrics.middleware.js';
import { currentRequestContext } from '../request-context/request-context.js';
import { inHttpServerSpan } from './http-server-span.js';

/** One SERVER span per HTTP request on the Express pipeline. Bound only when tracing is on. */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const url = request.originalUrl;
    const query = url.indexOf('?');
    inHttpServerSpan(
      request,
      response,
      {
        path: query === -1 ? url : url.slice(0, query),
        scheme: request.protocol,
        // Resolved once per request (trust proxy) by the request-context middleware.
        clientAddress: currentRequestContext()?.sourceIp ?? request.ip ?? '',
        route: () => routeTemplate(request, response.statusCode),
      },
      next,
    );
  }
}
