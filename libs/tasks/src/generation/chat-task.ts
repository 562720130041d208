import type { AuthenticatedUser } from '@atrium/common';

/** Which background tasks the request asked for (`background_tasks`). */
export interface BackgroundTaskRequest {
  title: boolean;
  tags: boolean;
  followUps: boolean;
}

/** One generation run as a task: one model's reply into one assistant message. */
export interface ChatTask {
  id: string;
  user: AuthenticatedUser;
  chatId: string;
  messageId: string;
  model: string;
  /** The request body to relay (Open WebUI fields are dropped by the relay). */
  body: Record<string, unknown>;
  /** Upstream deltas per `chat:completion` emit. */
  chunkSize: number;
  background: BackgroundTaskRequest;
  /** False for temporary chats (`local:<sid>`): nothing is saved. */
  persist: boolean;
}
