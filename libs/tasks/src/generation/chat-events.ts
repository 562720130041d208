import { RealtimeEmitter } from '@atrium/realtime';
import type { ChatTask } from './chat-task.js';

/** Open WebUI's `events` to the task owner's sockets, addressed to the task's chat message. */
export function chatEventsOf(emitter: RealtimeEmitter, task: ChatTask) {
  return (type: string, data: unknown): void => {
    emitter.emitToUser(task.user.id, 'events', {
      chat_id: task.chatId,
      message_id: task.messageId,
      data: { type, data },
    });
  };
}

export type ChatEventSender = ReturnType<typeof chatEventsOf>;
