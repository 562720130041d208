import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import {
  BadRequestError,
  Clock,
  ForbiddenError,
  NotFoundError,
  type AuthenticatedUser,
} from '@atrium/common';
import { WorkspaceModelResolver } from '@atrium/models';
import { ModelCallTelemetry } from '@atrium/observability';
import { MODEL_ACCESS_POLICY, type ModelAccessPolicy } from '../catalog/model-access.policy.js';
import { ModelCatalogService } from '../catalog/model-catalog.service.js';
import { withLatestTag, type ModelRecord } from '../catalog/model-record.js';
import {
  prefixOf,
  resolveConnection,
  type Connection,
  type ProviderKind,
} from '../connections/connection.types.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { ConnectionNotFoundError, ServerConnectionError } from '../providers.errors.js';
import { connectionHeaders } from './connection-headers.js';
import { ollamaStatusError } from './ollama-upstream-error.js';
import { attachTap, ModelCallTap, tapOf } from './model-call-tap.js';
import {
  isObject,
  OllamaToOpenAIStream,
  ollamaReplyToCompletion,
  openAIToOllamaChat,
} from './ollama-openai.converter.js';
import { readText, UpstreamConnectionError, UpstreamHttpClient } from './upstream-http.client.js';

type Json = Record<string, unknown>;

/** What a relay route sends back: an upstream stream (maybe converted) or a JSON value. */
export type RelayResult =
  | { kind: 'stream'; upstream: IncomingMessage; body?: Duplex; contentType?: string }
  | { kind: 'json'; value: unknown };

/** Open WebUI request fields that are for Open WebUI, never for the model server. */
const OPEN_WEBUI_FIELDS = [
  'metadata',
  'params',
  'files',
  'tool_ids',
  'tool_servers',
  'filter_ids',
  'features',
  'variables',
  'model_item',
  'session_id',
  'chat_id',
  'id',
  'parent_id',
  'parent_message',
  'user_message',
  'message_ids',
  'assistant_message_id',
  'folder_id',
  'chat_variables',
  'skill_ids',
  'terminal_id',
  'automation_id',
  'background_tasks',
];

export type OllamaPath =
  | '/api/chat'
  | '/api/generate'
  | '/api/show'
  | '/api/embed'
  | '/api/embeddings'
  | '/v1/chat/completions'
  | '/v1/completions';

/**
 * Routes proxied requests to the right connection (by model, or an explicit index), forwards
 * them with the connection's credentials and hands back the upstream response unbuffered.
 */
