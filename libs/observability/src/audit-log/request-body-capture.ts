import type { Request } from 'express';

/**
 * Keeps the first `limit` bytes of a request body no parser has read (multipart/form-data,
 * octet streams, text), as they arrive, whoever consumes the stream later (a route, multer) or
 * not at all. Wraps the request's `push`, through which Node's HTTP parser hands the body over.
 */
export class RequestBodyCapture {
  private readonly chunks: Buffer[] = [];
  private captured = 0;

  constructor(
    request: Request,
    private readonly limit: number,
  ) {
    if (limit <= 0) return;
    const push = request.push.bind(request);
    request.push = (chunk: unknown, encoding?: BufferEncoding) => {
      this.keep(chunk);
      return push(chunk, encoding);
    };
  }

  /** The captured bytes as UTF-8 (a character cut at the limit becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private keep(chunk: unknown): void {
    const room = this.limit - this.captured;
    if (room <= 0 || !(chunk instanceof Uint8Array)) return;
    const slice = Buffer.from(chunk.subarray(0, Math.min(chunk.byteLength, room)));
    this.chunks.push(slice);
    this.captured += slice.length;
  }
}
