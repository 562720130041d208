import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { Clock, DomainError, type AuthenticatedUser } from '@atrium/common';
import { ModelsService as WorkspaceModelsService, overlayWorkspaceModels } from '@atrium/models';
import { connectionAt } from '../connections/connection-index.js';
import { isEnabled, type ProviderKind } from '../connections/connection.types.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { ServerConnectionError } from '../providers.errors.js';
import { connectionHeaders } from '../relay/connection-headers.js';
import { OllamaModelAdminService } from '../relay/ollama-model-admin.service.js';
import { UpstreamConnectionError, UpstreamHttpClient } from '../relay/upstream-http.client.js';
import { MODEL_ACCESS_POLICY, type ModelAccessPolicy } from './model-access.policy.js';
import { ModelCatalogService } from './model-catalog.service.js';
import type { ModelRecord, OllamaModelEntry, OpenAIModelEntry } from './model-record.js';

/** The model lists of the read routes, filtered by the access policy. */
@Injectable()
export class ModelsService {
  /** The last /api/models body of callers who see everything, with what it was built from. */
  private sharedList: { snapshot: object; rows: object; body: Buffer } | undefined;

  constructor(
    private readonly catalog: ModelCatalogService,
    @Inject(MODEL_ACCESS_POLICY) private readonly access: ModelAccessPolicy,
    private readonly connections: ConnectionsService,
    private readonly http: UpstreamHttpClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ollamaAdmin: OllamaModelAdminService,
    private readonly workspaceModels: WorkspaceModelsService,
  ) {}

  /** GET /ollama/api/tags/{idx}, /openai/models/{idx}: one connection's raw upstream list. */
  async rawList(kind: ProviderKind, index: string): Promise<unknown> {
    const connection = connectionAt(kind, this.connections.get(kind), index);
    try {
      return await this.catalog.rawList(connection);
    } catch (error) {
      if (error instanceof UpstreamConnectionError) throw new ServerConnectionError();
      throw new DomainError(500, `Unexpected error: ${(error as Error).message}`);
    }
  }

  /** GET /ollama/v1/models[/{idx}]: Ollama models in OpenAI's list shape. */
  async ollamaOpenAIList(user: AuthenticatedUser, index?: string): Promise<unknown> {
    const created = this.clock.nowSeconds();
    const names =
      index === undefined
        ? (await this.ollamaTags(user)).models.map((entry) => entry.model)
        : (
            ((await this.rawList('ollama', index)) as { models?: { model?: string }[] })?.models ??
            []
          )
            .map((entry) => entry.model)
            .filter((name): name is string => typeof name === 'string');
    return {
      data: names.map((id) => ({ id, object: 'model', created, owned_by: 'openai' })),
      object: 'list',
    };
  }

  /** GET /ollama/api/version[/{idx}]: the lowest version among the enabled servers. */
  async ollamaVersion(index?: string): Promise<{ version: string | false }> {
    const set = this.connections.get('ollama');
    if (!set.enabled) return { version: false };
    const targets =
      index === undefined
        ? set.urls
            .map((_, position) => connectionAt('ollama', set, String(position)))
            .filter((connection) => isEnabled(connection.settings))
        : [connectionAt('ollama', set, index)];
    const versions = await Promise.all(
      targets.map(async (connection) => {
        try {
          const response = await this.http.json({
            method: 'GET',
            url: `${connection.url}/api/version`,
            headers: connectionHeaders(connection),
            timeoutMs: this.config.providers.modelListTimeoutMs,
          });
          const version = (response.body as { version?: unknown } | undefined)?.version;
          return response.status === 200 && typeof version === 'string' ? version : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const found = versions.filter((version): version is string => version !== undefined);
    if (found.length === 0) throw new ServerConnectionError();
    found.sort(compareVersions);
    return { version: found[0] };
  }

  /**
   * GET /api/models: `{data:[…]}` (§4.3) the caller may use: the provider models with the
   * workspace rows layered over them (§4.2 step 5: renamed or hidden base models, presets as
   * their own entries), then filtered by access (§7.3).
   */
  async forUser(user: AuthenticatedUser, refresh = false): Promise<{ data: ModelRecord[] }> {
    const [snapshot, rows] = await Promise.all([
      this.catalog.current(refresh),
      this.workspaceModels.allModels(),
    ]);
    const listed =
      rows.length === 0 ? snapshot.models : overlayWorkspaceModels(snapshot.models, rows);
    return { data: await this.visible(user, listed) };
  }

  /**
   * forUser() as JSON bytes. Callers who see every model share one body, serialized once per
   * (catalog snapshot, workspace rows) pair; the others get theirs built per request.
   */
  async forUserJson(user: AuthenticatedUser, refresh = false): Promise<Buffer> {
    if (!this.access.seesEverything?.(user)) {
      return Buffer.from(JSON.stringify(await this.forUser(user, refresh)));
    }
    const [snapshot, rows] = await Promise.all([
      this.catalog.current(refresh),
      this.workspaceModels.allModels(),
    ]);
    const cached = this.sharedList;
    if (cached?.snapshot === snapshot && cached.rows === rows) return cached.body;
    const data =
      rows.length === 0 ? snapshot.models : overlayWorkspaceModels(snapshot.models, rows);
    const body = Buffer.from(JSON.stringify({ data }));
    this.sharedList = { snapshot, rows, body };
    return body;
  }

  /** GET /api/models/base (admin): every provider model, unfiltered. */
  async base(refresh = false): Promise<{ data: ModelRecord[] }> {
    return { data: (await this.catalog.current(refresh)).models };
  }

  /**
   * GET /ollama/api/tags: the merged Ollama entries the caller may use, each loaded one with
   * the `expires_at` its server reports in /api/ps (asked only of servers that listed models).
   */
  async ollamaTags(user: AuthenticatedUser): Promise<{ models: OllamaModelEntry[] }> {
    const snapshot = await this.catalog.current();
    const entries = [...snapshot.ollama.values()];
    const allowed = await this.access.visibleIds(
      user,
      entries.filter((entry) => snapshot.byId.has(entry.model)).map((entry) => entry.model),
    );
    const models = entries.filter((entry) => allowed.has(entry.model));
    const servers = [...new Set(models.flatMap((entry) => entry.urls))];
    if (servers.length === 0) return { models };
    const loaded = await this.ollamaAdmin.loadedOn(servers);
    const expiry = new Map<string, unknown>();
    for (const list of loaded) {
      for (const entry of list ?? []) {
        if (entry.expires_at !== undefined && !expiry.has(entry.model)) {
          expiry.set(entry.model, entry.expires_at);
        }
      }
    }
    if (expiry.size === 0) return { models };
    return {
      models: models.map((entry) =>
        expiry.has(entry.model) ? { ...entry, expires_at: expiry.get(entry.model) } : entry,
      ),
    };
  }

  /** GET /openai/models: the merged OpenAI-compatible entries the caller may use. */
  async openAIModels(user: AuthenticatedUser): Promise<{ data: OpenAIModelEntry[] }> {
    const snapshot = await this.catalog.current();
    return { data: await this.visible(user, [...snapshot.openai.values()]) };
  }

  private async visible<T extends { id: string }>(
    user: AuthenticatedUser,
    models: T[],
  ): Promise<T[]> {
    const allowed = await this.access.visibleIds(
      user,
      models.map((model) => model.id),
    );
    return models.filter((model) => allowed.has(model.id));
  }
}

function compareVersions(left: string, right: string): number {
  const a = left.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const b = right.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let position = 0; position < Math.max(a.length, b.length); position++) {
    const difference = (a[position] ?? 0) - (b[position] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
