import { Inject, Injectable } from '@nestjs/common';
import { Clock, newId, pageOf, type AuthenticatedUser } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { SharedChatOwnerLookup } from '@atrium/users';
import { titleOf, upsertHistoryMessage } from './chat-history.js';
import type {
  ChatJson,
  ChatListFilter,
  ChatRecord,
  ChatSummary,
  SharedChatSummary,
  TagRecord,
} from './chat.model.js';
import { ChatsRepository } from './chats.repository.js';
import {
  AccessProhibitedError,
  ChatUnavailableError,
  ReservedTagError,
  ResourceNotFoundError,
  type MissingChatAnswer,
} from './chats.errors.js';
import { FoldersRepository } from './folders.repository.js';
import { SharedChatAccessService } from './shared-chat-access.service.js';
import { isReservedTagId, tagIdOf } from './tag-id.js';

export const CHAT_PAGE_SIZE = 60;
export const FOLDER_CHAT_PAGE_SIZE = 10;
export const EXPORT_BATCH_SIZE = 100;

export interface ChatImport {
  chat: ChatJson;
  meta?: Record<string, unknown> | null;
  pinned?: boolean | null;
  folderId?: string | null;
  createdAt?: number | null;
  updatedAt?: number | null;
}

/** What the completion pipeline writes into a finished assistant message. */
export interface FinishedAssistantMessage {
  content: string;
  usage?: Record<string, unknown> | null;
  sources?: unknown[] | null;
  error?: Record<string, unknown> | null;
  /** Any other message fields (model, info, statusHistory...). */
  [field: string]: unknown;
}

/**
 * Chats, tags and shares for their owner. Every method takes the acting user or owner id;
 * someone else's chat is answered exactly like a missing one.
 */
