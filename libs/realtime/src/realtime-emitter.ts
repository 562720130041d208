import { Injectable } from '@nestjs/common';
import type { ServerEventName, ServerEventPayload } from './server-events.js';

/**
 * The one way services send events to connected clients. Emits reach every socket of the user
 * on every instance (room `user:{id}`, through the Redis adapter when configured).
 * SCAFFOLD: the realtime helper implements this on top of the socket.io server.
 */
@Injectable()
export class RealtimeEmitter {
  emitToUser<E extends ServerEventName>(
    _userId: string,
    _event: E,
    _payload: ServerEventPayload<E>,
  ): void {
    // Implemented by the realtime gateway (issue 5).
  }
}
