import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@atrium/common';
import { ChatsService } from '@atrium/chats';
import { ProviderRelayService, tapOf } from '@atrium/providers';
import { RealtimeEmitter } from '@atrium/realtime';
import { BackgroundTasksService } from '../background/background-tasks.service.js';
import { CompletionAccumulator, errorText } from './completion-accumulator.js';
import { chatEventsOf, type ChatEventSender } from './chat-events.js';
import { ChatWriteQueue } from './chat-write-queue.js';
import type { ChatTask } from './chat-task.js';
import { readOpenAISse } from './openai-sse.reader.js';

/**
 * Runs one chat generation in the background: streams the reply from the relay, sends the
 * growing text to the owner's sockets (batched), saves the message once at the end, then runs
 * the requested background tasks. A stop (abort) saves what was generated so far; an upstream
 * failure is sent as `chat:message:error` and saved on the message.
 */
@Injectable()
export class ChatGenerationRunner {
  private readonly logger = new Logger('ChatTasks');

  constructor(
    private readonly relay: ProviderRelayService,
    private readonly chats: ChatsService,
    private readonly emitter: RealtimeEmitter,
    private readonly background: BackgroundTasksService,
    private readonly writes: ChatWriteQueue,
  ) {}

  async run(task: ChatTask, signal: AbortSignal): Promise<void> {
    const emit = chatEventsOf(this.emitter, task);
    const reply = new CompletionAccumulator();
    try {
      await this.stream(task, signal, reply, emit);
      if (signal.aborted) return await this.stopped(task, reply, emit);
      if (reply.error !== undefined) throw new Error(reply.error);
    } catch (error) {
      if (signal.aborted) return await this.stopped(task, reply, emit);
      return await this.failed(task, reply, error, emit);
    }
    const title = await this.save(task, { content: reply.content, usage: reply.usage ?? null });
    emit('chat:completion', {
      done: true,
      content: reply.content,
      ...(reply.usage ? { usage: reply.usage } : {}),
      ...(title !== undefined ? { title } : {}),
    });
    await this.background.run(task, reply.content, signal, emit);
  }

  private async stream(
    task: ChatTask,
    signal: AbortSignal,
    reply: CompletionAccumulator,
    emit: ChatEventSender,
  ): Promise<void> {
    const result = await this.relay.chatCompletion(
      { ...task.body, model: task.model, stream: true },
      task.user,
      signal,
    );
    if (result.kind === 'json') {
      reply.addCompletion(result.value);
      return;
    }
    const upstream = result.upstream;
    const status = upstream.statusCode ?? 500;
    if (status >= 400) throw new Error(await upstreamErrorText(upstream, status));
    // The relay's model-call telemetry (first token, usage) sees the bytes as the relay route would.
    const tap = tapOf(upstream);
    if (tap) upstream.on('data', tap.chunk);
    const onAbort = () => upstream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    const source: Readable = result.body
      ? pipeline(upstream, result.body, () => undefined)
      : upstream;
    let pending = 0;
    try {
      for await (const chunk of readOpenAISse(source)) {
        if (!reply.addChunk(chunk)) continue;
        pending += 1;
        if (pending >= task.chunkSize) {
          emit('chat:completion', { content: reply.content });
          pending = 0;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (!upstream.complete && !signal.aborted) throw new Error('Upstream connection closed early');
  }

  private async stopped(
    task: ChatTask,
    reply: CompletionAccumulator,
    emit: ChatEventSender,
  ): Promise<void> {
    await this.save(task, { content: reply.content, usage: reply.usage ?? null });
    emit('chat:completion', { done: true, content: reply.content });
    emit('chat:tasks:cancel', {});
  }

  private async failed(
    task: ChatTask,
    reply: CompletionAccumulator,
    error: unknown,
    emit: ChatEventSender,
  ): Promise<void> {
    const content = error instanceof DomainError ? error.detail : (error as Error).message;
    await this.save(task, { content: reply.content, error: { content } });
    emit('chat:message:error', { error: { content }, done: true });
    emit('chat:tasks:cancel', {});
  }

  /** Writes the message once; answers the chat's title (for the final event). */
  private async save(
    task: ChatTask,
    message: { content: string; [field: string]: unknown },
  ): Promise<string | undefined> {
    if (!task.persist) return undefined;
    try {
      const chat = await this.writes.run(task.chatId, () =>
        this.chats.saveAssistantMessage(task.user.id, task.chatId, task.messageId, {
          ...message,
          model: task.model,
        }),
      );
      return chat.title;
    } catch (error) {
      this.logger.warn(`could not save message ${task.messageId}: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** The upstream's error reply as text (`error.message`, `detail`...), else the status. */
async function upstreamErrorText(upstream: IncomingMessage, status: number): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of upstream) chunks.push(chunk as Buffer);
  } catch {
    // The body is only a better message; the status alone will do.
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const body = JSON.parse(text) as unknown;
    return errorText(body);
  } catch {
    return text.trim() !== '' ? text.trim() : `HTTP ${status}`;
  }
}
