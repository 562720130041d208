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

/**
 * `chat:active` (sidebar spinner): true with the chat's folder when its tasks start, false when
 * the last one ends, as Open WebUI's chat handler sends it.
 */
export function sendChatActivity(
  emitter: RealtimeEmitter,
  target: { userId: string; chatId: string; messageId: string },
  activity: { active: true; folder_id: string | null } | { active: false },
): void {
  emitter.emitToUser(target.userId, 'events', {
    chat_id: target.chatId,
    message_id: target.messageId,
    data: { type: 'chat:active', data: activity },
  });
}
