import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { Clock } from '@atrium/common';
import { AtriumMetrics } from '@atrium/observability';
import {
  isEnabled,
  prefixOf,
  resolveConnection,
  stringList,
  type Connection,
  type ProviderKind,
} from '../connections/connection.types.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { connectionHeaders } from '../relay/connection-headers.js';
import { UpstreamConnectionError, UpstreamHttpClient } from '../relay/upstream-http.client.js';
import {
  normalizeTags,
  type CatalogSnapshot,
  type ModelRecord,
  type OllamaModelEntry,
  type OpenAIModelEntry,
} from './model-record.js';

type RawModel = Record<string, unknown>;

interface ConnectionHealth {
  failures: number;
  retryAt: number;
  lastGood?: { models: RawModel[]; at: number };
}

const MAX_BACKOFF_MS = 60_000;
const OPENAI_SKIPPED = ['babbage', 'dall-e', 'davinci', 'embedding', 'tts', 'whisper'];

/**
 * The merged model list of every enabled connection (§4.2). Each connection is listed in parallel
 * with its own short timeout; the result is cached for MODELS_CACHE_TTL and, once stale, still
 * served while one background refresh runs. A connection that fails is retried with exponential
 * backoff (skipped meanwhile) and its last good list is kept until the cache TTL runs out.
 */
