import { Inject, Injectable } from '@nestjs/common';
import type { PageRequest } from '@atrium/common';
import {
  Brackets,
  DataSource,
  In,
  type EntityManager,
  type QueryDeepPartialEntity,
  type SelectQueryBuilder,
} from 'typeorm';
import {
  ChatEntity,
  ChatSearchEntity,
  ChatTagEntity,
  SharedChatEntity,
  TagEntity,
} from './chat.entity.js';
import { searchTextOf } from './chat-history.js';
import { gramsQueryOf, searchGramsOf } from './search-grams.js';
import type {
  ChatListFilter,
  ChatRecord,
  ChatSearch,
  ChatSummary,
  SharedChatSummary,
  TagRecord,
} from './chat.model.js';

export type ChatChanges = Partial<
  Pick<ChatRecord, 'title' | 'chat' | 'shareId' | 'archived' | 'pinned' | 'folderId' | 'meta'>
> & { updatedAt?: number };

export interface ChatListOptions {
  includePinned: boolean;
  includeFolders: boolean;
  includeArchived: boolean;
  page?: PageRequest;
  filter?: ChatListFilter;
}

const ORDER_COLUMNS = { title: 'c.title', updated_at: 'c.updatedAt', created_at: 'c.createdAt' };
const SUMMARY_COLUMNS = ['c.id', 'c.title', 'c.updatedAt', 'c.createdAt'];
const IN_CHUNK = 500;

/** LIKE pattern for a substring, with `!` as the escape character (valid on every engine). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (char) => `!${char}`)}%`;
}

/**
 * The only code that touches the chat, chat_search, tag, chat_tag and shared_chat tables.
 * Every read and write of a user's chats takes the owner id; list queries select columns only,
 * never the chat JSON.
 */
