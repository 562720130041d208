import { propagation, trace, type Tracer } from '@opentelemetry/api';

/**
 * The tracers and propagation header names of the registered SDK, looked up once instead of per
 * span (TracerProvider.getTracer builds a key string and a map lookup on every call). The global
 * provider and propagator change when an SDK starts or stops (tests boot several apps in one
 * process), so otel-sdk.ts calls resetTracers() at both moments.
 */
let tracers = new Map<string, Tracer>();
let propagationFields: readonly string[] | undefined;

export function tracerOf(name: string): Tracer {
  let tracer = tracers.get(name);
  if (!tracer) {
    tracer = trace.getTracer(name);
    tracers.set(name, tracer);
  }
  return tracer;
}

/** True when `headers` carry any header the registered propagators read (traceparent, baggage…). */
export function hasPropagationHeaders(headers: Record<string, unknown>): boolean {
  propagationFields ??= propagation.fields().map((field) => field.toLowerCase());
  for (const field of propagationFields) if (headers[field] !== undefined) return true;
  return false;
}

export function resetTracers(): void {
  tracers = new Map();
  propagationFields = undefined;
}
