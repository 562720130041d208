import { Injectable, Logger } from '@nestjs/common';
import { ChatsService } from '@atrium/chats';
import { ModelCatalogService, ProviderRelayService } from '@atrium/providers';
import { SettingsService } from '@atrium/settings';
import type { ChatEventSender } from '../generation/chat-events.js';
import { ChatWriteQueue } from '../generation/chat-write-queue.js';
import type { ChatTask } from '../generation/chat-task.js';
import { CompletionAccumulator } from '../generation/completion-accumulator.js';
import { pickTaskModel } from './task-model.js';
import {
  DEFAULT_FOLLOW_UP_PROMPT,
  DEFAULT_TAGS_PROMPT,
  DEFAULT_TITLE_PROMPT,
  parseTaskAnswer,
  renderTaskPrompt,
  stringList,
  type PromptMessage,
} from './task-prompts.js';

/**
 * The follow-up, title and tag generation that may follow a reply (`background_tasks`), run
 * with the task model through the same relay, saved to the chat and sent to the owner.
 * A failing task is logged and skipped: the reply itself is already saved.
 */
@Injectable()
export class BackgroundTasksService {
  private readonly logger = new Logger('ChatTasks');

  constructor(
    private readonly relay: ProviderRelayService,
    private readonly catalog: ModelCatalogService,
    private readonly chats: ChatsService,
    private readonly settings: SettingsService,
    private readonly writes: ChatWriteQueue,
  ) {}

  async run(
    task: ChatTask,
    reply: string,
    signal: AbortSignal,
    emit: ChatEventSender,
  ): Promise<void> {
    const wanted = task.background;
    const followUps = wanted.followUps && this.settings.get('task.follow_up.enable');
    const title = wanted.title && task.persist && this.settings.get('task.title.enable');
    const tags = wanted.tags && task.persist && this.settings.get('task.tags.enable');
    if (!followUps && !title && !tags) return;
    const history = Array.isArray(task.body.messages)
      ? (task.body.messages as PromptMessage[])
      : [];
    const messages = [...history, { role: 'assistant', content: reply }];
    const model = await this.taskModel(task.model);
    const ask = (template: string, fallback: string) =>
      this.ask(task, model, renderTaskPrompt(template || fallback, messages), signal);

    if (followUps) {
      const answer = await ask(
        this.settings.get('task.follow_up.prompt_template'),
        DEFAULT_FOLLOW_UP_PROMPT,
      );
      const list = stringList(answer?.follow_ups, 10);
      if (list.length > 0) {
        emit('chat:message:follow_ups', { follow_ups: list });
        if (task.persist)
          await this.saving(task, 'follow-ups', () =>
            this.chats.saveAssistantMessage(task.user.id, task.chatId, task.messageId, {
              content: reply,
              followUps: list,
            }),
          );
      }
    }
    if (title) {
      const answer = await ask(
        this.settings.get('task.title.prompt_template'),
        DEFAULT_TITLE_PROMPT,
      );
      const text = typeof answer?.title === 'string' ? answer.title.trim() : '';
      if (text !== '') {
        await this.saving(task, 'title', () =>
          this.chats.update(task.user.id, task.chatId, { title: text }),
        );
        emit('chat:title', text);
      }
    }
    if (tags) {
      const answer = await ask(this.settings.get('task.tags.prompt_template'), DEFAULT_TAGS_PROMPT);
      const list = stringList(answer?.tags, 10);
      if (list.length > 0) {
        await this.saving(task, 'tags', async () => {
          for (const tag of list) await this.chats.addChatTag(task.user.id, task.chatId, tag);
        });
        emit('chat:tags', list);
      }
    }
  }

  private async taskModel(chatModel: string): Promise<string> {
    const snapshot = await this.catalog.current();
    return pickTaskModel(chatModel, snapshot.byId, {
      local: this.settings.get('task.model.default'),
      external: this.settings.get('task.model.external'),
    });
  }

  /** One non-streamed task prompt; the JSON object of the answer, or undefined. */
  private async ask(
    task: ChatTask,
    model: string,
    prompt: string,
    signal: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.relay.chatCompletion(
        {
          model,
          messages: [{ role: 'user', content: prompt }],
          stream: false,
          chat_id: task.chatId,
        },
        task.user,
        signal,
      );
      const reply = new CompletionAccumulator();
      if (result.kind === 'json') {
        reply.addCompletion(result.value);
      } else {
        const chunks: Buffer[] = [];
        for await (const chunk of result.upstream) chunks.push(chunk as Buffer);
        if ((result.upstream.statusCode ?? 500) >= 400) {
          throw new Error(`task model answered HTTP ${result.upstream.statusCode}`);
        }
        reply.addCompletion(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      }
      return parseTaskAnswer(reply.content);
    } catch (error) {
      if (!signal.aborted) this.logger.warn(`background task failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async saving(task: ChatTask, what: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await this.writes.run(task.chatId, write);
    } catch (error) {
      this.logger.warn(`could not save the generated ${what}: ${(error as Error).message}`);
    }
  }
}
