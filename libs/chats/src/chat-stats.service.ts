import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import {
  chatStatsExport,
  chatUsageStats,
  type ChatStatsExport,
  type ChatUsageStats,
} from './chat-stats.js';
import { ChatsRepository } from './chats.repository.js';
import { AccessProhibitedError, ResourceNotFoundError } from './chats.errors.js';

/** Chats per page of /stats/export (Open WebUI's CHAT_EXPORT_PAGE_ITEM_COUNT). */
export const STATS_EXPORT_PAGE_SIZE = 10;
const STATS_STREAM_BATCH = 100;

export interface ChatStatsExportPage {
  type: 'chats';
  items: ChatStatsExport[];
  total: number;
  page: number;
}

/**
 * Open WebUI's experimental chat statistics (/api/v1/chats/stats/...): figures computed from
 * the caller's own chats. Exports need community sharing on, or an admin.
 */
@Injectable()
export class ChatStatsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly settings: SettingsService,
  ) {}

  /** GET /stats/usage: newest first; chats without a history tree are left out of `items`. */
  async usage(
    ownerId: string,
    itemsPerPage: number,
    page: number,
  ): Promise<{ items: ChatUsageStats[]; total: number }> {
    const [chats, total] = await Promise.all([
      this.chats.listFull(ownerId, { offset: (page - 1) * itemsPerPage, limit: itemsPerPage }),
      this.chats.countOwned(ownerId),
    ]);
    const items = chats
      .map(chatUsageStats)
      .filter((item): item is ChatUsageStats => item !== undefined);
    return { items, total };
  }

  /** GET /stats/export: oldest first, optionally only chats updated after `updatedAfter`. */
  async exportPage(
    caller: AuthenticatedUser,
    page: number,
    updatedAfter?: number,
  ): Promise<ChatStatsExportPage> {
    this.requireExportAllowed(caller);
    const [chats, total] = await Promise.all([
      this.chats.listFull(
        caller.id,
        { offset: (page - 1) * STATS_EXPORT_PAGE_SIZE, limit: STATS_EXPORT_PAGE_SIZE },
        { oldestFirst: true, updatedAfter },
      ),
      this.chats.countOwned(caller.id, updatedAfter),
    ]);
    return { type: 'chats', items: chats.map(chatStatsExport), total, page };
  }

  /** GET /stats/export?stream=true: every item, a batch at a time (NDJSON). */
  exportStream(caller: AuthenticatedUser, updatedAfter?: number): AsyncGenerator<ChatStatsExport> {
    this.requireExportAllowed(caller);
    return this.streamItems(caller.id, updatedAfter);
  }

  /** GET /stats/export/{chat_id}: the caller's chat, or any chat for an admin. */
  async exportOne(caller: AuthenticatedUser, chatId: string): Promise<ChatStatsExport> {
    this.requireExportAllowed(caller);
    // Someone else's chat answers like a missing one (Open WebUI's 401 would tell it exists).
    const chat =
      caller.role === 'admin'
        ? await this.chats.findForAdmin(chatId)
        : await this.chats.findOwned(caller.id, chatId);
    if (!chat) throw new ResourceNotFoundError();
    return chatStatsExport(chat);
  }

  private async *streamItems(
    ownerId: string,
    updatedAfter?: number,
  ): AsyncGenerator<ChatStatsExport> {
    for (let offset = 0; ; offset += STATS_STREAM_BATCH) {
      const batch = await this.chats.listFull(
        ownerId,
        { offset, limit: STATS_STREAM_BATCH },
        { oldestFirst: true, updatedAfter },
      );
      yield* batch.map(chatStatsExport);
      if (batch.length < STATS_STREAM_BATCH) return;
    }
  }

  private requireExportAllowed(caller: AuthenticatedUser): void {
    if (caller.role !== 'admin' && !this.settings.get('ui.enable_community_sharing'))
      throw new AccessProhibitedError();
  }
}
