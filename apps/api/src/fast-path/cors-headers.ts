import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The CORS options create-app gives Nest: '*' (with credentials) reflects the caller's origin,
 * as Starlette does; otherwise only the listed origins are echoed.
 */
export function corsOptionsFor(origins: string[]): { origin: true | string[]; credentials: true } {
  return { origin: origins.includes('*') ? true : origins, credentials: true };
}

/**
 * The headers the `cors` middleware sets on a non-preflight request for those options
 * (preflights never reach the fast path): the allowed origin echoed, `Vary: Origin`,
 * `Access-Control-Allow-Credentials: true`.
 */
export function applyCorsHeaders(
  origins: true | string[],
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const origin = request.headers.origin;
  const allowed = origins === true || (origin !== undefined && origins.includes(origin));
  if (allowed && origin) response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Vary', 'Origin');
  response.setHeader('Access-Control-Allow-Credentials', 'true');
}
