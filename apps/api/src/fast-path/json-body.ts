import type { IncomingMessage } from 'node:http';

/** A body-parser style failure (`type` is what HttpExceptionFilter maps to 413 / 422 / 400). */
export class BodyReadError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const JSON_UTF8 = /^application\/json\s*(;\s*charset\s*=\s*("?)utf-8\2\s*)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** REQUEST_BODY_LIMIT ("20mb", "512kb", "100") in bytes, as the `bytes` package reads it. */
export function bodyLimitBytes(limit: string): number {
  const match = /^(\d+)(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!match) throw new Error(`invalid body limit "${limit}"`);
  return Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()];
}

/** A body is announced (Express would try to parse it, even on a GET). */
export function announcesBody(request: IncomingMessage): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined ||
    request.headers['content-length'] !== undefined
  );
}

/**
 * Whether Express's JSON body parser would read this body exactly as readJsonBody does: plain
 * `application/json` (UTF-8), not compressed, and a body announced. Anything else (forms, gzip,
 * other charsets, no body at all) is left to Express.
 */
export function isPlainJsonRequest(request: IncomingMessage): boolean {
  const headers = request.headers;
  const type = headers['content-type'];
  if (type === undefined || !JSON_UTF8.test(type)) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const length = headers['content-length'];
  return (
    headers['transfer-encoding'] !== undefined || (length !== undefined && /^\d+$/.test(length))
  );
}

/**
 * Reads and parses the body with body-parser's rules: the limit (announced length first, then
 * while reading), UTF-8 with the BOM dropped, empty body -> {}, strict mode (the first
 * character must be `{` or `[`). Failures wait until the request is drained, as body-parser does.
 */
export function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const announced = request.headers['content-length'];
    const expected = announced === undefined ? undefined : Number(announced);
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        fail(new BodyReadError('entity.too.large', 413, 'request entity too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (expected !== undefined && received !== expected) {
        return reject(
          new BodyReadError(
            'request.size.invalid',
            400,
            'request size did not match content length',
          ),
        );
      }
      try {
        resolve(parseStrictJson(new TextDecoder('utf-8').decode(Buffer.concat(chunks))));
      } catch {
        reject(new BodyReadError('entity.parse.failed', 400, 'JSON decode error'));
      }
    };
    const fail = (error: BodyReadError) => {
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
      if (request.complete) return reject(error);
      request.once('end', () => reject(error));
      request.once('close', () => reject(error));
      request.resume();
    };
    if (expected !== undefined && expected > limit) {
      return fail(new BodyReadError('entity.too.large', 413, 'request entity too large'));
    }
    request.on('data', onData);
    request.once('end', onEnd);
    // A client that resets mid-body: answered (to nobody) instead of an unhandled 'error'.
    request.on('error', () => reject(new BodyReadError('request.aborted', 400, 'request aborted')));
    request.once('aborted', () =>
      reject(new BodyReadError('request.aborted', 400, 'request aborted')),
    );
  });
}

function parseStrictJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = /^[ \t\n\r]*([^ \t\n\r]|$)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('strict violation');
  return JSON.parse(text);
}
