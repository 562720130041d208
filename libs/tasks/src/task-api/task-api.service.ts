import { Injectable, Logger } from '@nestjs/common';
import {
  BadRequestError,
  DomainError,
  NotFoundError,
  type AuthenticatedUser,
} from '@atrium/common';
import { ModelsService } from '@atrium/providers';
import { SettingsService } from '@atrium/settings';
import { TaskCompletionService } from '../background/task-completion.service.js';
import { TASK_KINDS, type TaskKind } from '../background/task-kinds.js';
import type { PromptMessage } from '../background/task-prompts.js';
import {
  TASK_CONFIG_FIELDS,
  type TaskConfigDto,
  type TaskConfigField,
  type TaskConfigResponse,
} from './task-config.dto.js';
import type { TaskGenerationDto } from './task-generation.dto.js';

/** Open WebUI's detail when the task model call fails (it never leaks the cause). */
export const TASK_FAILED_DETAIL = 'An internal error has occurred.';
const NO_TITLE_MODEL =
  'No model specified for title generation. Please ensure a model is selected for this chat.';

/** The answer of a generation route: the task model's completion, or `{detail}` when disabled. */
export type TaskGenerationReply = Record<string, unknown> | { detail: string };

/** Open WebUI's /api/v1/tasks/* routes over the persisted task settings and task generation. */
@Injectable()
export class TaskApiService {
  private readonly logger = new Logger('TasksApi');

  constructor(
    private readonly settings: SettingsService,
    private readonly models: ModelsService,
    private readonly completions: TaskCompletionService,
  ) {}

  config(): TaskConfigResponse {
    const entries = Object.entries(TASK_CONFIG_FIELDS).map(([field, key]) => [
      field,
      this.settings.get(key),
    ]);
    return Object.fromEntries(entries) as TaskConfigResponse;
  }

  async updateConfig(form: Readonly<TaskConfigDto>): Promise<TaskConfigResponse> {
    const changes: Record<string, unknown> = {};
    for (const [field, key] of Object.entries(TASK_CONFIG_FIELDS)) {
      const value = form[field as TaskConfigField];
      if (value === undefined) continue;
      if (value === null) {
        // Only the nullable strings take null (stored as "", Open WebUI's "not set").
        if (typeof this.settings.get(key) === 'string') changes[key] = '';
        continue;
      }
      changes[key] = value;
    }
    if (Object.keys(changes).length > 0) await this.settings.update(changes);
    return this.config();
  }

  /**
   * Runs one task for the frontend. Disabled: 200 `{detail}` (Open WebUI's answer); an unknown
   * or inaccessible model: 404; a failing task model: 400 with a fixed detail.
   */
  async generate(
    kind: TaskKind,
    form: Readonly<TaskGenerationDto>,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<TaskGenerationReply> {
    if (!this.completions.enabled(kind)) return { detail: TASK_KINDS[kind].disabledDetail };
    if (kind === 'title' && form.model === '') throw new BadRequestError(NO_TITLE_MODEL);
    const usable = (await this.models.forUser(user)).data.some((model) => model.id === form.model);
    if (!usable) throw new NotFoundError(`Model '${form.model}' was not found`);
    try {
      const { completion } = await this.completions.complete({
        kind,
        chatModel: form.model,
        messages: form.messages.filter(isPromptMessage),
        user,
        chatId: form.chat_id ?? undefined,
        signal,
      });
      return completion;
    } catch (error) {
      // The relay's own refusals (no access to the task model...) keep their status and detail.
      if (error instanceof DomainError) throw error;
      this.logger.warn(`${kind} generation failed: ${(error as Error).message}`);
      throw new BadRequestError(TASK_FAILED_DETAIL);
    }
  }
}

function isPromptMessage(
  message: Record<string, unknown>,
): message is PromptMessage & Record<string, unknown> {
  return typeof message.role === 'string';
}
