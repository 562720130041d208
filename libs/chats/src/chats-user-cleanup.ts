import { Injectable, type OnModuleInit } from '@nestjs/common';
import { UserEventsService } from '@atrium/users';
import { ChatsService } from './chats.service.js';
import { FoldersRepository } from './folders.repository.js';

/** A deleted user's chats, shares, share grants, tags and folders go with them (as in Open WebUI). */
@Injectable()
export class ChatsUserCleanup implements OnModuleInit {
  constructor(
    private readonly events: UserEventsService,
    private readonly chats: ChatsService,
    private readonly folders: FoldersRepository,
  ) {}

  onModuleInit(): void {
    this.events.onUserDeleted(async ({ userId }) => {
      await this.chats.deleteAll(userId);
      await this.folders.deleteAllOwned(userId);
    });
  }
}
