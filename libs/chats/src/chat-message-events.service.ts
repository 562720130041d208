import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import { RealtimeEmitter } from '@atrium/realtime';
import type { ChatRecord } from './chat.model.js';
import { ChatsService } from './chats.service.js';

/**
 * Message edits and events that reach the chat owner's open tabs over socket.io (`events`),
 * as Open WebUI's /{id}/messages/{message_id}[/event] routes do.
 */
@Injectable()
export class ChatMessageEventsService {
  constructor(
    private readonly chats: ChatsService,
    private readonly realtime: RealtimeEmitter,
  ) {}

  /** POST /{id}/messages/{message_id}: saves the content, then tells the owner (`chat:message`). */
  async updateContent(
    caller: AuthenticatedUser,
    chatId: string,
    messageId: string,
    content: string,
  ): Promise<ChatRecord> {
    const chat = await this.chats.updateMessageContent(caller, chatId, messageId, content);
    this.realtime.emitToUser(chat.userId, 'events', {
      chat_id: chatId,
      message_id: messageId,
      data: { type: 'chat:message', data: { chat_id: chatId, message_id: messageId, content } },
    });
    return chat;
  }

  /** POST /{id}/messages/{message_id}/event: relays `{type, data}` to the owner's sockets. */
  async relay(
    caller: AuthenticatedUser,
    chatId: string,
    messageId: string,
    event: { type: string; data: Record<string, unknown> },
  ): Promise<true> {
    const chat = await this.chats.messageTarget(caller, chatId);
    this.realtime.emitToUser(chat.userId, 'events', {
      chat_id: chatId,
      message_id: messageId,
      data: { type: event.type, data: event.data },
    });
    return true;
  }
}
