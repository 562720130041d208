import {
  request,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { SOCKET_IO_PATH } from '@atrium/realtime';
import { sessionOwnerOf } from './socket-session-id.js';

const logger = new Logger('Cluster');

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The primary routes a connection by its first request only. A client that reuses a keep-alive
 * connection for a socket.io request of a session another worker owns (Node's and browsers'
 * connection pools do) lands here: such requests are relayed to the owner over its Unix
 * socket, and the reply closes the client connection so the client's next request goes
 * through the primary again. Everything else is left to the existing listeners.
 */
export function installSessionRelay(
  server: Server,
  workerId: number,
  socketPathOf: (owner: number) => string,
): void {
  const foreignOwner = (request: IncomingMessage): number | undefined => {
    const url = request.url ?? '';
    if (!url.startsWith(SOCKET_IO_PATH)) return undefined;
    const owner = sessionOwnerOf(url);
    return owner === workerId ? undefined : owner;
  };

  const requestListeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const owner = foreignOwner(request);
    if (owner !== undefined) return relayRequest(request, response, socketPathOf(owner));
    for (const listener of requestListeners) listener.call(server, request, response);
  });

  const upgradeListeners = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const owner = foreignOwner(request);
    if (owner !== undefined) return relayUpgrade(request, socket, head, socketPathOf(owner));
    for (const listener of upgradeListeners) listener.call(server, request, socket, head);
  });
}

/** engine.io's own answer to a session it does not know; the client then reconnects. */
function unknownSession(response: ServerResponse): void {
  response.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
  response.end(JSON.stringify({ code: 1, message: 'Session ID unknown' }));
}

/** socket.io's default maxHttpBufferSize: the owner refuses larger polling payloads anyway. */
const MAX_RELAYED_BODY_BYTES = 1_000_000;

function relayRequest(
  request: IncomingMessage,
  response: ServerResponse,
  socketPath: string,
): void {
  void readBody(request).then((body) => {
    if (body === undefined) {
      response.writeHead(413, { connection: 'close' });
      response.end();
      return;
    }
    const upstream = requestTo(socketPath, request, body.length, (reply) => {
      response.writeHead(reply.statusCode ?? 502, { ...reply.headers, connection: 'close' });
      reply.pipe(response);
    });
    upstream.on('error', (error) => {
      logger.warn(`relaying ${request.method} ${request.url} failed: ${error.message}`);
      if (!response.headersSent) unknownSession(response);
      else response.destroy();
    });
    // A long-poll the client gives up on must not stay open on the owner.
    response.on('close', () => upstream.destroy());
    // Head and body in one write: the owner answers and closes as soon as it has the body, and a
    // later write (a piped end) would then fail with EPIPE before the reply is read.
    upstream.end(body);
  });
}

/** The whole request body (polling payloads are small); undefined when it is too large. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RELAYED_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size <= MAX_RELAYED_BODY_BYTES ? Buffer.concat(chunks) : undefined),
    );
    request.on('error', () => resolve(undefined));
  });
}

/** The same request to the owner's Unix socket, with the body read in full (`bodyLength`). */
function requestTo(
  socketPath: string,
  original: IncomingMessage,
  bodyLength: number,
  onReply: (reply: IncomingMessage) => void,
) {
  const forwardedFor = [original.headers['x-forwarded-for'], original.socket.remoteAddress]
    .filter((part) => part)
    .join(', ');
  const headers: OutgoingHttpHeaders = {
    ...original.headers,
    'x-forwarded-for': forwardedFor,
    'content-length': String(bodyLength),
    connection: 'close',
  };
  delete headers['transfer-encoding'];
  return request({ socketPath, method: original.method, path: original.url, headers }, onReply);
}

/** A websocket upgrade is tunnelled byte for byte: the head is rebuilt from the parsed request. */
function relayUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  socketPath: string,
): void {
  const tunnel = connect(socketPath, () => {
    const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
    for (let index = 0; index < request.rawHeaders.length; index += 2) {
      lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
    }
    tunnel.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (head.length > 0) tunnel.write(head);
    socket.pipe(tunnel).pipe(socket);
  });
  tunnel.on('error', () => socket.destroy());
  socket.on('error', () => tunnel.destroy());
  socket.on('close', () => tunnel.destroy());
}
