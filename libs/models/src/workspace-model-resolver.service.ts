import { Injectable } from '@nestjs/common';
import { BadRequestError, Clock, ForbiddenError, type AuthenticatedUser } from '@atrium/common';
import { ModelVisibilityService } from './model-visibility.service.js';
import { applyModelParams, applySystemPrompt, type ParamsTarget } from './model-params.js';
import { ModelsRepository } from './models.repository.js';

type Json = Record<string, unknown>;

/** A provider model the relay can reach, as far as this resolver needs to know it. */
export interface ReachableModel {
  id: string;
  owned_by?: unknown;
}

/** A chat request rewritten for a workspace model's base model. */
export interface ResolvedChatRequest<T extends ReachableModel> {
  /** The request with `model` set to the base model, the params and system prompt applied. */
  body: Json;
  /** The provider model to send it to. */
  model: T;
}

/**
 * Chat requests that name a workspace model (§4.4): a preset runs on its base model, and any
 * row's `params` and `params.system` are applied on the way. Access is the row's own (§7.3): a
 * preset shared with a user works even when its base model is not shared with them.
 */
@Injectable()
export class WorkspaceModelResolver {
  constructor(
    private readonly models: ModelsRepository,
    private readonly visibility: ModelVisibilityService,
    private readonly clock: Clock,
  ) {}

  /**
   * Undefined when no workspace row names the requested model (the caller routes it as a plain
   * provider model). An inactive row or a missing base model is 400 `Model not found`, a row the
   * caller may not use 403 `Model not found`, as Open WebUI answers. `target` is the wire
   * format of `body` (default: the base model's provider), e.g. OpenAI's for /ollama/v1/*.
   */
  async resolveChat<T extends ReachableModel>(
    user: AuthenticatedUser,
    body: Json,
    findModel: (id: string) => T | undefined,
    target?: ParamsTarget,
  ): Promise<ResolvedChatRequest<T> | undefined> {
    const requested = typeof body.model === 'string' ? body.model : '';
    if (requested === '') return undefined;
    let row = await this.models.findById(requested);
    if (!row && findModel(requested)?.owned_by === 'ollama' && requested.includes(':')) {
      // An Ollama overlay may name the model without its tag.
      row = await this.models.findById(requested.split(':')[0]);
      if (row?.baseModelId !== null) row = undefined;
    }
    if (!row) return undefined;
    if (!row.isActive) throw new BadRequestError('Model not found');
    if (!(await this.visibility.canUse(user, row.id))) throw new ForbiddenError('Model not found');
    const model =
      row.baseModelId === null ? findModel(requested) : findBase(row.baseModelId, findModel);
    if (!model) throw new BadRequestError('Model not found');
    const format = target ?? (model.owned_by === 'ollama' ? 'ollama' : 'openai');
    const withParams = applyModelParams({ ...body, model: model.id }, row.params, format);
    const variables = variablesOf(body);
    return {
      model,
      body: applySystemPrompt(withParams, row.params.system, {
        user: { name: user.name, email: user.email },
        variables,
        now: new Date(this.clock.nowMs()),
      }),
    };
  }
}

/** A preset's base: its exact id, or for a bare Ollama name the `:latest` tag. */
function findBase<T>(baseModelId: string, findModel: (id: string) => T | undefined): T | undefined {
  return (
    findModel(baseModelId) ??
    (baseModelId.includes(':') ? undefined : findModel(`${baseModelId}:latest`))
  );
}

/** Chat variables from the request (`variables`, or `metadata.variables`). */
function variablesOf(body: Json): Record<string, unknown> | undefined {
  const isObject = (value: unknown): value is Json =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(body.variables)) return body.variables;
  if (isObject(body.metadata) && isObject(body.metadata.variables)) return body.metadata.variables;
  return undefined;
}
