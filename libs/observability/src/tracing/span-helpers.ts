import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Ends `span` when `result` settles (or at once for a plain value), marking a failure as an error. */
export function endWhenSettled<T>(span: Span, result: T): T {
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
