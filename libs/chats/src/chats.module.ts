import { Module } from '@nestjs/common';
import { ModelsModule } from '@atrium/models';
import { RealtimeModule } from '@atrium/realtime';
import { SHARED_CHAT_OWNER_LOOKUP, UsersModule } from '@atrium/users';
import { ChatMessageEventsService } from './chat-message-events.service.js';
import { ChatStatsService } from './chat-stats.service.js';
import { ChatsUserCleanup } from './chats-user-cleanup.js';
import { ChatsController } from './chats.controller.js';
import { ChatsRepository } from './chats.repository.js';
import { ChatsService } from './chats.service.js';
import { FoldersController } from './folders.controller.js';
import { FoldersRepository } from './folders.repository.js';
import { FoldersService } from './folders.service.js';
import { SharedChatAccessService } from './shared-chat-access.service.js';

/**
 * Chats, tags, shares and folders with Open WebUI's /api/v1/chats and /api/v1/folders routes.
 * Other libraries call ChatsService (e.g. saveAssistantMessage when a completion ends).
 */
@Module({
  imports: [UsersModule, ModelsModule, RealtimeModule],
  controllers: [ChatsController, FoldersController],
  providers: [
    ChatsRepository,
    FoldersRepository,
    ChatsService,
    FoldersService,
    ChatStatsService,
    ChatMessageEventsService,
    SharedChatAccessService,
    ChatsUserCleanup,
    { provide: SHARED_CHAT_OWNER_LOOKUP, useExisting: ChatsService },
  ],
  exports: [ChatsService, SHARED_CHAT_OWNER_LOOKUP],
})
export class ChatsModule {}
