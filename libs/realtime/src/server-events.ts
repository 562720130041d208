/**
 * Typed socket.io events (Open WebUI's names and shapes, reference §6).
 * Services emit through RealtimeEmitter with these names; nothing touches the raw server.
 */
export interface ChatEventData {
  /** e.g. "chat:completion", "chat:message:error", "chat:title", "chat:tags". */
  type: string;
  data: unknown;
}

export interface ChatEventEnvelope {
  chat_id: string;
  message_id: string;
  data: ChatEventData;
}

/** Server -> client. */
export interface ServerToClientEvents {
  events: (payload: ChatEventEnvelope) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** The ack of `user-join`: who the socket now belongs to (nothing when the token is refused). */
export interface UserJoinAck {
  id: string;
  name: string;
}

/** Client -> server; payloads are untrusted and checked by the gateway. */
export interface ClientToServerEvents {
  'user-join': (payload: unknown, ack?: (user?: UserJoinAck) => void) => void;
  heartbeat: (payload?: unknown) => void;
  usage: (payload: unknown) => void;
}

/** What the gateway keeps on each socket once authenticated. */
export interface SocketData {
  user?: { id: string; name: string; role: string };
}
