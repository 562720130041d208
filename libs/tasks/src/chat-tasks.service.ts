import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, ForbiddenError, newId, type AuthenticatedUser } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { ChatsService } from '@atrium/chats';
import { ModelCatalogService, ModelsService } from '@atrium/providers';
import { RealtimeEmitter } from '@atrium/realtime';
import { sendChatActivity } from './generation/chat-events.js';
import { ChatGenerationRunner } from './generation/chat-generation.runner.js';
import type { ChatTask } from './generation/chat-task.js';
import {
  backgroundTasksOf,
  chunkSizeOf,
  generationTargets,
  isTemporaryChat,
} from './generation/task-request.js';
import { TaskRegistry } from './registry/task-registry.js';
import type { TaskInfo } from './registry/task-info.js';
import { ChatNotFoundError, TaskNotFoundError } from './tasks.errors.js';

export interface TaskModeReply {
  status: true;
  task_ids: string[];
  chat_id: string;
}

export interface StopReply {
  status: boolean;
  message: string;
}

/**
 * Chat task mode (§5.2) and the /api/tasks routes: checks the request up front (model, access,
 * chat ownership), starts one background generation per model, and lists or stops tasks for
 * their owner (admins: any task).
 */
@Injectable()
export class ChatTasksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalog: ModelCatalogService,
    private readonly models: ModelsService,
    private readonly chats: ChatsService,
    private readonly registry: TaskRegistry,
    private readonly runner: ChatGenerationRunner,
    private readonly emitter: RealtimeEmitter,
  ) {}

  async start(body: Record<string, unknown>, user: AuthenticatedUser): Promise<TaskModeReply> {
    const chatId = body.chat_id as string;
    const targets = generationTargets(body);
    await this.checkModels(
      user,
      targets.map((target) => target.model),
    );
    const persist = !isTemporaryChat(chatId);
    const chat = persist ? await this.ownedChat(user, chatId) : undefined;
    if (persist && !chat) throw new ChatNotFoundError();
    const chunkSize = chunkSizeOf(body, this.config.tasks.streamDeltaChunkSize);
    const background = backgroundTasksOf(body);
    const taskIds: string[] = [];
    const noBackground = { title: false, tags: false, followUps: false };
    const activity = { userId: user.id, chatId, messageId: targets[0].messageId };
    sendChatActivity(this.emitter, activity, { active: true, folder_id: chat?.folderId ?? null });
    for (const [index, target] of targets.entries()) {
      const task: ChatTask = {
        id: newId(),
        user,
        chatId,
        messageId: target.messageId,
        model: target.model,
        body,
        chunkSize,
        // One title and one set of tags per chat turn, from the first model's reply.
        background: index === 0 ? background : noBackground,
        persist,
      };
      const controller = new AbortController();
      await this.registry.start(
        { id: task.id, chatId, messageId: task.messageId, userId: user.id },
        controller,
        () => this.runner.run(task, controller.signal),
        async () => {
          // The chat is idle once no task of it is left on any instance.
          if ((await this.registry.list(chatId)).length > 0) return;
          sendChatActivity(this.emitter, activity, { active: false });
        },
      );
      taskIds.push(task.id);
    }
    return { status: true, task_ids: taskIds, chat_id: chatId };
  }

  /** GET /api/tasks: every task for an admin, the caller's own otherwise. */
  async list(user: AuthenticatedUser): Promise<{ tasks: string[] }> {
    const tasks = await this.registry.list();
    return { tasks: this.visible(user, tasks).map((task) => task.id) };
  }

  async listForChat(user: AuthenticatedUser, chatId: string): Promise<{ task_ids: string[] }> {
    const tasks = await this.registry.list(chatId);
    return { task_ids: this.visible(user, tasks).map((task) => task.id) };
  }

  async stop(user: AuthenticatedUser, taskId: string): Promise<StopReply> {
    const task = await this.registry.find(taskId);
    if (!task || !this.mayTouch(user, task)) throw new TaskNotFoundError(taskId);
    if (!(await this.registry.stop(task))) throw new TaskNotFoundError(taskId);
    return { status: true, message: `Task ${taskId} stopped.` };
  }

  async stopForChat(user: AuthenticatedUser, chatId: string): Promise<StopReply> {
    if (user.role !== 'admin' && !isTemporaryChat(chatId) && !(await this.ownsChat(user, chatId))) {
      throw new ChatNotFoundError();
    }
    const tasks = this.visible(user, await this.registry.list(chatId));
    if (tasks.length === 0) return { status: true, message: `No tasks found for item ${chatId}.` };
    for (const task of tasks) {
      if (!(await this.registry.stop(task))) {
        return { status: false, message: `Task with ID ${task.id} not found.` };
      }
    }
    return { status: true, message: `All tasks for item ${chatId} stopped.` };
  }

  private visible(user: AuthenticatedUser, tasks: TaskInfo[]): TaskInfo[] {
    return tasks.filter((task) => this.mayTouch(user, task));
  }

  private mayTouch(user: AuthenticatedUser, task: TaskInfo): boolean {
    return user.role === 'admin' || task.userId === user.id;
  }

  private async ownsChat(user: AuthenticatedUser, chatId: string): Promise<boolean> {
    return (await this.ownedChat(user, chatId)) !== undefined;
  }

  private async ownedChat(user: AuthenticatedUser, chatId: string) {
    try {
      const chat = await this.chats.getForReader(user, chatId);
      return chat.userId === user.id ? chat : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Open WebUI refuses up front: a model the caller cannot use is 403 when it exists
   * (`Model not found`), 400 otherwise. Workspace models count (the list of /api/models).
   */
  private async checkModels(user: AuthenticatedUser, models: string[]): Promise<void> {
    const usable = new Set((await this.models.forUser(user)).data.map((model) => model.id));
    const missing = models.filter((model) => !usable.has(model));
    if (missing.length === 0) return;
    const known = (await this.catalog.current()).byId;
    if (missing.some((model) => !known.has(model))) throw new BadRequestError('Model not found');
    throw new ForbiddenError('Model not found');
  }
}
