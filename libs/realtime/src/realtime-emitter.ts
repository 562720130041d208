import { Injectable, Logger, Optional } from '@nestjs/common';
import type { ServerEventName, ServerEventPayload } from './server-events.js';
import { SocketServerRef, userRoom } from './socket-server.ref.js';

/**
 * The one way services send events to connected clients. Emits reach every socket of the user
 * on every instance (room `user:{id}`, through the Redis adapter when WEBSOCKET_MANAGER=redis;
 * this instance only while Redis is down). Fire-and-forget: never throws, never waits.
 */
@Injectable()
export class RealtimeEmitter {
  private readonly logger = new Logger('RealtimeEmitter');

  /** Without a ref (`new RealtimeEmitter()` in unit tests) every emit is a no-op. */
  constructor(@Optional() private readonly ref?: SocketServerRef) {}

  emitToUser<E extends ServerEventName>(
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    const server = this.ref?.server;
    if (!server) return;
    try {
      // socket.io's typed emit cannot follow the generic E; the signature above keeps callers typed.
      (server.to(userRoom(userId)).emit as (name: string, data: unknown) => boolean)(
        event,
        payload,
      );
    } catch (error) {
      this.logger.warn(`emit of ${event} to ${userId} failed: ${(error as Error).message}`);
    }
  }
}
