/** Plain records the chats library passes around (no ORM types outside the repositories). */
export type ChatJson = Record<string, unknown>;

export interface ChatRecord {
  id: string;
  userId: string;
  title: string;
  chat: ChatJson;
  shareId: string | null;
  archived: boolean;
  pinned: boolean;
  folderId: string | null;
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** The light list entry: no chat JSON. */
export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: number;
  createdAt: number;
}

export interface SharedChatSummary extends ChatSummary {
  shareId: string;
}

export interface TagRecord {
  id: string;
  name: string;
  userId: string;
  meta: Record<string, unknown> | null;
}

export interface FolderRecord {
  id: string;
  parentId: string | null;
  userId: string;
  name: string;
  items: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
  isExpanded: boolean;
  createdAt: number;
  updatedAt: number;
}

export type ChatOrderColumn = 'title' | 'updated_at' | 'created_at';

export interface ChatListFilter {
  /** Substring of the title (case-insensitive). */
  query?: string;
  orderBy?: ChatOrderColumn;
  direction?: 'asc' | 'desc';
}

export interface ChatSearch {
  /** Lowercased phrase to find in titles and message text; empty matches everything. */
  text: string;
  /** Tag ids the chat must all carry. */
  tagIds: string[];
}