@Injectable()
export class ChatsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get chats() {
    return this.dataSource.getRepository(ChatEntity);
  }

  async insert(chats: ChatRecord[], tagNames: Map<string, string>): Promise<void> {
    if (chats.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      for (const chat of chats) {
        await manager.insert(ChatEntity, chat as QueryDeepPartialEntity<ChatEntity>);
        await manager.insert(ChatSearchEntity, this.searchRow(chat.id, chat.userId, chat));
        await this.writeChatTags(manager, chat.userId, chat.id, tagIdsOf(chat.meta), tagNames);
      }
    });
  }

  async findOwned(ownerId: string, id: string): Promise<ChatRecord | null> {
    return toRecord(await this.chats.findOneBy({ id, userId: ownerId }));
  }

  /** Admin chat access only (ENABLE_ADMIN_CHAT_ACCESS): any user's chat. */
  async findForAdmin(id: string): Promise<ChatRecord | null> {
    return toRecord(await this.chats.findOneBy({ id }));
  }

  /** Applies changes to an owned chat; the search text follows a new chat JSON. */
  async update(ownerId: string, id: string, changes: ChatChanges): Promise<ChatRecord | null> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        ChatEntity,
        { id, userId: ownerId },
        changes as QueryDeepPartialEntity<ChatEntity>,
      );
      if (changes.chat !== undefined || changes.title !== undefined) {
        const row = await manager.findOneBy(ChatEntity, { id, userId: ownerId });
        if (row) {
          await manager.upsert(ChatSearchEntity, this.searchRow(id, ownerId, row), ['chatId']);
        }
      }
    });
    return this.findOwned(ownerId, id);
  }

  /** The ids of every chat of the owner. */
  async listIds(ownerId: string): Promise<string[]> {
    const rows = await this.chats.find({ select: { id: true }, where: { userId: ownerId } });
    return rows.map((row) => row.id);
  }

  async countOwned(ownerId: string, updatedAfter?: number): Promise<number> {
    const builder = this.chats.createQueryBuilder('c').where('c.userId = :ownerId', { ownerId });
    if (updatedAfter !== undefined)
      builder.andWhere('c.updatedAt > :updatedAfter', { updatedAfter });
    return builder.getCount();
  }

  async setArchivedForAll(ownerId: string, archived: boolean, now: number): Promise<void> {
    await this.chats.update({ userId: ownerId }, { archived, updatedAt: now });
  }

  async deleteOwned(ownerId: string, id: string): Promise<boolean> {
    await this.deleteDependents(ownerId, [id]);
    const result = await this.chats.delete({ id, userId: ownerId });
    return (result.affected ?? 0) > 0;
  }

  async deleteAllOwned(ownerId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(SharedChatEntity, { userId: ownerId });
      await manager.delete(ChatTagEntity, { userId: ownerId });
      await manager.delete(ChatSearchEntity, { userId: ownerId });
      await manager.delete(ChatEntity, { userId: ownerId });
    });
  }

  /** Deletes the owner's chats in the given folders. */
  async deleteInFolders(ownerId: string, folderIds: string[]): Promise<void> {
    for (const chunk of chunks(folderIds)) {
      const rows = await this.chats.find({
        select: { id: true },
        where: { userId: ownerId, folderId: In(chunk) },
      });
      const ids = rows.map((row) => row.id);
      for (const idChunk of chunks(ids)) {
        await this.deleteDependents(ownerId, idChunk);
        await this.chats.delete({ userId: ownerId, id: In(idChunk) });
      }
    }
  }

  /** The light list, most recently updated first. */
  async listSummaries(ownerId: string, options: ChatListOptions): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId);
    if (!options.includeArchived) builder.andWhere('c.archived = FALSE');
    if (!options.includePinned) builder.andWhere('c.pinned = FALSE');
    if (!options.includeFolders) builder.andWhere('c.folderId IS NULL');
    applyFilter(builder, options.filter);
    applyPage(builder, options.page);
    return (await builder.getMany()).map(toSummary);
  }

  async listPinned(ownerId: string): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId)
      .andWhere('c.pinned = TRUE')
      .andWhere('c.archived = FALSE')
      .orderBy('c.updatedAt', 'DESC')
      .addOrderBy('c.id', 'ASC');
    return (await builder.getMany()).map(toSummary);
  }

  async listArchived(
    ownerId: string,
    filter: ChatListFilter,
    page: PageRequest,
  ): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId).andWhere('c.archived = TRUE');
    applyFilter(builder, filter);
    applyPage(builder, page);
    return (await builder.getMany()).map(toSummary);
  }

  /** Whole chats, newest first, a page at a time (exports). */
  async listFull(
    ownerId: string,
    page: PageRequest,
    scope: { archivedOnly?: boolean; oldestFirst?: boolean; updatedAfter?: number } = {},
  ): Promise<ChatRecord[]> {
    const builder = this.chats.createQueryBuilder('c').where('c.userId = :ownerId', { ownerId });
    if (scope.archivedOnly) builder.andWhere('c.archived = TRUE');
    if (scope.updatedAfter !== undefined)
      builder.andWhere('c.updatedAt > :updatedAfter', { updatedAfter: scope.updatedAfter });
    builder.orderBy('c.updatedAt', scope.oldestFirst ? 'ASC' : 'DESC').addOrderBy('c.id', 'ASC');
    applyPage(builder, page);
    return (await builder.getMany()).map((row) => toRecord(row)!);
  }

  /** Every chat of every user (admin export, ENABLE_ADMIN_EXPORT). */
  async listEveryChatForAdmin(): Promise<ChatRecord[]> {
    const rows = await this.chats.find({ order: { updatedAt: 'DESC', id: 'ASC' } });
    return rows.map((row) => toRecord(row)!);
  }

  async listFullInFolders(ownerId: string, folderIds: string[]): Promise<ChatRecord[]> {
    const records: ChatRecord[] = [];
    for (const chunk of chunks(folderIds)) {
      const rows = await this.chats.find({
        where: { userId: ownerId, folderId: In(chunk) },
        order: { updatedAt: 'DESC', id: 'ASC' },
      });
      records.push(...rows.map((row) => toRecord(row)!));
    }
    return records.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async listSummariesInFolder(
    ownerId: string,
    folderId: string,
    page?: PageRequest,
  ): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId)
      .andWhere('c.folderId = :folderId', { folderId })
      .orderBy('c.updatedAt', 'DESC')
      .addOrderBy('c.id', 'ASC');
    applyPage(builder, page);
    return (await builder.getMany()).map(toSummary);
  }

  /** Title and message-text search with tag filters; archived chats are left out. */
  async search(ownerId: string, search: ChatSearch, page: PageRequest): Promise<ChatSummary[]> {
    if (this.dataSource.options.type === 'postgres' && search.text.length > 0) {
      // Message text is TOASTed, so PostgreSQL's planner thinks a scan of chat_search is cheap
      // and skips the pg_trgm index; a scan really costs a detoast of every body.
      return this.dataSource.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        return this.runSearch(manager, ownerId, search, page);
      });
    }
    return this.runSearch(this.dataSource.manager, ownerId, search, page);
  }

  private async runSearch(
    manager: EntityManager,
    ownerId: string,
    search: ChatSearch,
    page: PageRequest,
  ): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId, manager).andWhere('c.archived = FALSE');
    search.tagIds.forEach((tagId, index) => {
      builder.andWhere(
        `EXISTS (SELECT 1 FROM chat_tag ct${index} WHERE ct${index}.chat_id = c.id AND ct${index}.user_id = :ownerId AND ct${index}.tag_id = :tag${index})`,
        { [`tag${index}`]: tagId },
      );
    });
    if (search.text !== '') {
      const pattern = containsPattern(search.text);
      const grams = gramsQueryOf(search.text);
      builder.andWhere(
        new Brackets((match) => {
          match
            .where("LOWER(c.title) LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere(this.messageTextCondition(search.text, grams), {
              pattern,
              grams,
              phrase: `"${search.text.replace(/"/g, '""')}"`,
            });
        }),
      );
    }
    builder.orderBy('c.updatedAt', 'DESC').addOrderBy('c.id', 'ASC');
    applyPage(builder, page);
    return (await builder.getMany()).map(toSummary);
  }

  async listByTag(
    ownerId: string,
    tagId: string,
    skip: number,
    limit: number,
  ): Promise<ChatSummary[]> {
    const builder = this.summaryQuery(ownerId)
      .innerJoin(ChatTagEntity, 'ct', 'ct.chatId = c.id AND ct.userId = :ownerId', { ownerId })
      .andWhere('ct.tagId = :tagId', { tagId })
      .andWhere('c.archived = FALSE')
      .orderBy('c.updatedAt', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .offset(skip)
      .limit(limit);
    return (await builder.getMany()).map(toSummary);
  }

  // ---- tags ----

  async listTags(ownerId: string): Promise<TagRecord[]> {
    const rows = await this.dataSource
      .getRepository(TagEntity)
      .find({ where: { userId: ownerId }, order: { id: 'ASC' } });
    return rows.map(toTag);
  }

  async findTags(ownerId: string, tagIds: string[]): Promise<TagRecord[]> {
    if (tagIds.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(TagEntity)
      .find({ where: { userId: ownerId, id: In(tagIds) } });
    const byId = new Map(rows.map((row) => [row.id, toTag(row)]));
    return tagIds.map((id) => byId.get(id)).filter((tag): tag is TagRecord => tag !== undefined);
  }

  async findTag(ownerId: string, tagId: string): Promise<TagRecord | null> {
    const row = await this.dataSource
      .getRepository(TagEntity)
      .findOneBy({ userId: ownerId, id: tagId });
    return row ? toTag(row) : null;
  }

  async deleteTag(ownerId: string, tagId: string): Promise<void> {
    await this.dataSource.getRepository(TagEntity).delete({ userId: ownerId, id: tagId });
  }

  async countChatsWithTag(ownerId: string, tagId: string): Promise<number> {
    return this.dataSource.getRepository(ChatTagEntity).countBy({ userId: ownerId, tagId });
  }

  /** Replaces a chat's tags (meta.tags and chat_tag rows), creating missing tag rows. */
  async setChatTags(
    ownerId: string,
    chatId: string,
    meta: Record<string, unknown>,
    tagNames: Map<string, string>,
    now: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(ChatEntity, { id: chatId, userId: ownerId }, {
        meta,
        updatedAt: now,
      } as QueryDeepPartialEntity<ChatEntity>);
      await manager.delete(ChatTagEntity, { chatId, userId: ownerId });
      await this.writeChatTags(manager, ownerId, chatId, tagIdsOf(meta), tagNames);
    });
  }

  // ---- shares ----

  async upsertShare(
    ownerId: string,
    share: { id: string; chatId: string; title: string; chat: Record<string, unknown> },
    meta: Record<string, unknown>,
    now: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(SharedChatEntity, {
        chatId: share.chatId,
        userId: ownerId,
      });
      if (existing) {
        await manager.update(SharedChatEntity, { id: existing.id }, {
          title: share.title,
          chat: share.chat,
          meta,
          updatedAt: now,
        } as QueryDeepPartialEntity<SharedChatEntity>);
      } else {
        await manager.insert(SharedChatEntity, {
          ...share,
          userId: ownerId,
          meta,
          createdAt: now,
          updatedAt: now,
        } as QueryDeepPartialEntity<SharedChatEntity>);
      }
      await manager.update(
        ChatEntity,
        { id: share.chatId, userId: ownerId },
        { shareId: existing?.id ?? share.id },
      );
    });
  }

  async deleteShare(ownerId: string, chatId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(SharedChatEntity, { chatId, userId: ownerId });
      await manager.update(ChatEntity, { id: chatId, userId: ownerId }, { shareId: null });
    });
  }

  /** A shared snapshot by its share id: readable by anyone holding the link. */
  async findShare(shareId: string): Promise<(ChatRecord & { chatId: string }) | null> {
    const row = await this.dataSource.getRepository(SharedChatEntity).findOneBy({ id: shareId });
    if (!row) return null;
    return {
      id: row.id,
      chatId: row.chatId,
      userId: row.userId,
      title: row.title,
      chat: row.chat ?? {},
      shareId: row.id,
      archived: false,
      pinned: false,
      folderId: null,
      meta: row.meta ?? {},
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** The owner of a chat that is currently shared (for /users/shared-<chat_id>). */
  async findSharedChatOwnerId(chatId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(SharedChatEntity)
      .findOne({ select: { userId: true }, where: { chatId } });
    return row?.userId ?? null;
  }

  async listShared(
    ownerId: string,
    filter: ChatListFilter,
    page: PageRequest,
  ): Promise<SharedChatSummary[]> {
    const builder = this.summaryQuery(ownerId)
      .addSelect('c.shareId')
      .andWhere('c.shareId IS NOT NULL');
    applyFilter(builder, filter);
    applyPage(builder, page);
    return (await builder.getMany()).map((row) => ({ ...toSummary(row), shareId: row.shareId! }));
  }

  // ---- helpers ----

  /**
   * Which chats' message text contains the (lowercased) text. SQLite answers from its FTS5
   * trigram index (texts of 3+ characters), PostgreSQL from its pg_trgm index when present;
   * MySQL from its trigram FULLTEXT index (texts of 3+ characters); otherwise the search text
   * is scanned. All match substrings, as Open WebUI's LIKE does.
   */
  private messageTextCondition(text: string, grams: string | undefined): string {
    const type = this.dataSource.options.type;
    if (type === 'better-sqlite3' && [...text].length >= 3) {
      return 'c.id IN (SELECT s.chat_id FROM chat_search s WHERE s.rowid IN (SELECT rowid FROM chat_search_fts WHERE chat_search_fts MATCH :phrase))';
    }
    if (this.isMysql() && grams !== undefined) {
      // The trigram FULLTEXT index narrows the rows; LIKE then checks the substring exactly.
      return "c.id IN (SELECT s.chat_id FROM chat_search s WHERE MATCH(s.grams) AGAINST (:grams IN BOOLEAN MODE) AND s.body LIKE :pattern ESCAPE '!')";
    }
    if (type === 'postgres') {
      // No owner filter inside: it would steer the planner to the user_id index and a scan. The
      // outer c.user_id condition keeps the result to the owner's chats.
      return "c.id IN (SELECT s.chat_id FROM chat_search s WHERE s.body LIKE :pattern ESCAPE '!')";
    }
    return "EXISTS (SELECT 1 FROM chat_search s WHERE s.chat_id = c.id AND s.body LIKE :pattern ESCAPE '!')";
  }

  /** A chat_search row; MySQL also stores the body's trigrams for its FULLTEXT index. */
  private searchRow(
    chatId: string,
    userId: string,
    chat: Pick<ChatRecord, 'chat'>,
  ): Pick<ChatSearchEntity, 'chatId' | 'userId' | 'body' | 'grams'> {
    const body = searchTextOf(chat.chat);
    return { chatId, userId, body, grams: this.isMysql() ? searchGramsOf(body) : null };
  }

  private isMysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  private summaryQuery(
    ownerId: string,
    manager: EntityManager = this.dataSource.manager,
  ): SelectQueryBuilder<ChatEntity> {
    return manager
      .getRepository(ChatEntity)
      .createQueryBuilder('c')
      .select(SUMMARY_COLUMNS)
      .where('c.userId = :ownerId', { ownerId });
  }

  private async deleteDependents(ownerId: string, chatIds: string[]): Promise<void> {
    if (chatIds.length === 0) return;
    await this.dataSource
      .getRepository(ChatTagEntity)
      .delete({ userId: ownerId, chatId: In(chatIds) });
    await this.dataSource
      .getRepository(ChatSearchEntity)
      .delete({ userId: ownerId, chatId: In(chatIds) });
    await this.dataSource
      .getRepository(SharedChatEntity)
      .delete({ userId: ownerId, chatId: In(chatIds) });
  }

  private async writeChatTags(
    manager: EntityManager,
    ownerId: string,
    chatId: string,
    tagIds: string[],
    tagNames: Map<string, string>,
  ): Promise<void> {
    for (const tagId of tagIds) {
      const tag = await manager.findOneBy(TagEntity, { id: tagId, userId: ownerId });
      if (!tag) {
        await manager.insert(TagEntity, {
          id: tagId,
          userId: ownerId,
          name: tagNames.get(tagId) ?? tagId,
          meta: null,
        });
      }
      await manager.insert(ChatTagEntity, { chatId, tagId, userId: ownerId });
    }
  }
}

function tagIdsOf(meta: Record<string, unknown> | null): string[] {
  const tags = meta?.tags;
  if (!Array.isArray(tags)) return [];
  return [...new Set(tags.filter((tag): tag is string => typeof tag === 'string'))];
}

function applyFilter(builder: SelectQueryBuilder<ChatEntity>, filter: ChatListFilter = {}): void {
  if (filter.query) {
    builder.andWhere("LOWER(c.title) LIKE :query ESCAPE '!'", {
      query: containsPattern(filter.query.toLowerCase()),
    });
  }
  const column = ORDER_COLUMNS[filter.orderBy ?? 'updated_at'];
  const direction = filter.direction === 'asc' ? 'ASC' : 'DESC';
  builder.orderBy(column, direction).addOrderBy('c.id', 'ASC');
}

function applyPage(builder: SelectQueryBuilder<ChatEntity>, page: PageRequest | undefined): void {
  if (!builder.expressionMap.orderBys || Object.keys(builder.expressionMap.orderBys).length === 0)
    builder.orderBy('c.updatedAt', 'DESC').addOrderBy('c.id', 'ASC');
  if (page) builder.offset(page.offset).limit(page.limit);
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += IN_CHUNK)
    result.push(items.slice(index, index + IN_CHUNK));
  return result;
}

function toSummary(row: ChatEntity): ChatSummary {
  return { id: row.id, title: row.title, updatedAt: row.updatedAt, createdAt: row.createdAt };
}

function toTag(row: TagEntity): TagRecord {
  return { id: row.id, name: row.name, userId: row.userId, meta: row.meta ?? null };
}

function toRecord(row: ChatEntity | null): ChatRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    userId: row.userId,
    title: row.title,
    chat: row.chat ?? {},
    shareId: row.shareId,
    archived: row.archived === true,
    pinned: row.pinned === true,
    folderId: row.folderId,
    meta: row.meta ?? {},
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
