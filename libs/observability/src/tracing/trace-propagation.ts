import { context, propagation } from '@opentelemetry/api';

/**
 * W3C trace-context headers (traceparent, tracestate) for a call to a model server, so its
 * spans join the request's trace. Adds nothing when tracing is off. The providers adapters
 * merge these into every upstream request's headers.
 */
export function outgoingTraceHeaders(headers: Record<string, string> = {}): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}
