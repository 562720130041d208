import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './server-events.js';

export type AtriumSocketServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** The socket.io server once the gateway is initialised (absent in apps built without it). */
@Injectable()
export class SocketServerRef {
  server?: AtriumSocketServer;
}

/** The room every socket of a user joins once authenticated. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