@Injectable()
export class ProviderRelayService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly catalog: ModelCatalogService,
    private readonly http: UpstreamHttpClient,
    private readonly clock: Clock,
    @Inject(MODEL_ACCESS_POLICY) private readonly access: ModelAccessPolicy,
    private readonly telemetry: ModelCallTelemetry,
    private readonly workspaceModels: WorkspaceModelResolver,
  ) {}

  /** POST to an Ollama server; errors become `{"detail": "Ollama: ..."}` with the upstream status. */
  async ollama(
    path: OllamaPath,
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
    index?: number,
  ): Promise<IncomingMessage> {
    let requested = withLatestTag(
      modelField(body, path === '/api/show' ? ['model', 'name'] : ['model']),
    );
    let payload = body;
    let accessChecked = false;
    if (path === '/api/chat' || path === '/v1/chat/completions') {
      // A workspace model runs on its base with its params and system prompt, as on /api/chat/completions.
      const snapshot = await this.catalog.current();
      const ollamaModel = (id: string) => {
        const model = snapshot.byId.get(id) ?? snapshot.byId.get(withLatestTag(id));
        return model?.owned_by === 'ollama' ? model : undefined;
      };
      const format = path === '/api/chat' ? 'ollama' : 'openai';
      const workspace = await this.workspaceModels.resolveChat(user, body, ollamaModel, format);
      if (workspace) {
        payload = workspace.body;
        requested = workspace.model.id;
        accessChecked = true;
      }
    }
    const connection = await this.ollamaTarget(requested, user, index, accessChecked);
    const prefix = prefixOf(connection.settings);
    const field = typeof payload.model === 'string' ? 'model' : 'name';
    const forwarded = { ...payload, [field]: stripPrefix(requested, prefix) };
    return this.post(connection, path, forwarded, user, signal);
  }

  /** POST /openai/chat/completions or /openai/embeddings: routed by the model's connection, errors relayed as-is. */
  async openAI(
    path: '/chat/completions' | '/embeddings',
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const requested = modelField(body, ['model']);
    const snapshot = await this.catalog.current();
    // Chats with a workspace model run on its base with its params and system prompt.
    const workspace =
      path === '/chat/completions'
        ? await this.workspaceModels.resolveChat(
            user,
            body,
            (id) => snapshot.openai.get(id),
            'openai',
          )
        : undefined;
    const model = workspace?.model ?? snapshot.openai.get(requested);
    if (!model) throw new NotFoundError('Model not found');
    if (!workspace) await this.checkAccess(user, model);
    const connection = this.connection('openai', model.urlIdx);
    const forwarded: Json = {
      ...(workspace?.body ?? body),
      model: stripPrefix(model.id, prefixOf(connection.settings)),
    };
    delete forwarded.metadata;
    return this.send(connection, path, withUsageReport(forwarded), user, signal, chatIdOf(body));
  }

  /** POST /api/chat/completions in synchronous mode (§5.2): any provider, OpenAI wire format. */
  async chatCompletion(
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<RelayResult> {
    const requested = modelField(body, ['model']);
    const snapshot = await this.catalog.current();
    // A workspace model (§4.4): its base model with its params and system prompt, its own access.
    const workspace = await this.workspaceModels.resolveChat(user, body, (id) =>
      snapshot.byId.get(id),
    );
    const model = workspace?.model ?? snapshot.byId.get(requested);
    if (!model) throw new BadRequestError('Model not found');
    if (!workspace) await this.checkAccess(user, model);
    const payload: Json = { ...(workspace?.body ?? body) };
    for (const field of OPEN_WEBUI_FIELDS) delete payload[field];
    if (model.owned_by === 'ollama')
      return this.ollamaChatAsOpenAI(payload, model, user, signal, workspace !== undefined);
    const urlIdx = typeof model.urlIdx === 'number' ? model.urlIdx : 0;
    const connection = this.connection('openai', urlIdx);
    payload.model = stripPrefix(model.id, prefixOf(connection.settings));
    const upstream = await this.send(
      connection,
      '/chat/completions',
      withUsageReport(payload),
      user,
      signal,
      chatIdOf(body),
    );
    return { kind: 'stream', upstream };
  }

  /** POST /api/embeddings: any provider, OpenAI's embeddings format. */
  async embeddings(body: Json, user: AuthenticatedUser, signal: AbortSignal): Promise<RelayResult> {
    const requested = modelField(body, ['model']);
    const model = (await this.catalog.current()).byId.get(requested);
    if (!model) throw new BadRequestError('Model not found');
    await this.checkAccess(user, model);
    if (model.owned_by !== 'ollama') {
      return { kind: 'stream', upstream: await this.openAI('/embeddings', body, user, signal) };
    }
    const connection = await this.ollamaTarget(model.id, user);
    const upstreamModel = stripPrefix(model.id, prefixOf(connection.settings));
    const upstream = await this.post(
      connection,
      '/api/embed',
      { model: upstreamModel, input: body.input ?? body.prompt ?? '' },
      user,
      signal,
    );
    const reply = parseJson(await this.readWhole(upstream));
    const vectors = isObject(reply) && Array.isArray(reply.embeddings) ? reply.embeddings : [];
    return {
      kind: 'json',
      value: {
        object: 'list',
        data: vectors.map((embedding: unknown, index) => ({
          object: 'embedding',
          index,
          embedding,
        })),
        model: model.id,
      },
    };
  }

  private async ollamaChatAsOpenAI(
    payload: Json,
    model: ModelRecord,
    user: AuthenticatedUser,
    signal: AbortSignal,
    accessChecked = false,
  ): Promise<RelayResult> {
    const connection = await this.ollamaTarget(model.id, user, undefined, accessChecked);
    const upstreamModel = stripPrefix(model.id, prefixOf(connection.settings));
    const ollamaBody = openAIToOllamaChat(payload, upstreamModel);
    const upstream = await this.post(connection, '/api/chat', ollamaBody, user, signal);
    if (ollamaBody.stream === true) {
      return {
        kind: 'stream',
        upstream,
        body: new OllamaToOpenAIStream(model.id),
        contentType: 'text/event-stream; charset=utf-8',
      };
    }
    const reply = parseJson(await this.readWhole(upstream));
    return {
      kind: 'json',
      value: ollamaReplyToCompletion(
        isObject(reply) ? reply : {},
        model.id,
        this.clock.nowSeconds(),
      ),
    };
  }

  /** The connection to use for an Ollama model: the given index, or a random server that has it. */
  private async ollamaTarget(
    requested: string,
    user: AuthenticatedUser,
    index?: number,
    accessChecked = false,
  ): Promise<Connection> {
    if (index !== undefined) return this.connection('ollama', index);
    const snapshot = await this.catalog.current();
    const name = withLatestTag(requested);
    const entry = snapshot.ollama.get(name) ?? snapshot.ollama.get(requested);
    if (!entry || entry.urls.length === 0) {
      throw new BadRequestError(`Model '${requested}' was not found`);
    }
    const model = snapshot.byId.get(entry.model);
    if (model && !accessChecked) await this.checkAccess(user, model);
    const chosen = entry.urls[Math.floor(Math.random() * entry.urls.length)];
    return this.connection('ollama', chosen);
  }

  private connection(kind: ProviderKind, index: number): Connection {
    const set = this.connections.get(kind);
    if (!set.enabled || !Number.isInteger(index) || index < 0 || index >= set.urls.length) {
      throw new ConnectionNotFoundError(kind);
    }
    return resolveConnection(kind, set, index);
  }

  private async checkAccess(user: AuthenticatedUser, model: ModelRecord): Promise<void> {
    const allowed = await this.access.visibleIds(user, [model.id]);
    if (!allowed.has(model.id)) throw new ForbiddenError('Model not found');
  }

  /** POST to Ollama; a status >= 400 becomes `Ollama: <error>` with that status. */
  private async post(
    connection: Connection,
    path: string,
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const upstream = await this.send(connection, path, body, user, signal);
    if ((upstream.statusCode ?? 500) < 400) return upstream;
    throw await ollamaStatusError(upstream);
  }

  /**
   * The deprecated `/openai/{path}` catch-all (ENABLE_OPENAI_API_PASSTHROUGH): to the connection
   * of the body's model, else connection 0, with that connection's credentials; the answer,
   * errors included, is relayed as it comes.
   */
  async passthrough(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: Json | undefined,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    if (!this.config.providers.openAIPassthrough || escapesBase(path)) {
      throw new NotFoundError('Not Found');
    }
    let urlIdx = 0;
    let forwarded = body;
    const requested = typeof body?.model === 'string' ? body.model : undefined;
    if (requested) {
      const model = (await this.catalog.current()).openai.get(requested);
      if (model) {
        await this.checkAccess(user, model);
        urlIdx = model.urlIdx;
      }
    }
    const connection = this.connection('openai', urlIdx);
    if (requested && forwarded) {
      forwarded = { ...forwarded, model: stripPrefix(requested, prefixOf(connection.settings)) };
    }
    return this.send(connection, `/${path}`, forwarded, user, signal, undefined, method);
  }

  private async send(
    connection: Connection,
    path: string,
    body: Json | undefined,
    user: AuthenticatedUser,
    signal: AbortSignal,
    chatId?: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'POST',
  ): Promise<IncomingMessage> {
    const operation = operationOf(path);
    const call =
      operation === undefined
        ? undefined
        : this.telemetry.start({
            provider: connection.kind,
            connection: `${connection.kind}-${connection.index}`,
            model: typeof body?.model === 'string' ? body.model : '',
            operation,
            streamed: body !== undefined && isStreamed(path, body),
          });
    let upstream: IncomingMessage;
    try {
      upstream = await this.http.open({
        method,
        url: `${connection.url}${path}`,
        headers: connectionHeaders(
          connection,
          user,
          this.config.providers.forwardUserInfoHeaders,
          chatId,
        ),
        body: method === 'GET' || body === undefined ? undefined : JSON.stringify(body),
        signal,
        timeoutMs: this.config.providers.requestTimeoutMs,
      });
    } catch (error) {
      if (!signal.aborted) {
        call?.fail(
          error instanceof UpstreamConnectionError && error.timedOut ? 'timeout' : 'refused',
          error,
        );
      }
      call?.end();
      // Unreachable, timed out, or the client left first: Open WebUI's generic 500.
      if (error instanceof UpstreamConnectionError || signal.aborted)
        throw new ServerConnectionError();
      throw error;
    }
    if (call) {
      const tap = new ModelCallTap(call, upstream, signal);
      if ((upstream.statusCode ?? 500) >= 400) tap.fail(`http_${upstream.statusCode ?? 500}`);
      attachTap(upstream, tap);
    }
    return upstream;
  }

  /** Reads a non-streamed reply whole, handing it to the call's telemetry. */
  private async readWhole(upstream: IncomingMessage): Promise<string> {
    const text = await readText(upstream);
    tapOf(upstream)?.whole(text);
    return text;
  }
}

