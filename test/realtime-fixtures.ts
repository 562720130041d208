/** Helpers for the realtime e2e suites: real socket.io-client sockets against booted apps. */
import { io, type Socket } from 'socket.io-client';
import type { INestApplication } from '@nestjs/common';
import { RealtimeEmitter } from '@atrium/realtime';

export const SOCKET_PATH = '/ws/socket.io';

export interface ConnectOptions {
  token?: string;
  transports?: ('websocket' | 'polling')[];
  /** Handshake headers (Node clients send them on the websocket upgrade too). */
  headers?: Record<string, string>;
}

/** Connects and resolves on "connect" (rejects on connect_error); reconnection off. */
export function connectSocket(url: string, options: ConnectOptions = {}): Promise<Socket> {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: options.transports ?? ['websocket'],
    auth: options.token === undefined ? {} : { token: options.token },
    reconnection: false,
    forceNew: true,
    extraHeaders: options.headers,
    timeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Everything a socket receives on `event`, in order. */
export function collect<T = unknown>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** Resolves with the next `event` payload, or rejects after `ms`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves when the socket is disconnected by the server, or rejects after `ms`. */
export function disconnected(socket: Socket, ms = 5000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Sends a chat event the way services do: through the app's RealtimeEmitter. */
export function emitChatEvent(app: INestApplication, userId: string, content: string): void {
  app.get(RealtimeEmitter).emitToUser(userId, 'events', {
    chat_id: 'chat-1',
    message_id: 'message-1',
    data: { type: 'chat:completion', data: { content } },
  });
}

export function closeAll(sockets: Socket[]): void {
  for (const socket of sockets.splice(0)) socket.close();
}
