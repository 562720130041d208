import type { ServerResponse } from 'node:http';

/**
 * Keeps the first `limit` bytes a response writes, by wrapping its write/end. Chunks pass
 * through untouched and at once; only a slice is copied while the limit is not reached, so a
 * stream is never buffered nor slowed.
 */
export class ResponseCapture {
  private readonly chunks: Buffer[] = [];
  private captured = 0;

  constructor(
    response: ServerResponse,
    private readonly limit: number,
  ) {
    if (limit <= 0) return;
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((...args: unknown[]) => {
      this.keep(args[0], args[1]);
      return write(...args);
    }) as ServerResponse['write'];
    response.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') this.keep(args[0], args[1]);
      return end(...args);
    }) as ServerResponse['end'];
  }

  /** The captured bytes as UTF-8 (a character cut at the limit becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private keep(chunk: unknown, encoding: unknown): void {
    const room = this.limit - this.captured;
    if (room <= 0 || chunk === undefined || chunk === null) return;
    let slice: Buffer;
    if (typeof chunk === 'string') {
      // Encoding only the head of a long string: 4 bytes per character at most.
      const head = chunk.length > room ? chunk.slice(0, room) : chunk;
      slice = Buffer.from(
        head,
        typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
      );
    } else if (chunk instanceof Uint8Array) {
      slice = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, room));
      slice = Buffer.from(slice);
    } else {
      return;
    }
    if (slice.length > room) slice = slice.subarray(0, room);
    this.chunks.push(slice);
    this.captured += slice.length;
  }
}
