import { Injectable, Logger } from '@nestjs/common';
import type { Role } from '@atrium/common';

/** What happened to a user, for the parts of Atrium that hold per-user state (sockets, caches, chats). */
export interface UserEvents {
  /** The role changed: realtime drops the user's sockets so cached privileges go away. */
  userRoleChanged: { userId: string; previousRole: Role; role: Role };
  /** The email changed: credential stores keyed by email follow it. */
  userEmailChanged: { userId: string; previousEmail: string; email: string };
  /** The user is gone: their sockets close and their data goes with them. */
  userDeleted: { userId: string };
}

export type UserEventName = keyof UserEvents;
export type UserEventListener<K extends UserEventName> = (
  payload: UserEvents[K],
) => void | Promise<void>;

/**
 * A small typed event bus for user changes, local to this process. Listeners run in the order
 * they subscribed and are awaited, so work they do (closing sockets, syncing credentials) is
 * finished when the request that caused the event answers. A failing listener is logged and
 * does not fail the change or stop the other listeners.
 */
@Injectable()
export class UserEventsService {
  private readonly logger = new Logger('UserEvents');
  private readonly listeners: { [K in UserEventName]: Set<UserEventListener<K>> } = {
    userRoleChanged: new Set(),
    userEmailChanged: new Set(),
    userDeleted: new Set(),
  };

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends UserEventName>(event: K, listener: UserEventListener<K>): () => void {
    const set = this.listeners[event] as Set<UserEventListener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  onUserRoleChanged(listener: UserEventListener<'userRoleChanged'>): () => void {
    return this.on('userRoleChanged', listener);
  }

  onUserEmailChanged(listener: UserEventListener<'userEmailChanged'>): () => void {
    return this.on('userEmailChanged', listener);
  }

  onUserDeleted(listener: UserEventListener<'userDeleted'>): () => void {
    return this.on('userDeleted', listener);
  }

  async emit<K extends UserEventName>(event: K, payload: UserEvents[K]): Promise<void> {
    for (const listener of [...(this.listeners[event] as Set<UserEventListener<K>>)]) {
      try {
        await listener(payload);
      } catch (error) {
        this.logger.error(
          `a ${event} listener failed for user ${payload.userId}`,
          error instanceof Error ? error.stack : String(error),
        );
      }
    }
  }
}
