/**
 * Typed server -> client socket.io events (Open WebUI's names and shapes, reference §6).
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

export interface ServerToClientEvents {
  events: (payload: ChatEventEnvelope) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
