import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { BadRequestError, DomainError, type AuthenticatedUser } from '@atrium/common';
import { ModelCatalogService } from '../catalog/model-catalog.service.js';
import { withLatestTag, type OllamaModelEntry } from '../catalog/model-record.js';
import {
  isEnabled,
  prefixOf,
  resolveConnection,
  type Connection,
} from '../connections/connection.types.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { ConnectionNotFoundError, ServerConnectionError } from '../providers.errors.js';
import { connectionHeaders } from './connection-headers.js';
import { ollamaStatusError } from './ollama-upstream-error.js';
import { requiredField } from './request-body.js';
import {
  readText,
  UpstreamConnectionError,
  UpstreamHttpClient,
  type UpstreamRequest,
} from './upstream-http.client.js';

type Json = Record<string, unknown>;

/**
 * Model management on the Ollama servers (§3.9, admin routes): what is loaded (/api/ps), pull,
 * push, create (streamed NDJSON progress, relayed as it comes), copy, delete and unload. Without
 * an explicit index, copy/delete/push go to the first server that has the model, pull/create to
 * server 0, unload to every server that has it.
 */
@Injectable()
export class OllamaModelAdminService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly catalog: ModelCatalogService,
    private readonly http: UpstreamHttpClient,
  ) {}

  /** GET /ollama/api/ps: the loaded models of every enabled server, merged by name (`urls`). */
  async loaded(): Promise<{ models: OllamaModelEntry[] }> {
    const set = this.connections.get('ollama');
    if (!set.enabled) return { models: [] };
    const indices = set.urls.map((_, index) => index);
    const lists = await this.loadedOn(indices);
    const merged = new Map<string, OllamaModelEntry>();
    lists.forEach((list, index) => {
      for (const model of list ?? []) {
        const existing = merged.get(model.model);
        if (existing) existing.urls.push(index);
        else merged.set(model.model, { ...model, urls: [index] });
      }
    });
    return { models: [...merged.values()] };
  }

  /**
   * Each given server's /api/ps list with model names prefixed as in the catalog; null for a
   * server that is disabled or does not answer within the model-list timeout.
   */
  async loadedOn(indices: number[]): Promise<(OllamaModelEntry[] | null)[]> {
    const set = this.connections.get('ollama');
    const lists: (OllamaModelEntry[] | null)[] = set.urls.map(() => null);
    await Promise.all(
      indices.map(async (index) => {
        if (index < 0 || index >= set.urls.length) return;
        const connection = resolveConnection('ollama', set, index);
        if (!isEnabled(connection.settings)) return;
        try {
          const response = await this.http.json({
            method: 'GET',
            url: `${connection.url}/api/ps`,
            headers: connectionHeaders(connection),
            timeoutMs: this.config.providers.modelListTimeoutMs,
          });
          const models = (response.body as { models?: unknown } | undefined)?.models;
          if (response.status >= 400 || !Array.isArray(models)) return;
          const prefix = prefixOf(connection.settings);
          lists[index] = models.flatMap((raw: unknown) => {
            if (!raw || typeof raw !== 'object') return [];
            const entry = raw as Json;
            const name = typeof entry.model === 'string' ? entry.model : entry.name;
            if (typeof name !== 'string') return [];
            const model = prefix ? `${prefix}.${name}` : name;
            return [
              {
                ...entry,
                name: typeof entry.name === 'string' ? entry.name : name,
                model,
                urls: [],
              },
            ];
          });
        } catch {
          // A server that does not answer has nothing loaded as far as we can tell.
        }
      }),
    );
    return lists;
  }

  /** POST /ollama/api/pull[/{idx}]: NDJSON progress from server `idx` (default 0). */
  pull(
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
    idx = 0,
  ): Promise<IncomingMessage> {
    const connection = this.connection(idx);
    const model = nameOf(body);
    return this.stream(
      connection,
      'POST',
      '/api/pull',
      { ...body, model, insecure: true },
      user,
      signal,
    );
  }

  /** DELETE /ollama/api/push[/{idx}] (sic): NDJSON progress. */
  async push(
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
    idx?: number,
  ): Promise<IncomingMessage> {
    const model = requiredField(body, 'model');
    const connection = await this.holder(model, idx);
    const forwarded = { ...body, model: stripPrefix(model, connection) };
    return this.stream(connection, 'POST', '/api/push', forwarded, user, signal);
  }

  /** POST /ollama/api/create[/{idx}]: passthrough to server `idx` (default 0), streamed. */
  create(
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
    idx = 0,
  ): Promise<IncomingMessage> {
    return this.stream(this.connection(idx), 'POST', '/api/create', body, user, signal);
  }

  /** POST /ollama/api/copy[/{idx}]: `{source, destination}` on the server that has `source`. */
  async copy(body: Json, user: AuthenticatedUser, idx?: number): Promise<true> {
    const source = requiredField(body, 'source');
    const destination = requiredField(body, 'destination');
    const connection = await this.holder(source, idx);
    await this.call(
      connection,
      'POST',
      '/api/copy',
      {
        source: stripPrefix(source, connection),
        destination: stripPrefix(destination, connection),
      },
      user,
    );
    this.catalog.invalidate();
    return true;
  }

  /** DELETE /ollama/api/delete[/{idx}]: `{model|name}` on the (first) server that has it. */
  async delete(body: Json, user: AuthenticatedUser, idx?: number): Promise<true> {
    const model = nameOf(body);
    if (!model) throw new BadRequestError(modelNotFound(model));
    const connection = await this.holder(model, idx);
    const upstreamName = stripPrefix(model, connection);
    await this.call(connection, 'DELETE', '/api/delete', { ...body, model: upstreamName }, user);
    this.catalog.invalidate();
    return true;
  }

  /** POST /ollama/api/unload: `keep_alive: 0` to every server that has the model. */
  async unload(body: Json, user: AuthenticatedUser): Promise<{ status: true }> {
    const requested = nameOf(body);
    if (!requested) throw new BadRequestError('Missing name of the model to unload.');
    const model = withLatestTag(requested);
    const entry = (await this.catalog.current()).ollama.get(model);
    if (!entry) throw new BadRequestError(modelNotFound(model));
    const set = this.connections.get('ollama');
    const errors: { url_idx: number; error: string }[] = [];
    await Promise.all(
      entry.urls.map(async (index) => {
        const connection = resolveConnection('ollama', set, index);
        const payload = { model: stripPrefix(model, connection), keep_alive: 0, prompt: '' };
        try {
          await this.call(connection, 'POST', '/api/generate', payload, user);
        } catch (error) {
          errors.push({ url_idx: index, error: (error as Error).message });
        }
      }),
    );
    if (errors.length > 0) {
      throw new DomainError(
        500,
        `Failed to unload model on ${errors.length} nodes: ${JSON.stringify(errors)}`,
      );
    }
    return { status: true };
  }

  /** The server at an explicit index, or the first one listing `model`. */
  private async holder(model: string, idx: number | undefined): Promise<Connection> {
    if (idx !== undefined) return this.connection(idx);
    const snapshot = await this.catalog.current();
    const entry = snapshot.ollama.get(model) ?? snapshot.ollama.get(withLatestTag(model));
    if (!entry || entry.urls.length === 0) throw new BadRequestError(modelNotFound(model));
    return this.connection(entry.urls[0]);
  }

  private connection(index: number): Connection {
    const set = this.connections.get('ollama');
    if (!set.enabled || !Number.isInteger(index) || index < 0 || index >= set.urls.length) {
      throw new ConnectionNotFoundError('ollama');
    }
    return resolveConnection('ollama', set, index);
  }

  /** A streamed call: the response once its headers arrive; `Ollama: …` errors with their status. */
  private async stream(
    connection: Connection,
    method: UpstreamRequest['method'],
    path: string,
    body: Json,
    user: AuthenticatedUser,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const upstream = await this.open(connection, method, path, body, user, signal);
    if ((upstream.statusCode ?? 500) >= 400) throw await ollamaStatusError(upstream);
    return upstream;
  }

  /** A short call whose answer is read whole (and dropped). */
  private async call(
    connection: Connection,
    method: UpstreamRequest['method'],
    path: string,
    body: Json,
    user: AuthenticatedUser,
  ): Promise<void> {
    const upstream = await this.open(connection, method, path, body, user);
    if ((upstream.statusCode ?? 500) >= 400) throw await ollamaStatusError(upstream);
    await readText(upstream).catch(() => {
      throw new ServerConnectionError();
    });
  }

  private async open(
    connection: Connection,
    method: UpstreamRequest['method'],
    path: string,
    body: Json,
    user: AuthenticatedUser,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    try {
      return await this.http.open({
        method,
        url: `${connection.url}${path}`,
        headers: connectionHeaders(connection, user, this.config.providers.forwardUserInfoHeaders),
        body: JSON.stringify(body),
        signal,
        timeoutMs: this.config.providers.requestTimeoutMs,
      });
    } catch (error) {
      if (error instanceof UpstreamConnectionError || signal?.aborted) {
        throw new ServerConnectionError();
      }
      throw error;
    }
  }
}

function nameOf(body: Json): string {
  const value = body.model ?? body.name;
  return typeof value === 'string' ? value : '';
}

function stripPrefix(model: string, connection: Connection): string {
  const prefix = prefixOf(connection.settings);
  return prefix && model.startsWith(`${prefix}.`) ? model.slice(prefix.length + 1) : model;
}

function modelNotFound(model: string): string {
  return `Model '${model}' was not found`;
}