/** A path with `.`/`..` segments (raw or percent-encoded) could leave the connection's base URL. */
function escapesBase(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.split('?', 1)[0]);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((segment) => segment === '.' || segment === '..');
}

/** A streamed OpenAI chat asks for the usage chunk (`stream_options.include_usage`). */
function withUsageReport(payload: Json): Json {
  if (payload.stream !== true) return payload;
  const options = isObject(payload.stream_options) ? payload.stream_options : {};
  return { ...payload, stream_options: { ...options, include_usage: true } };
}

/** The chat a request belongs to (Open WebUI's `chat_id`, or `metadata.chat_id`). */
function chatIdOf(body: Json): string | undefined {
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const chatId = body.chat_id ?? metadata.chat_id;
  return typeof chatId === 'string' && chatId !== '' ? chatId : undefined;
}

/** The GenAI operation of a model-server path; undefined for calls that are not model calls. */
function operationOf(path: string): string | undefined {
  if (path.includes('embed')) return 'embeddings';
  if (path.endsWith('/chat') || path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/generate') || path.endsWith('/completions')) return 'text_completion';
  return undefined;
}

/** Ollama's native chat/generate stream unless told not to; OpenAI's only when asked. */
function isStreamed(path: string, body: Json): boolean {
  if (path === '/api/chat' || path === '/api/generate') return body.stream !== false;
  return !path.includes('embed') && body.stream === true;
}

function modelField(body: Json, fields: string[]): string {
  for (const field of fields) {
    const value = body[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw new BadRequestError('Model not found');
}

function stripPrefix(model: string, prefix: string | undefined): string {
  return prefix && model.startsWith(`${prefix}.`) ? model.slice(prefix.length + 1) : model;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
