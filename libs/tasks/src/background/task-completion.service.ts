import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import { ModelCatalogService, ProviderRelayService } from '@atrium/providers';
import { SettingsService } from '@atrium/settings';
import { CompletionAccumulator } from '../generation/completion-accumulator.js';
import { TASK_KINDS, type TaskKind } from './task-kinds.js';
import { pickTaskModel } from './task-model.js';
import { renderTaskPrompt, type PromptMessage } from './task-prompts.js';

export interface TaskCompletionRequest {
  kind: TaskKind;
  /** The chat's model: the task model is chosen from it (TASK_MODEL / TASK_MODEL_EXTERNAL). */
  chatModel: string;
  messages: PromptMessage[];
  user: AuthenticatedUser;
  chatId?: string;
  signal: AbortSignal;
}

export interface TaskCompletion {
  /** The upstream's OpenAI-shaped completion object, as the HTTP routes answer it. */
  completion: Record<string, unknown>;
  /** The text of its first choice. */
  content: string;
}

/**
 * One task prompt (title, tags, follow-ups) sent non-streamed to the task model through the
 * provider relay, so access, telemetry and connection settings are those of chat requests.
 * Shared by the background tasks after a reply and the /api/v1/tasks/* routes.
 */
@Injectable()
export class TaskCompletionService {
  constructor(
    private readonly relay: ProviderRelayService,
    private readonly catalog: ModelCatalogService,
    private readonly settings: SettingsService,
  ) {}

  enabled(kind: TaskKind): boolean {
    return this.settings.get(TASK_KINDS[kind].enableKey) === true;
  }

  async taskModel(chatModel: string): Promise<string> {
    const snapshot = await this.catalog.current();
    return pickTaskModel(chatModel, snapshot.byId, {
      local: this.settings.get('task.model.default'),
      external: this.settings.get('task.model.external'),
    });
  }

  /** Rejects on a relay refusal (DomainError) or an upstream failure. */
  async complete(request: TaskCompletionRequest): Promise<TaskCompletion> {
    const kind = TASK_KINDS[request.kind];
    const template = this.settings.get(kind.templateKey);
    const prompt = renderTaskPrompt(
      typeof template === 'string' && template !== '' ? template : kind.defaultPrompt,
      request.messages,
    );
    const result = await this.relay.chatCompletion(
      {
        model: await this.taskModel(request.chatModel),
        messages: [{ role: 'user', content: prompt }],
        stream: false,
        ...(request.chatId ? { chat_id: request.chatId } : {}),
      },
      request.user,
      request.signal,
    );
    let completion: unknown;
    if (result.kind === 'json') {
      completion = result.value;
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of result.upstream) chunks.push(chunk as Buffer);
      if ((result.upstream.statusCode ?? 500) >= 400) {
        throw new Error(`task model answered HTTP ${result.upstream.statusCode}`);
      }
      completion = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    const reply = new CompletionAccumulator();
    reply.addCompletion(completion);
    if (reply.error !== undefined) throw new Error(reply.error);
    return { completion: completion as Record<string, unknown>, content: reply.content };
  }
}
