import { Module } from '@nestjs/common';
import { SHARED_CHAT_OWNER_LOOKUP, UsersModule } from '@atrium/users';
import { ChatsController } from './chats.controller.js';
import { ChatsRepository } from './chats.repository.js';
import { ChatsService } from './chats.service.js';
import { FoldersController } from './folders.controller.js';
import { FoldersRepository } from './folders.repository.js';
import { FoldersService } from './folders.service.js';

/**
 * Chats, tags, shares and folders with Open WebUI's /api/v1/chats and /api/v1/folders routes.
 * Other libraries call ChatsService (e.g. saveAssistantMessage when a completion ends).
 */
@Module({
  imports: [UsersModule],
  controllers: [ChatsController, FoldersController],
  providers: [
    ChatsRepository,
    FoldersRepository,
    ChatsService,
    FoldersService,
    { provide: SHARED_CHAT_OWNER_LOOKUP, useExisting: ChatsService },
  ],
  exports: [ChatsService, SHARED_CHAT_OWNER_LOOKUP],
})
export class ChatsModule {}
