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
import {
  ConnectionNotFoundError,
  ServerConnectionError,
  UpstreamStatusError,
} from '../providers.errors.js';
import { connectionHeaders } from './connection-headers.js';
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
  ) {}

  /** POST to an Ollama server; errors become `{"detail": "Ollama: ..."}` with the upstream status. */
  async ollama(
    path: OllamaPath,
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
    index?: number,
  ): Promise<IncomingMessage> {
    const requested = withLatestTag(
      modelField(body, path === '/api/show' ? ['model', 'name'] : ['model']),
    );
    const connection = await this.ollamaTarget(requested, user, index);
    const prefix = prefixOf(connection.settings);
    const field = typeof body.model === 'string' ? 'model' : 'name';
    const forwarded = { ...body, [field]: stripPrefix(requested, prefix) };
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
    const model = snapshot.openai.get(requested);
    if (!model) throw new NotFoundError('Model not found');
    this.checkAccess(user, model);
    const connection = this.connection('openai', model.urlIdx);
    const forwarded: Json = {
      ...body,
      model: stripPrefix(requested, prefixOf(connection.settings)),
    };
    delete forwarded.metadata;
    return this.send(connection, path, forwarded, user, signal);
  }

  /** POST /api/chat/completions in synchronous mode (§5.2): any provider, OpenAI wire format. */
  async chatCompletion(
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<RelayResult> {
    const requested = modelField(body, ['model']);
    const snapshot = await this.catalog.current();
    const model = snapshot.byId.get(requested);
    if (!model) throw new BadRequestError('Model not found');
    this.checkAccess(user, model);
    const payload: Json = { ...body };
    for (const field of OPEN_WEBUI_FIELDS) delete payload[field];
    if (model.owned_by === 'ollama') return this.ollamaChatAsOpenAI(payload, model, user, signal);
    const urlIdx = typeof model.urlIdx === 'number' ? model.urlIdx : 0;
    const connection = this.connection('openai', urlIdx);
    payload.model = stripPrefix(requested, prefixOf(connection.settings));
    const upstream = await this.send(connection, '/chat/completions', payload, user, signal);
    return { kind: 'stream', upstream };
  }

  /** POST /api/embeddings: any provider, OpenAI's embeddings format. */
  async embeddings(body: Json, user: AuthenticatedUser, signal: AbortSignal): Promise<RelayResult> {
    const requested = modelField(body, ['model']);
    const model = (await this.catalog.current()).byId.get(requested);
    if (!model) throw new BadRequestError('Model not found');
    this.checkAccess(user, model);
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
    const reply = parseJson(await readText(upstream));
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
  ): Promise<RelayResult> {
    const connection = await this.ollamaTarget(model.id, user);
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
    const reply = parseJson(await readText(upstream));
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
  ): Promise<Connection> {
    if (index !== undefined) return this.connection('ollama', index);
    const snapshot = await this.catalog.current();
    const name = withLatestTag(requested);
    const entry = snapshot.ollama.get(name) ?? snapshot.ollama.get(requested);
    if (!entry || entry.urls.length === 0) {
      throw new BadRequestError(`Model '${requested}' was not found`);
    }
    const model = snapshot.byId.get(entry.model);
    if (model) this.checkAccess(user, model);
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

  private checkAccess(user: AuthenticatedUser, model: ModelRecord): void {
    if (!this.access.canUse(user, model)) throw new ForbiddenError('Model not found');
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
    const status = upstream.statusCode ?? 500;
    if (status < 400) return upstream;
    const text = await readText(upstream).catch(() => '');
    const parsed = parseJson(text);
    const error = isObject(parsed) ? (parsed.error ?? parsed.detail) : undefined;
    const message = isObject(error) ? error.message : error;
    throw new UpstreamStatusError(
      status,
      `Ollama: ${typeof message === 'string' ? message : text || `HTTP ${status}`}`,
    );
  }

  private async send(
    connection: Connection,
    path: string,
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    try {
      return await this.http.open({
        method: 'POST',
        url: `${connection.url}${path}`,
        headers: connectionHeaders(connection, user, this.config.providers.forwardUserInfoHeaders),
        body: JSON.stringify(body),
        signal,
        timeoutMs: this.config.providers.requestTimeoutMs,
      });
    } catch (error) {
      // Unreachable, timed out, or the client left first: Open WebUI's generic 500.
      if (error instanceof UpstreamConnectionError || signal.aborted)
        throw new ServerConnectionError();
      throw error;
    }
  }
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
