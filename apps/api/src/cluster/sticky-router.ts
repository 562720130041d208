import type { Worker } from 'node:cluster';
import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionMessage } from './cluster-messages.js';

/** Enough for any request line; a longer one is handed on as is (the worker answers 414/400). */
const MAX_PEEK_BYTES = 8 * 1024;
/** A connection that sends no request line in this time is dropped (as a slow header). */
const FIRST_LINE_TIMEOUT_MS = 30_000;

/** Picks the worker for a connection from its first request target; undefined when none is up. */
export type WorkerPicker = (requestTarget: string) => Worker | undefined;

/**
 * The primary's listener. It reads each new connection up to the end of its first request
 * line, asks `pick` for a worker (the owner of a socket.io session, else round-robin) and
 * hands the socket over with the bytes already read. Everything after that (keep-alive
 * requests, websocket frames, response bodies) flows between the client and the worker
 * directly, so the primary's work is one read and one IPC message per connection.
 */
export class StickyRouter {
  private readonly server: Server;

  constructor(private readonly pick: WorkerPicker) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting; connections already handed over stay with their workers. */
  close(): void {
    this.server.close();
  }

  private accept(socket: Socket): void {
    let head: Buffer = Buffer.alloc(0);
    socket.setTimeout(FIRST_LINE_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const lineEnd = head.indexOf(0x0a);
      if (lineEnd < 0 && head.length < MAX_PEEK_BYTES) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      // Stop reading before the hand-off: whatever the primary read after this point (a
      // request body arriving a moment later) would be lost with the handle.
      stopReading(socket);
      const worker = this.pick(requestTarget(head, lineEnd));
      if (!worker) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
      const message: ConnectionMessage = {
        type: 'atrium:connection',
        head: head.toString('latin1'),
      };
      // keepOpen, then close this copy once the message is written: the worker holds its own
      // descriptor by then. (Without keepOpen, Node closes it only when the worker acknowledges
      // the handle, and a worker that has just died never does: the client would hang.)
      worker.send(message, socket, { keepOpen: true }, () => socket.destroy());
    };
    socket.on('data', onData);
  }
}

/** The request target of `METHOD target HTTP/x.y` (empty when the line is not complete). */
function requestTarget(head: Buffer, lineEnd: number): string {
  if (lineEnd < 0) return '';
  const line = head.toString('latin1', 0, lineEnd);
  const start = line.indexOf(' ') + 1;
  const end = line.indexOf(' ', start);
  return start > 0 && end > start ? line.slice(start, end) : '';
}

/** net.Socket keeps its libuv handle private; readStop() is the only way to pause the kernel reads. */
function stopReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: { readStop?: () => number } })._handle;
  handle?.readStop?.();
}
