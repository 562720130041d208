export * from './chats.module.js';
export { ChatsService, type FinishedAssistantMessage, type ChatImport } from './chats.service.js';
export type { ChatJson, ChatRecord, ChatSummary, TagRecord, FolderRecord } from './chat.model.js';
export { tagIdOf, isReservedTagId } from './tag-id.js';

import {
  ChatEntity,
  ChatSearchEntity,
  ChatTagEntity,
  SharedChatEntity,
  TagEntity,
} from './chat.entity.js';
import { FolderEntity } from './folder.entity.js';

// Entities this library persists (registered with the DataSource by the app).
export const CHATS_ENTITIES = [
  ChatEntity,
  ChatSearchEntity,
  TagEntity,
  ChatTagEntity,
  SharedChatEntity,
  FolderEntity,
];
