import type {
  ChatRecord,
  ChatSummary,
  FolderRecord,
  SharedChatSummary,
  TagRecord,
} from '../chat.model.js';
import type { StoredAccessGrant } from '@atrium/models';
import type { FolderWithChats } from '../folders.service.js';

/** Open WebUI's ChatResponse. */
export interface ChatResponse {
  id: string;
  user_id: string;
  title: string;
  chat: Record<string, unknown>;
  updated_at: number;
  created_at: number;
  share_id: string | null;
  archived: boolean;
  pinned: boolean;
  meta: Record<string, unknown>;
  folder_id: string | null;
}

/** Open WebUI's ChatTitleIdResponse (the light list). */
export interface ChatTitleIdResponse {
  id: string;
  title: string;
  updated_at: number;
  created_at: number;
}

/** [N] SharedChatResponse: `id` is the chat id, `share_id` the link's id. */
export interface SharedChatResponse extends ChatTitleIdResponse {
  chat_id: string;
  share_id: string;
}

export interface TagResponse {
  id: string;
  name: string;
  user_id: string;
  meta: Record<string, unknown> | null;
}

export interface FolderResponse {
  id: string;
  parent_id: string | null;
  user_id: string;
  name: string;
  items: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
  is_expanded: boolean;
  created_at: number;
  updated_at: number;
}

export function toChatResponse(chat: ChatRecord): ChatResponse {
  return {
    id: chat.id,
    user_id: chat.userId,
    title: chat.title,
    chat: chat.chat,
    updated_at: chat.updatedAt,
    created_at: chat.createdAt,
    share_id: chat.shareId,
    archived: chat.archived,
    pinned: chat.pinned,
    meta: chat.meta,
    folder_id: chat.folderId,
  };
}

export function toChatTitleIdResponse(chat: ChatSummary): ChatTitleIdResponse {
  return { id: chat.id, title: chat.title, updated_at: chat.updatedAt, created_at: chat.createdAt };
}

export function toSharedChatResponse(chat: SharedChatSummary): SharedChatResponse {
  return { ...toChatTitleIdResponse(chat), chat_id: chat.id, share_id: chat.shareId };
}

export function toTagResponse(tag: TagRecord): TagResponse {
  return { id: tag.id, name: tag.name, user_id: tag.userId, meta: tag.meta };
}

export function toFolderResponse(folder: FolderRecord): FolderResponse {
  return {
    id: folder.id,
    parent_id: folder.parentId,
    user_id: folder.userId,
    name: folder.name,
    items: folder.items,
    meta: folder.meta,
    data: folder.data,
    is_expanded: folder.isExpanded,
    created_at: folder.createdAt,
    updated_at: folder.updatedAt,
  };
}

/** GET /api/v1/folders/: each folder with the chats it holds. */
export function toFolderListResponse(folder: FolderWithChats): FolderResponse {
  return {
    ...toFolderResponse(folder),
    items: {
      chats: folder.chats.map((chat) => ({
        id: chat.id,
        title: chat.title,
        updated_at: chat.updatedAt,
      })),
    },
  };
}

/** One entry of GET /shared/{id}/access. */
export interface SharedChatGrantResponse {
  id: string;
  principal_type: string;
  principal_id: string;
  permission: string;
}

export function toSharedChatGrantResponse(grant: StoredAccessGrant): SharedChatGrantResponse {
  return {
    id: grant.id,
    principal_type: grant.principalType,
    principal_id: grant.principalId,
    permission: grant.permission,
  };
}

/** API grant entries (snake_case) in the access-control service's shape; invalid ones are dropped there. */
export function grantsFromApi(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    const { principal_type, principal_id, permission } = entry as Record<string, unknown>;
    return { principalType: principal_type, principalId: principal_id, permission };
  });
}
