import { Injectable, Logger } from '@nestjs/common';
import { ChatsService } from '@atrium/chats';
import type { ChatEventSender } from '../generation/chat-events.js';
import { ChatWriteQueue } from '../generation/chat-write-queue.js';
import type { ChatTask } from '../generation/chat-task.js';
import { TaskCompletionService } from './task-completion.service.js';
import type { TaskKind } from './task-kinds.js';
import { parseTaskAnswer, stringList, type PromptMessage } from './task-prompts.js';

/**
 * The follow-up, title and tag generation that may follow a reply (`background_tasks`), run
 * with the task model through the same relay, saved to the chat and sent to the owner.
 * A failing task is logged and skipped: the reply itself is already saved.
 */
@Injectable()
export class BackgroundTasksService {
  private readonly logger = new Logger('ChatTasks');

  constructor(
    private readonly completions: TaskCompletionService,
    private readonly chats: ChatsService,
    private readonly writes: ChatWriteQueue,
  ) {}

  async run(
    task: ChatTask,
    reply: string,
    signal: AbortSignal,
    emit: ChatEventSender,
  ): Promise<void> {
    const wanted = task.background;
    const followUps = wanted.followUps && this.completions.enabled('follow_up');
    const title = wanted.title && task.persist && this.completions.enabled('title');
    const tags = wanted.tags && task.persist && this.completions.enabled('tags');
    if (!followUps && !title && !tags) return;
    const history = Array.isArray(task.body.messages)
      ? (task.body.messages as PromptMessage[])
      : [];
    const messages = [...history, { role: 'assistant', content: reply }];
    const ask = (kind: TaskKind) => this.ask(task, kind, messages, signal);

    if (followUps) {
      const list = stringList((await ask('follow_up'))?.follow_ups, 10);
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
      const answer = await ask('title');
      const text = typeof answer?.title === 'string' ? answer.title.trim() : '';
      if (text !== '') {
        await this.saving(task, 'title', () =>
          this.chats.update(task.user.id, task.chatId, { title: text }),
        );
        emit('chat:title', text);
      }
    }
    if (tags) {
      const list = stringList((await ask('tags'))?.tags, 10);
      if (list.length > 0) {
        await this.saving(task, 'tags', async () => {
          for (const tag of list) await this.chats.addChatTag(task.user.id, task.chatId, tag);
        });
        emit('chat:tags', list);
      }
    }
  }

  /** One task prompt; the JSON object of the answer, or undefined (logged) on any failure. */
  private async ask(
    task: ChatTask,
    kind: TaskKind,
    messages: PromptMessage[],
    signal: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { content } = await this.completions.complete({
        kind,
        chatModel: task.model,
        messages,
        user: task.user,
        chatId: task.chatId,
        signal,
      });
      return parseTaskAnswer(content);
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
