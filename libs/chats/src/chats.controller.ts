import { once } from 'node:events';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Auth, CurrentUser, queryValidationPipe, type AuthenticatedUser } from '@atrium/common';
import { ChatMessageEventsService } from './chat-message-events.service.js';
import { ChatStatsService } from './chat-stats.service.js';
import type { ChatStatsExport, ChatUsageStats } from './chat-stats.js';
import { ChatsService } from './chats.service.js';
import {
  ChatFilterQueryDto,
  ChatFolderIdDto,
  ChatFormDto,
  ChatListQueryDto,
  CloneFormDto,
  ImportChatsDto,
  MessageEventFormDto,
  MessageFormDto,
  PageQueryDto,
  SearchQueryDto,
  SharedChatAccessFormDto,
  StatsExportQueryDto,
  StatsUsageQueryDto,
  TagFilterFormDto,
  TagFormDto,
  type ChatFilterQuery,
  type ChatListQuery,
  type PageQuery,
  type SearchQuery,
  type StatsExportQuery,
  type StatsUsageQuery,
} from './dto/chat-requests.dto.js';
import {
  grantsFromApi,
  toChatResponse,
  toSharedChatGrantResponse,
  toChatTitleIdResponse,
  toSharedChatResponse,
  toTagResponse,
  type ChatResponse,
  type ChatTitleIdResponse,
  type SharedChatGrantResponse,
  type SharedChatResponse,
  type TagResponse,
} from './dto/chat-responses.js';

/**
 * /api/v1/chats: Open WebUI's chats router. Static paths are declared before `/:id` so they
 * win the match.
 */
@Controller('api/v1/chats')
export class ChatsController {
  constructor(
    private readonly chats: ChatsService,
    private readonly stats: ChatStatsService,
    private readonly messageEvents: ChatMessageEventsService,
  ) {}