@Injectable()
export class ModelCatalogService {
  private readonly logger = new Logger('ModelCatalog');
  private snapshot: CatalogSnapshot | undefined;
  private refreshing: Promise<CatalogSnapshot> | undefined;
  private readonly health = new Map<string, ConnectionHealth>();
  /** Bumped when the connections change, so a refresh started before cannot store stale results. */
  private generation = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly http: UpstreamHttpClient,
    private readonly clock: Clock,
    private readonly metrics: AtriumMetrics,
  ) {
    connections.onChange(() => this.invalidate());
  }

  /** The cached list (refreshed in the background once stale), or a fresh one on `refresh`. */
  async current(refresh = false): Promise<CatalogSnapshot> {
    const snapshot = this.snapshot;
    if (!snapshot || refresh) return this.refresh();
    if (this.clock.nowMs() - snapshot.builtAt >= this.config.providers.modelsCacheTtlMs) {
      void this.refresh().catch(() => undefined);
    }
    return snapshot;
  }

  /** Forgets the cached list and connection health (connections changed). */
  invalidate(): void {
    this.generation += 1;
    this.snapshot = undefined;
    this.refreshing = undefined;
    this.health.clear();
  }

  /** One connection's raw upstream list (GET /ollama/api/tags/{idx}, /openai/models/{idx}). */
  async rawList(connection: Connection): Promise<unknown> {
    const path = connection.kind === 'ollama' ? '/api/tags' : '/models';
    const response = await this.http.json({
      method: 'GET',
      url: `${connection.url}${path}`,
      headers: connectionHeaders(connection),
      timeoutMs: this.config.providers.modelListTimeoutMs,
    });
    if (response.status >= 400) throw new ListStatusError(response.status);
    return response.body;
  }

  private refresh(): Promise<CatalogSnapshot> {
    if (this.refreshing) return this.refreshing;
    const refreshing = this.build().finally(() => {
      if (this.refreshing === refreshing) this.refreshing = undefined;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async build(): Promise<CatalogSnapshot> {
    const generation = this.generation;
    const [ollamaLists, openaiLists] = await Promise.all([
      this.listAll('ollama'),
      this.listAll('openai'),
    ]);
    const created = this.clock.nowSeconds();
    const ollama = this.mergeOllama(ollamaLists);
    const openai = this.mergeOpenAI(openaiLists);
    const byId = new Map<string, ModelRecord>();
    for (const model of openai.values()) byId.set(model.id, model);
    for (const entry of ollama.values()) {
      byId.set(entry.model, {
        id: entry.model,
        name: entry.name,
        object: 'model',
        created,
        owned_by: 'ollama',
        ollama: entry,
        connection_type: entry.connection_type ?? 'local',
        tags: entry.tags ?? [],
      });
    }
    for (const model of byId.values()) {
      model.tags = normalizeTags(model.tags);
      model.actions ??= [];
      model.filters ??= [];
    }
    const snapshot: CatalogSnapshot = {
      models: [...byId.values()],
      byId,
      ollama,
      openai,
      builtAt: this.clock.nowMs(),
    };
    if (generation === this.generation) this.snapshot = snapshot;
    return snapshot;
  }

  /** Every connection's list (null for disabled or failed ones), fetched in parallel. */
  private async listAll(kind: ProviderKind): Promise<(RawModel[] | null)[]> {
    const set = this.connections.get(kind);
    if (!set.enabled) return [];
    return Promise.all(
      set.urls.map((_, index) => this.listOne(resolveConnection(kind, set, index))),
    );
  }

  private async listOne(connection: Connection): Promise<RawModel[] | null> {
    if (!isEnabled(connection.settings)) return null;
    const allowList = stringList(connection.settings.model_ids);
    if (connection.kind === 'openai' && allowList.length > 0) {
      return allowList.map((id) => ({ id, name: id, owned_by: 'openai', openai: { id } }));
    }
    const healthKey = `${connection.kind}:${connection.index}:${connection.url}`;
    const health = this.health.get(healthKey) ?? { failures: 0, retryAt: 0 };
    const now = this.clock.nowMs();
    if (now < health.retryAt) return this.lastGood(health, now);
    const label = `${connection.kind}-${connection.index}`;
    const timed = this.metrics.timeModelListRefresh(label);
    try {
      const body = await this.rawList(connection).finally(timed);
      const models = extractModels(connection.kind, body);
      this.health.set(healthKey, { failures: 0, retryAt: 0, lastGood: { models, at: now } });
      return models;
    } catch (error) {
      this.metrics.upstreamError(label, failureReason(error));
      health.failures += 1;
      const backoff = Math.min(1000 * 2 ** (health.failures - 1), MAX_BACKOFF_MS);
      health.retryAt = this.clock.nowMs() + backoff;
      this.health.set(healthKey, health);
      this.logger.warn(
        `${connection.kind} connection ${connection.index} failed to list models ` +
          `(${(error as Error).message}); retrying in ${backoff} ms`,
      );
      return this.lastGood(health, this.clock.nowMs());
    }
  }

  private lastGood(health: ConnectionHealth, now: number): RawModel[] | null {
    const last = health.lastGood;
    return last && now - last.at < this.config.providers.modelsCacheTtlMs ? last.models : null;
  }

  private mergeOllama(lists: (RawModel[] | null)[]): Map<string, OllamaModelEntry> {
    const set = this.connections.get('ollama');
    const merged = new Map<string, OllamaModelEntry>();
    lists.forEach((list, index) => {
      if (!list) return;
      const settings = resolveConnection('ollama', set, index).settings;
      const prefix = prefixOf(settings);
      const allowList = stringList(settings.model_ids);
      const tags = settings.tags;
      const connectionType = settings.connection_type ?? 'local';
      for (const raw of list) {
        const upstreamName = typeof raw.model === 'string' ? raw.model : raw.name;
        if (typeof upstreamName !== 'string') continue;
        if (allowList.length > 0 && !allowList.includes(upstreamName)) continue;
        const id = prefix ? `${prefix}.${upstreamName}` : upstreamName;
        const existing = merged.get(id);
        if (existing) {
          existing.urls.push(index);
          continue;
        }
        const entry: OllamaModelEntry = {
          ...raw,
          name: typeof raw.name === 'string' ? raw.name : upstreamName,
          model: id,
          urls: [index],
          connection_type: connectionType,
        };
        if (Array.isArray(tags) && tags.length > 0) entry.tags = tags;
        merged.set(id, entry);
      }
    });
    return merged;
  }

  private mergeOpenAI(lists: (RawModel[] | null)[]): Map<string, OpenAIModelEntry> {
    const set = this.connections.get('openai');
    const merged = new Map<string, OpenAIModelEntry>();
    lists.forEach((list, index) => {
      if (!list) return;
      const connection = resolveConnection('openai', set, index);
      const prefix = prefixOf(connection.settings);
      const tags = connection.settings.tags;
      const connectionType = connection.settings.connection_type ?? 'external';
      const isOpenAI = connection.url.includes('api.openai.com');
      for (const raw of list) {
        const upstreamId = raw.id ?? raw.name;
        if (typeof upstreamId !== 'string' || upstreamId === '') continue;
        if (isOpenAI && OPENAI_SKIPPED.some((word) => upstreamId.includes(word))) continue;
        const model: RawModel = { ...raw };
        if (model.name === null) delete model.name;
        model.id = prefix ? `${prefix}.${upstreamId}` : upstreamId;
        if (Array.isArray(tags) && tags.length > 0) model.tags = tags;
        model.connection_type = connectionType;
        const entry: OpenAIModelEntry = {
          ...model,
          id: model.id as string,
          name: typeof model.name === 'string' ? model.name : (model.id as string),
          owned_by: 'openai',
          openai: model,
          connection_type: connectionType,
          urlIdx: index,
        };
        merged.set(entry.id, entry);
      }
    });
    return merged;
  }
}

class ListStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP Error: ${status}`);
  }
}

function failureReason(error: unknown): string {
  if (error instanceof ListStatusError) return `http_${error.status}`;
  if (error instanceof UpstreamConnectionError) return error.timedOut ? 'timeout' : 'refused';
  return 'invalid_response';
}

function extractModels(kind: ProviderKind, body: unknown): RawModel[] {
  const list =
    kind === 'ollama'
      ? (body as { models?: unknown } | undefined)?.models
      : Array.isArray(body)
        ? body
        : (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(list)
    ? list.filter((item): item is RawModel => typeof item === 'object' && item !== null)
    : [];
}
