import { Module } from '@nestjs/common';
import { ChatsModule } from '@atrium/chats';
import { ProvidersModule } from '@atrium/providers';
import { RealtimeModule } from '@atrium/realtime';
import { BackgroundTasksService } from './background/background-tasks.service.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { ChatTasksService } from './chat-tasks.service.js';
import { ChatGenerationRunner } from './generation/chat-generation.runner.js';
import { ChatWriteQueue } from './generation/chat-write-queue.js';
import { RedisTaskStore } from './registry/redis-task-store.js';
import { TaskRegistry } from './registry/task-registry.js';
import { TasksController } from './tasks.controller.js';

/** POST /api/chat/completions (synchronous relay and chat task mode) and the /api/tasks routes. */
@Module({
  imports: [ProvidersModule, ChatsModule, RealtimeModule],
  controllers: [ChatCompletionsController, TasksController],
  providers: [
    RedisTaskStore,
    ChatWriteQueue,
    TaskRegistry,
    ChatGenerationRunner,
    BackgroundTasksService,
    ChatTasksService,
  ],
  exports: [TaskRegistry],
})
export class TasksModule {}
