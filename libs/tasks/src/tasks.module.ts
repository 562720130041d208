import { Module } from '@nestjs/common';
import { ChatsModule } from '@atrium/chats';
import { ProvidersModule } from '@atrium/providers';
import { RealtimeModule } from '@atrium/realtime';
import { BackgroundTasksService } from './background/background-tasks.service.js';
import { TaskCompletionService } from './background/task-completion.service.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { ChatTasksService } from './chat-tasks.service.js';
import { ChatGenerationRunner } from './generation/chat-generation.runner.js';
import { ChatWriteQueue } from './generation/chat-write-queue.js';
import { RedisTaskStore } from './registry/redis-task-store.js';
import { TaskRegistry } from './registry/task-registry.js';
import { TaskApiController } from './task-api/task-api.controller.js';
import { TaskApiService } from './task-api/task-api.service.js';
import { TasksController } from './tasks.controller.js';

/**
 * POST /api/chat/completions (synchronous relay and chat task mode), the /api/tasks routes and
 * Open WebUI's /api/v1/tasks router (task settings, title/tags/follow-up generation).
 */
@Module({
  imports: [ProvidersModule, ChatsModule, RealtimeModule],
  controllers: [ChatCompletionsController, TasksController, TaskApiController],
  providers: [
    RedisTaskStore,
    ChatWriteQueue,
    TaskRegistry,
    ChatGenerationRunner,
    TaskCompletionService,
    BackgroundTasksService,
    TaskApiService,
    ChatTasksService,
  ],
  exports: [TaskRegistry],
})
export class TasksModule {}