  @Get(['/', 'list'])
  @Auth()
  async list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ChatListQueryDto)) query: ChatListQuery,
  ): Promise<ChatTitleIdResponse[]> {
    const chats = await this.chats.list(
      caller.id,
      query.page,
      query.include_pinned ?? false,
      query.include_folders ?? false,
    );
    return chats.map(toChatTitleIdResponse);
  }

  /** Experimental in Open WebUI: usage figures of the caller's chats, newest first. */
  @Get('stats/usage')
  @Auth()
  usageStats(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(StatsUsageQueryDto)) query: StatsUsageQuery,
  ): Promise<{ items: ChatUsageStats[]; total: number }> {
    return this.stats.usage(caller.id, query.items_per_page ?? 50, query.page ?? 1);
  }

  /** Per-chat figures (no message text), a page of 10 or, with `stream=true`, NDJSON. */
  @Get('stats/export')
  @Auth()
  async exportStats(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(StatsExportQueryDto)) query: StatsExportQuery,
    @Res() response: Response,
  ): Promise<void> {
    const updatedAfter = query.updated_at || undefined;
    if (!query.stream) {
      response.json(await this.stats.exportPage(caller, query.page ?? 1, updatedAfter));
      return;
    }
    const items = this.stats.exportStream(caller, updatedAfter);
    response
      .status(200)
      .type('application/x-ndjson')
      .set('Content-Disposition', `attachment; filename=chat-stats-export-${caller.id}.jsonl`);
    for await (const item of items) {
      if (response.destroyed) return;
      if (!response.write(JSON.stringify(item) + '\n')) await once(response, 'drain');
    }
    response.end();
  }

  @Get('stats/export/:chatId')
  @Auth()
  exportChatStats(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('chatId') chatId: string,
  ): Promise<ChatStatsExport> {
    return this.stats.exportOne(caller, chatId);
  }

  @Delete()
  @Auth({ permission: 'chat.delete' })
  deleteAll(@CurrentUser() caller: AuthenticatedUser): Promise<boolean> {
    return this.chats.deleteAll(caller.id);
  }

  @Get('list/user/:userId')
  @Auth({ admin: true })
  async listForUser(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId') userId: string,
    @Query(queryValidationPipe(ChatFilterQueryDto)) query: ChatFilterQuery,
  ): Promise<ChatTitleIdResponse[]> {
    const chats = await this.chats.listForAdmin(caller, userId, query.page, filterOf(query));
    return chats.map(toChatTitleIdResponse);
  }

  @Post('new')
  @HttpCode(200)
  @Auth()
  async create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ChatFormDto,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.create(caller.id, form.chat, form.folder_id ?? null));
  }

  @Post('import')
  @HttpCode(200)
  @Auth()
  async importChats(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ImportChatsDto,
  ): Promise<ChatResponse[]> {
    const chats = await this.chats.importChats(
      caller.id,
      form.chats.map((item) => ({
        chat: item.chat,
        meta: item.meta,
        pinned: item.pinned,
        folderId: item.folder_id,
        createdAt: item.created_at,
        updatedAt: item.updated_at,
      })),
    );
    return chats.map(toChatResponse);
  }

  @Get('search')
  @Auth()
  async search(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(SearchQueryDto)) query: SearchQuery,
  ): Promise<ChatTitleIdResponse[]> {
    return (await this.chats.search(caller.id, query.text, query.page)).map(toChatTitleIdResponse);
  }

  @Get('folder/:folderId')
  @Auth()
  async listInFolderTree(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('folderId') folderId: string,
  ): Promise<ChatResponse[]> {
    return (await this.chats.listInFolderTree(caller.id, folderId)).map(toChatResponse);
  }

  @Get('folder/:folderId/list')
  @Auth()
  async listInFolder(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('folderId') folderId: string,
    @Query(queryValidationPipe(PageQueryDto)) query: PageQuery,
  ): Promise<{ id: string; title: string; updated_at: number }[]> {
    const chats = await this.chats.listInFolder(caller.id, folderId, query.page);
    return chats.map((chat) => ({ id: chat.id, title: chat.title, updated_at: chat.updatedAt }));
  }

  @Get('pinned')
  @Auth()
  async listPinned(@CurrentUser() caller: AuthenticatedUser): Promise<ChatTitleIdResponse[]> {
    return (await this.chats.listPinned(caller.id)).map(toChatTitleIdResponse);
  }

  /** NDJSON stream of every chat, a batch at a time, respecting backpressure. */
  @Get('all')
  @Auth()
  async exportAll(
    @CurrentUser() caller: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    response.status(200).type('application/x-ndjson');
    for await (const chat of this.chats.streamAll(caller.id)) {
      if (response.destroyed) return;
      if (!response.write(JSON.stringify(toChatResponse(chat)) + '\n')) {
        await once(response, 'drain');
      }
    }
    response.end();
  }

  @Get('all/archived')
  @Auth()
  async listAllArchived(@CurrentUser() caller: AuthenticatedUser): Promise<ChatResponse[]> {
    return (await this.chats.listAllArchived(caller.id)).map(toChatResponse);
  }

  @Get('all/tags')
  @Auth()
  async listAllTags(@CurrentUser() caller: AuthenticatedUser): Promise<TagResponse[]> {
    return (await this.chats.listTags(caller.id)).map(toTagResponse);
  }

  @Get('all/db')
  @Auth({ admin: true })
  async listEveryChat(): Promise<ChatResponse[]> {
    return (await this.chats.listEveryChat()).map(toChatResponse);
  }

  @Get('archived')
  @Auth()
  async listArchived(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ChatFilterQueryDto)) query: ChatFilterQuery,
  ): Promise<ChatTitleIdResponse[]> {
    const chats = await this.chats.listArchived(caller.id, query.page, filterOf(query));
    return chats.map(toChatTitleIdResponse);
  }

  @Post('archive/all')
  @HttpCode(200)
  @Auth()
  archiveAll(@CurrentUser() caller: AuthenticatedUser): Promise<boolean> {
    return this.chats.setArchivedForAll(caller.id, true);
  }

  @Post('unarchive/all')
  @HttpCode(200)
  @Auth()
  unarchiveAll(@CurrentUser() caller: AuthenticatedUser): Promise<boolean> {
    return this.chats.setArchivedForAll(caller.id, false);
  }

  @Get('shared')
  @Auth()
  async listShared(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ChatFilterQueryDto)) query: ChatFilterQuery,
  ): Promise<SharedChatResponse[]> {
    const chats = await this.chats.listShared(caller.id, query.page, filterOf(query));
    return chats.map(toSharedChatResponse);
  }

  @Get('share/:shareId')
  @Auth()
  async getShared(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('shareId') shareId: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.getShared(caller, shareId));
  }

  /** [N]: who besides the owner may open the chat's share link. Owner or admin. */
  @Get('shared/:id/access')
  @Auth()
  async sharedAccess(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<SharedChatGrantResponse[]> {
    return (await this.chats.sharedAccessGrants(caller, id)).map(toSharedChatGrantResponse);
  }

  @Post('shared/:id/access/update')
  @HttpCode(200)
  @Auth()
  async updateSharedAccess(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: SharedChatAccessFormDto,
  ): Promise<ChatResponse> {
    return toChatResponse(
      await this.chats.updateSharedAccess(caller, id, grantsFromApi(form.access_grants)),
    );
  }

  @Post('tags')
  @HttpCode(200)
  @Auth()
  async listByTag(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: TagFilterFormDto,
  ): Promise<ChatTitleIdResponse[]> {
    const chats = await this.chats.listByTag(
      caller.id,
      form.name,
      form.skip ?? 0,
      form.limit ?? 50,
    );
    return chats.map(toChatTitleIdResponse);
  }

  // ---- /:id routes ----

  @Get(':id')
  @Auth()
  async get(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.getForReader(caller, id));
  }

  @Post(':id')
  @HttpCode(200)
  @Auth()
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: ChatFormDto,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.update(caller.id, id, form.chat));
  }

  @Delete(':id')
  @Auth({ permission: 'chat.delete' })
  delete(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<boolean> {
    return this.chats.delete(caller, id);
  }

  @Post(':id/messages/:messageId')
  @HttpCode(200)
  @Auth()
  async updateMessage(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
    @Body() form: MessageFormDto,
  ): Promise<ChatResponse> {
    return toChatResponse(
      await this.messageEvents.updateContent(caller, id, messageId, form.content),
    );
  }

  @Post(':id/messages/:messageId/event')
  @HttpCode(200)
  @Auth()
  sendMessageEvent(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
    @Body() form: MessageEventFormDto,
  ): Promise<true> {
    return this.messageEvents.relay(caller, id, messageId, form);
  }

  @Get(':id/pinned')
  @Auth()
  isPinned(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<boolean> {
    return this.chats.isPinned(caller.id, id);
  }

  @Post(':id/pin')
  @HttpCode(200)
  @Auth()
  async pin(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.togglePinned(caller.id, id));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Auth()
  async archive(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.toggleArchived(caller.id, id));
  }

  @Post(':id/clone')
  @HttpCode(200)
  @Auth()
  async clone(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: CloneFormDto,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.clone(caller.id, id, form.title ?? undefined));
  }

  @Post(':id/clone/shared')
  @HttpCode(200)
  @Auth()
  async cloneShared(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') shareId: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.cloneShared(caller, shareId));
  }

  @Post(':id/share')
  @HttpCode(200)
  @Auth({ permission: 'chat.share' })
  async share(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.share(caller.id, id));
  }

  @Delete(':id/share')
  @Auth()
  unshare(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<boolean> {
    return this.chats.unshare(caller.id, id);
  }

  @Post(':id/folder')
  @HttpCode(200)
  @Auth()
  async moveToFolder(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: ChatFolderIdDto,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.chats.moveToFolder(caller.id, id, form.folder_id ?? null));
  }

  @Get(':id/tags')
  @Auth()
  async getTags(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<TagResponse[]> {
    return (await this.chats.getChatTags(caller.id, id)).map(toTagResponse);
  }

  @Post(':id/tags')
  @HttpCode(200)
  @Auth()
  async addTag(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: TagFormDto,
  ): Promise<TagResponse[]> {
    return (await this.chats.addChatTag(caller.id, id, form.name)).map(toTagResponse);
  }

  @Delete(':id/tags/all')
  @Auth()
  removeAllTags(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<boolean> {
    return this.chats.removeAllChatTags(caller.id, id);
  }

  @Delete(':id/tags')
  @Auth()
  async removeTag(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() form: TagFormDto,
  ): Promise<TagResponse[]> {
    return (await this.chats.removeChatTag(caller.id, id, form.name)).map(toTagResponse);
  }
}

function filterOf(query: ChatFilterQuery) {
  return { query: query.query, orderBy: query.order_by, direction: query.direction };
}
