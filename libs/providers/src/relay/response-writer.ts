import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Duplex } from 'node:stream';
import { isChunkConverter, type ChunkConverter } from './ollama-openai.converter.js';
import { tapOf, type ModelCallTap } from './model-call-tap.js';

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
 * Sends an upstream response to the client as it arrives: status, content type, then the body
 * with backpressure (the upstream is paused while the client's socket is full). If either side
 * fails mid-way the other is torn down (client gone -> upstream socket destroyed; upstream
 * dropped -> client connection ended without a clean end, so the client sees an error).
 * `body` converts on the way (Ollama NDJSON -> OpenAI SSE).
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
  const tap = tapOf(upstream);
  if (body && !isChunkConverter(body)) {
    // A stream we cannot drive chunk by chunk: the generic (slower) pipe.
    if (tap) upstream.on('data', tap.chunk);
    try {
      await pipeline(upstream, body, response);
    } catch {
      upstream.destroy();
    }
    return;
  }
  await pump(upstream, response, tap, body);
}

/**
 * The hot path: one listener per side, no intermediate streams. Each upstream chunk is handed
 * to the telemetry tap, converted if needed, and written straight to the client's socket.
 */
function pump(
  upstream: IncomingMessage,
  response: ServerResponse,
  tap: ModelCallTap | undefined,
  converter: ChunkConverter | undefined,
): Promise<void> {
  if (response.destroyed || upstream.destroyed) {
    // One side is already gone (client left while the upstream answered, or the reverse).
    upstream.destroy();
    response.destroy();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      upstream.off('data', onData);
      response.off('drain', onDrain);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      tap?.chunk(chunk);
      const out = converter ? converter.convertChunk(chunk) : chunk;
      if (out.length > 0 && !response.write(out)) upstream.pause();
    };
    const onDrain = () => upstream.resume();
    upstream.on('data', onData);
    response.on('drain', onDrain);
    upstream.once('end', () => {
      if (converter) response.end(converter.finish());
      else response.end();
    });
    // 'close' without a complete body: the upstream dropped or timed out mid-way.
    upstream.once('close', () => {
      if (!upstream.complete && !response.writableEnded) response.destroy();
    });
    upstream.on('error', () => undefined);
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy();
      settle();
    });
    response.once('finish', settle);
  });
}
