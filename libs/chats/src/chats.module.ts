import { Module } from '@nestjs/common';

/** Chats: placeholder until its issue lands. */
@Module({})
export class ChatsModule {}