@Injectable()
export class ChatsService implements SharedChatOwnerLookup {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly folders: FoldersRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sharedAccess: SharedChatAccessService,
  ) {}

  // ---- create, read, update, delete ----

  async create(ownerId: string, chat: ChatJson, folderId: string | null): Promise<ChatRecord> {
    if (folderId !== null) await this.requireFolder(ownerId, folderId);
    const now = this.clock.nowSeconds();
    const record: ChatRecord = {
      id: newId(),
      userId: ownerId,
      title: titleOf(chat),
      chat,
      shareId: null,
      archived: false,
      pinned: false,
      folderId,
      meta: {},
      createdAt: now,
      updatedAt: now,
    };
    await this.chats.insert([record], new Map());
    return record;
  }

  async importChats(ownerId: string, items: ChatImport[]): Promise<ChatRecord[]> {
    const now = this.clock.nowSeconds();
    const names = new Map<string, string>();
    const records = items.map((item): ChatRecord => {
      const meta = { ...(item.meta ?? {}) };
      if (Array.isArray(meta.tags)) {
        const tagIds: string[] = [];
        for (const tag of meta.tags) {
          if (typeof tag !== 'string') continue;
          const tagId = tagIdOf(tag);
          if (isReservedTagId(tagId) || tagIds.includes(tagId)) continue;
          tagIds.push(tagId);
          if (!names.has(tagId)) names.set(tagId, tag);
        }
        meta.tags = tagIds;
      }
      return {
        id: newId(),
        userId: ownerId,
        title: titleOf(item.chat),
        chat: item.chat,
        shareId: null,
        archived: false,
        pinned: item.pinned ?? false,
        folderId: item.folderId ?? null,
        meta,
        createdAt: item.createdAt ?? now,
        updatedAt: item.updatedAt ?? now,
      };
    });
    for (const folderId of new Set(records.map((record) => record.folderId))) {
      if (folderId === null) continue;
      if (!(await this.folders.findOwned(ownerId, folderId))) {
        for (const record of records) if (record.folderId === folderId) record.folderId = null;
      }
    }
    await this.chats.insert(records, names);
    return records;
  }

  /**
   * GET /{id}: the owner's chat; any chat for an admin with admin chat access; for others, a
   * chat whose `shared_chat` grants let them read it ([N]).
   */
  async getForReader(caller: AuthenticatedUser, id: string): Promise<ChatRecord> {
    const own = await this.chats.findOwned(caller.id, id);
    if (own) return own;
    if (this.adminChatAccess(caller) || (await this.sharedAccess.canRead(caller, id))) {
      const any = await this.chats.findForAdmin(id);
      if (any) return any;
    }
    throw new ChatUnavailableError('not-found');
  }

  /** POST /{id}: shallow merge of the chat JSON; the title follows chat.title. */
  async update(ownerId: string, id: string, changes: ChatJson): Promise<ChatRecord> {
    const chat = await this.requireOwned(ownerId, id, 'prohibited');
    const merged = { ...chat.chat, ...changes };
    return this.save(ownerId, id, { chat: merged, title: titleOf(merged) });
  }

  /** POST /{id}/messages/{message_id}: owner (or admin) replaces one message's content. */
  async updateMessageContent(
    caller: AuthenticatedUser,
    id: string,
    messageId: string,
    content: string,
  ): Promise<ChatRecord> {
    const chat = await this.messageTarget(caller, id);
    const next = upsertHistoryMessage(chat.chat, messageId, { content });
    return this.save(chat.userId, id, { chat: next, title: titleOf(next) });
  }

  /** The chat whose messages the caller may change or send events for: own, or any for an admin. */
  async messageTarget(caller: AuthenticatedUser, id: string): Promise<ChatRecord> {
    let chat = await this.chats.findOwned(caller.id, id);
    if (!chat && caller.role === 'admin') chat = await this.chats.findForAdmin(id);
    if (!chat) throw new ChatUnavailableError('prohibited');
    return chat;
  }

  /**
   * Writes a finished assistant message into the owner's chat history, once, when generation
   * ends (never per token). The message is marked done. A chat the owner does not have is 404.
   */
  async saveAssistantMessage(
    ownerId: string,
    chatId: string,
    messageId: string,
    message: FinishedAssistantMessage,
  ): Promise<ChatRecord> {
    const chat = await this.chats.findOwned(ownerId, chatId);
    if (!chat) throw new ResourceNotFoundError();
    const fields: Record<string, unknown> = { role: 'assistant', done: true };
    for (const [key, value] of Object.entries(message)) {
      if (value !== undefined) fields[key] = value;
    }
    const next = upsertHistoryMessage(chat.chat, messageId, fields);
    return this.save(ownerId, chatId, { chat: next });
  }

  async delete(caller: AuthenticatedUser, id: string): Promise<boolean> {
    const chat =
      (await this.chats.findOwned(caller.id, id)) ??
      (caller.role === 'admin' ? await this.chats.findForAdmin(id) : null);
    if (!chat) throw new ChatUnavailableError('not-found-404');
    const deleted = await this.chats.deleteOwned(chat.userId, id);
    await this.sharedAccess.clear([id]);
    await this.deleteOrphanTags(chat.userId, tagIdsOf(chat.meta));
    return deleted;
  }

  async deleteAll(ownerId: string): Promise<boolean> {
    await this.sharedAccess.clear(await this.chats.listIds(ownerId));
    await this.chats.deleteAllOwned(ownerId);
    for (const tag of await this.chats.listTags(ownerId)) {
      await this.chats.deleteTag(ownerId, tag.id);
    }
    return true;
  }

  // ---- lists ----

  list(
    ownerId: string,
    page: number | undefined,
    includePinned: boolean,
    includeFolders: boolean,
  ): Promise<ChatSummary[]> {
    return this.chats.listSummaries(ownerId, {
      includePinned,
      includeFolders,
      includeArchived: false,
      page: pageOf(page, CHAT_PAGE_SIZE),
    });
  }

  /** GET /list/user/{user_id}: admins with admin chat access only. */
  listForAdmin(
    caller: AuthenticatedUser,
    userId: string,
    page: number | undefined,
    filter: ChatListFilter,
  ): Promise<ChatSummary[]> {
    if (!this.adminChatAccess(caller)) throw new AccessProhibitedError();
    return this.chats.listSummaries(userId, {
      includePinned: true,
      includeFolders: true,
      includeArchived: true,
      page: pageOf(page ?? 1, CHAT_PAGE_SIZE),
      filter,
    });
  }

  listPinned(ownerId: string): Promise<ChatSummary[]> {
    return this.chats.listPinned(ownerId);
  }

  listArchived(
    ownerId: string,
    page: number | undefined,
    filter: ChatListFilter,
  ): Promise<ChatSummary[]> {
    return this.chats.listArchived(ownerId, filter, pageOf(page ?? 1, CHAT_PAGE_SIZE)!);
  }

  async listAllArchived(ownerId: string): Promise<ChatRecord[]> {
    return this.collect((page) => this.chats.listFull(ownerId, page, { archivedOnly: true }));
  }

  /** Every chat of the owner, a batch at a time (the NDJSON export streams these). */
  async *streamAll(ownerId: string): AsyncGenerator<ChatRecord> {
    for (let offset = 0; ; offset += EXPORT_BATCH_SIZE) {
      const batch = await this.chats.listFull(ownerId, { offset, limit: EXPORT_BATCH_SIZE });
      yield* batch;
      if (batch.length < EXPORT_BATCH_SIZE) return;
    }
  }

  listEveryChat(): Promise<ChatRecord[]> {
    if (!this.config.chats.enableAdminExport) throw new AccessProhibitedError();
    return this.chats.listEveryChatForAdmin();
  }

  listShared(
    ownerId: string,
    page: number | undefined,
    filter: ChatListFilter,
  ): Promise<SharedChatSummary[]> {
    return this.chats.listShared(ownerId, filter, pageOf(page ?? 1, CHAT_PAGE_SIZE)!);
  }

  /** `text` with Open WebUI's `tag:<name>` words; a tag searched alone and found nowhere is removed. */
  async search(ownerId: string, text: string, page: number | undefined): Promise<ChatSummary[]> {
    const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const tagIds = words.filter((word) => word.startsWith('tag:')).map((word) => word.slice(4));
    const phrase = words.filter((word) => !word.startsWith('tag:')).join(' ');
    const effectivePage = page ?? 1;
    const found = await this.chats.search(
      ownerId,
      { text: phrase, tagIds: tagIds.filter(Boolean) },
      pageOf(effectivePage, CHAT_PAGE_SIZE)!,
    );
    if (effectivePage === 1 && words.length === 1 && tagIds.length === 1 && found.length === 0) {
      await this.deleteOrphanTags(ownerId, tagIds);
    }
    return found;
  }

  async listInFolderTree(ownerId: string, folderId: string): Promise<ChatRecord[]> {
    const all = await this.folders.listOwned(ownerId);
    return this.chats.listFullInFolders(ownerId, [folderId, ...descendantIds(all, folderId)]);
  }

  listInFolder(
    ownerId: string,
    folderId: string,
    page: number | undefined,
  ): Promise<ChatSummary[]> {
    return this.chats.listSummariesInFolder(
      ownerId,
      folderId,
      pageOf(page ?? 1, FOLDER_CHAT_PAGE_SIZE),
    );
  }

  // ---- flags ----

  async isPinned(ownerId: string, id: string): Promise<boolean> {
    return (await this.requireOwned(ownerId, id, 'default')).pinned;
  }

  async togglePinned(ownerId: string, id: string): Promise<ChatRecord> {
    const chat = await this.requireOwned(ownerId, id, 'default');
    return this.save(ownerId, id, { pinned: !chat.pinned });
  }

  async toggleArchived(ownerId: string, id: string): Promise<ChatRecord> {
    const chat = await this.requireOwned(ownerId, id, 'default');
    return this.save(ownerId, id, { archived: !chat.archived });
  }

  async setArchivedForAll(ownerId: string, archived: boolean): Promise<boolean> {
    await this.chats.setArchivedForAll(ownerId, archived, this.clock.nowSeconds());
    return true;
  }

  async clone(ownerId: string, id: string, title: string | undefined): Promise<ChatRecord> {
    const chat = await this.requireOwned(ownerId, id, 'default');
    const history = chat.chat.history as { currentId?: unknown } | undefined;
    const [copy] = await this.importChats(ownerId, [
      {
        chat: {
          ...chat.chat,
          originalChatId: chat.id,
          branchPointMessageId: history?.currentId ?? null,
          title: title ? title : `Clone of ${chat.title}`,
        },
        meta: chat.meta,
        pinned: chat.pinned,
        folderId: chat.folderId,
      },
    ]);
    return copy;
  }

  async moveToFolder(ownerId: string, id: string, folderId: string | null): Promise<ChatRecord> {
    await this.requireOwned(ownerId, id, 'default');
    if (folderId !== null) await this.requireFolder(ownerId, folderId);
    return this.save(ownerId, id, { folderId });
  }

  // ---- shares ----

  /** Snapshots the chat under a share id (a new one, or the existing one re-snapshotted). */
  async share(ownerId: string, id: string): Promise<ChatRecord> {
    const chat = await this.requireOwned(ownerId, id, 'prohibited');
    await this.chats.upsertShare(
      ownerId,
      { id: newId(), chatId: id, title: chat.title, chat: chat.chat },
      chat.meta,
      this.clock.nowSeconds(),
    );
    return this.requireOwned(ownerId, id, 'prohibited');
  }

  async unshare(ownerId: string, id: string): Promise<boolean> {
    const chat = await this.requireOwned(ownerId, id, 'prohibited');
    if (!chat.shareId) return false;
    await this.chats.deleteShare(ownerId, id);
    await this.sharedAccess.clear([id]);
    return true;
  }

  /** GET /shared/{id}/access: the chat's grants (its owner, or any admin). */
  async sharedAccessGrants(caller: AuthenticatedUser, chatId: string) {
    await this.requireOwnedOrAdmin(caller, chatId);
    return this.sharedAccess.grantsOf(chatId);
  }

  /** POST /shared/{id}/access/update: replaces the chat's grants (its owner, or any admin). */
  async updateSharedAccess(
    caller: AuthenticatedUser,
    chatId: string,
    grants: unknown[],
  ): Promise<ChatRecord> {
    const chat = await this.requireOwnedOrAdmin(caller, chatId);
    await this.sharedAccess.replace(caller, chatId, grants);
    return chat;
  }

  /**
   * A shared snapshot by its share id, as Open WebUI's share links show it: the id is the share
   * id and user_id is "shared-<chat id>" (resolved by /api/v1/users/shared-<chat id>). Besides
   * the owner, only holders of a `shared_chat` read grant on the chat may open it ([N]); admins
   * with admin chat access pass (any admin when cloning) and may also pass a chat id.
   */
  async getShared(
    caller: AuthenticatedUser,
    shareId: string,
    purpose: 'read' | 'clone' = 'read',
  ): Promise<ChatRecord> {
    const share = await this.chats.findShare(shareId);
    if (share) {
      const { chatId, ...record } = share;
      const adminPasses =
        purpose === 'clone' ? caller.role === 'admin' : this.adminChatAccess(caller);
      if (
        share.userId !== caller.id &&
        !adminPasses &&
        !(await this.sharedAccess.canRead(caller, chatId))
      )
        throw new AccessProhibitedError();
      return { ...record, userId: `shared-${chatId}` };
    }
    if (this.adminChatAccess(caller)) {
      const chat = await this.chats.findForAdmin(shareId);
      if (chat) return chat;
    }
    throw new ChatUnavailableError('not-found');
  }

  /** POST /{share_id}/clone/shared: the caller's own copy of a shared snapshot. */
  async cloneShared(caller: AuthenticatedUser, shareId: string): Promise<ChatRecord> {
    const shared = await this.getShared(caller, shareId, 'clone');
    const history = shared.chat.history as { currentId?: unknown } | undefined;
    const [copy] = await this.importChats(caller.id, [
      {
        chat: {
          ...shared.chat,
          originalChatId: shared.id,
          branchPointMessageId: history?.currentId ?? null,
          title: `Clone of ${shared.title}`,
        },
        meta: shared.meta,
        pinned: false,
        folderId: null,
      },
    ]);
    return copy;
  }

  findSharedChatOwnerId(chatId: string): Promise<string | null> {
    return this.chats.findSharedChatOwnerId(chatId);
  }

  // ---- tags ----

  listTags(ownerId: string): Promise<TagRecord[]> {
    return this.chats.listTags(ownerId);
  }

  async listByTag(
    ownerId: string,
    name: string,
    skip: number,
    limit: number,
  ): Promise<ChatSummary[]> {
    const tagId = tagIdOf(name);
    const chats = await this.chats.listByTag(ownerId, tagId, skip, limit);
    if (chats.length === 0) await this.deleteOrphanTags(ownerId, [tagId]);
    return chats;
  }

  async getChatTags(ownerId: string, id: string): Promise<TagRecord[]> {
    const chat = await this.requireOwned(ownerId, id, 'not-found');
    return this.chats.findTags(ownerId, tagIdsOf(chat.meta));
  }

  async addChatTag(ownerId: string, id: string, name: string): Promise<TagRecord[]> {
    const chat = await this.requireOwned(ownerId, id, 'default');
    const tagId = tagIdOf(name);
    if (isReservedTagId(tagId)) throw new ReservedTagError();
    const tagIds = tagIdsOf(chat.meta);
    if (!tagIds.includes(tagId)) {
      tagIds.push(tagId);
      await this.chats.setChatTags(
        ownerId,
        id,
        { ...chat.meta, tags: tagIds },
        new Map([[tagId, name]]),
        this.clock.nowSeconds(),
      );
    }
    return this.chats.findTags(ownerId, tagIds);
  }

  /** DELETE /{id}/tags/all ([L]): the chat loses every tag; tags left on no chat are removed. */
  async removeAllChatTags(ownerId: string, id: string): Promise<boolean> {
    const chat = await this.requireOwned(ownerId, id, 'not-found');
    const tagIds = tagIdsOf(chat.meta);
    await this.chats.setChatTags(
      ownerId,
      id,
      { ...chat.meta, tags: [] },
      new Map(),
      this.clock.nowSeconds(),
    );
    await this.deleteOrphanTags(ownerId, tagIds);
    return true;
  }

  async removeChatTag(ownerId: string, id: string, name: string): Promise<TagRecord[]> {
    const chat = await this.requireOwned(ownerId, id, 'not-found');
    const tagId = tagIdOf(name);
    const tagIds = tagIdsOf(chat.meta).filter((existing) => existing !== tagId);
    await this.chats.setChatTags(
      ownerId,
      id,
      { ...chat.meta, tags: tagIds },
      new Map(),
      this.clock.nowSeconds(),
    );
    await this.deleteOrphanTags(ownerId, [tagId]);
    return this.chats.findTags(ownerId, tagIds);
  }

  // ---- helpers ----

  private adminChatAccess(caller: AuthenticatedUser): boolean {
    return caller.role === 'admin' && this.config.chats.enableAdminChatAccess;
  }

  private async requireOwned(
    ownerId: string,
    id: string,
    answer: MissingChatAnswer,
  ): Promise<ChatRecord> {
    const chat = await this.chats.findOwned(ownerId, id);
    if (!chat) throw new ChatUnavailableError(answer);
    return chat;
  }

  /** The owner's chat, or for an admin any chat; 404 otherwise (the shared-access routes). */
  private async requireOwnedOrAdmin(caller: AuthenticatedUser, id: string): Promise<ChatRecord> {
    const chat =
      caller.role === 'admin'
        ? await this.chats.findForAdmin(id)
        : await this.chats.findOwned(caller.id, id);
    if (!chat) throw new ResourceNotFoundError();
    return chat;
  }

  private async requireFolder(ownerId: string, folderId: string): Promise<void> {
    if (!(await this.folders.findOwned(ownerId, folderId))) throw new ResourceNotFoundError();
  }

  private async save(
    ownerId: string,
    id: string,
    changes: Parameters<ChatsRepository['update']>[2],
  ): Promise<ChatRecord> {
    const saved = await this.chats.update(ownerId, id, {
      ...changes,
      updatedAt: this.clock.nowSeconds(),
    });
    if (!saved) throw new ChatUnavailableError('default');
    return saved;
  }

  private async deleteOrphanTags(ownerId: string, tagIds: string[]): Promise<void> {
    for (const tagId of tagIds) {
      if ((await this.chats.countChatsWithTag(ownerId, tagId)) === 0) {
        await this.chats.deleteTag(ownerId, tagId);
      }
    }
  }

  private async collect(
    fetch: (page: { offset: number; limit: number }) => Promise<ChatRecord[]>,
  ): Promise<ChatRecord[]> {
    const all: ChatRecord[] = [];
    for (let offset = 0; ; offset += EXPORT_BATCH_SIZE) {
      const batch = await fetch({ offset, limit: EXPORT_BATCH_SIZE });
      all.push(...batch);
      if (batch.length < EXPORT_BATCH_SIZE) return all;
    }
  }
}

export function tagIdsOf(meta: Record<string, unknown> | null | undefined): string[] {
  const tags = meta?.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** Ids of every folder below `rootId` (children, grandchildren...). */
export function descendantIds(folders: { id: string; parentId: string | null }[], rootId: string) {
  const result: string[] = [];
  const queue = [rootId];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const folder of folders) {
      if (folder.parentId === parent && !seen.has(folder.id)) {
        seen.add(folder.id);
        result.push(folder.id);
        queue.push(folder.id);
      }
    }
  }
  return result;
}
