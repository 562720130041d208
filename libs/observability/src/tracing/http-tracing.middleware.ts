import { Injectable, type NestMiddleware } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AuthenticatedUser } from '@atrium/common';
import type { NextFunction, Request, Response } from 'express';
import { routeTemplate } from '../metrics/http-metrics.middleware.js';
import { currentRequestContext } from '../request-context/request-context.js';
import { hasPropagationHeaders, tracerOf } from './tracers.js';

/**
 * One SERVER span per HTTP request, continuing the caller's W3C trace context, named
 * "<METHOD> <route template>", with Open WebUI's client attributes (client.user.id/email/role,
 * client.auth.type) once the guard has identified the caller. Bound only when tracing is on.
 */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    // Most requests carry no trace context: skip the propagators' parsing then.
    const parent = hasPropagationHeaders(request.headers)
      ? propagation.extract(context.active(), request.headers)
      : context.active();
    const url = request.originalUrl;
    const query = url.indexOf('?');
    const span = tracerOf('atrium-http').startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': query === -1 ? url : url.slice(0, query),
          'url.scheme': request.protocol,
          'user_agent.original': request.headers['user-agent'] ?? '',
          // Resolved once per request (trust proxy) by the request-context middleware.
          'client.address': currentRequestContext()?.sourceIp ?? request.ip ?? '',
        },
      },
      parent,
    );
    response.once('close', () => {
      const route = routeTemplate(request, response.statusCode);
      const user = (request as Request & { user?: AuthenticatedUser }).user;
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', response.statusCode);
      const requestId = (request as Request & { requestId?: string }).requestId;
      if (requestId) span.setAttribute('atrium.request_id', requestId);
      if (user) {
        span.setAttribute('client.user.id', user.id);
        span.setAttribute('client.user.email', user.email);
        span.setAttribute('client.user.role', user.role);
        span.setAttribute('client.auth.type', user.authType);
      }
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  }
}
