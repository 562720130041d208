import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { AuthenticatedUser } from '@atrium/common';
import { hasPropagationHeaders, tracerOf } from './tracers.js';

type TracedRequest = IncomingMessage & { user?: AuthenticatedUser; requestId?: string };

export interface HttpServerSpanStart {
  /** The URL path without the query string. */
  path: string;
  scheme: string;
  clientAddress: string;
  /** The route template (metrics label), read when the response is over. */
  route: () => string;
}

/**
 * Runs a request's work inside its SERVER span (see startHttpServerSpan): spans started by the
 * work (database, Redis, model calls) become its children.
 */
export function inHttpServerSpan<T>(
  request: TracedRequest,
  response: ServerResponse,
  start: HttpServerSpanStart,
  work: () => T,
): T {
  return context.with(startHttpServerSpan(request, response, start), work);
}

/**
 * Starts the SERVER span of one HTTP request, continuing the caller's W3C trace context, and
 * ends it when the response closes: named "<METHOD> <route template>", with Open WebUI's client
 * attributes (client.user.id/email/role, client.auth.type) once the guard has identified the
 * caller. Returns the context the request's work must run in.
 */
function startHttpServerSpan(
  request: TracedRequest,
  response: ServerResponse,
  start: HttpServerSpanStart,
): Context {
  const method = request.method ?? 'GET';
  // Most requests carry no trace context: skip the propagators' parsing then.
  const parent = hasPropagationHeaders(request.headers)
    ? propagation.extract(context.active(), request.headers)
    : context.active();
  const span = tracerOf('atrium-http').startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': start.path,
        'url.scheme': start.scheme,
        'user_agent.original': request.headers['user-agent'] ?? '',
        'client.address': start.clientAddress,
      },
    },
    parent,
  );
  response.once('close', () => {
    const route = start.route();
    const user = request.user;
    const attributes: Attributes = {
      'http.route': route,
      'http.response.status_code': response.statusCode,
    };
    if (request.requestId) attributes['atrium.request_id'] = request.requestId;
    if (user) {
      attributes['client.user.id'] = user.id;
      attributes['client.user.email'] = user.email;
      attributes['client.user.role'] = user.role;
      attributes['client.auth.type'] = user.authType;
    }
    span.updateName(`${method} ${route}`);
    span.setAttributes(attributes);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return trace.setSpan(parent, span);
}
