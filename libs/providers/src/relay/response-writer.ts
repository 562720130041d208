import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Duplex } from 'node:stream';
import { tapOf } from './model-call-tap.js';

const COPIED_HEADERS = ['content-type', 'cache-control', 'x-request-id', 'openai-processing-ms'];

/** The signal that fires when the client goes away before the response is complete. */
export function clientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Sends an upstream response to the client byte for byte: status, content type, then the body
 * piped with backpressure. If either side fails mid-way the other is torn down (client gone ->
 * upstream socket destroyed; upstream dropped -> client connection ended without a clean end).
 */
export async function relayUpstream(
  upstream: IncomingMessage,
  response: ServerResponse,
  body?: Duplex,
  contentType?: string,
): Promise<void> {
  response.statusCode = upstream.statusCode ?? 200;
  for (const name of COPIED_HEADERS) {
    const value = upstream.headers[name];
    if (value !== undefined) response.setHeader(name, value);
  }
  if (contentType) response.setHeader('content-type', contentType);
  if (String(response.getHeader('content-type') ?? '').startsWith('text/event-stream')) {
    response.setHeader('cache-control', 'no-cache');
    response.setHeader('x-accel-buffering', 'no');
  }
  response.flushHeaders();
  const relayed = body ? pipeline(upstream, body, response) : pipeline(upstream, response);
  const tap = tapOf(upstream);
  // Attached in the same tick as the pipe, so both see every chunk; the pipe keeps backpressure.
  if (tap) upstream.on('data', tap.chunk);
  try {
    await relayed;
  } catch {
    // Client gone or upstream dropped: pipeline has already destroyed both ends.
    upstream.destroy();
  }
}
