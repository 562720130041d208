import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AtriumMetrics } from './atrium-metrics.js';

/**
 * The route template Express matched ("/api/v1/users/:user_id"), never the raw URL, so label
 * cardinality stays bounded. A 404 from a catch-all route counts as "unmatched".
 */
export function routeTemplate(request: Request, statusCode: number): string {
  const route = (request as unknown as { route?: { path?: unknown } }).route;
  if (typeof route?.path !== 'string') return 'unmatched';
  if (statusCode === 404 && route.path.includes('*')) return 'unmatched';
  return `${request.baseUrl}${route.path}`;
}

/** Times every request into http_request_duration_seconds{method,route,status_code}. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: AtriumMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observeHttpRequest(
        request.method,
        routeTemplate(request, response.statusCode),
        response.statusCode,
        seconds,
      );
    });
    next();
  }
}
