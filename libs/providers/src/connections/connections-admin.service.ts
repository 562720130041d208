import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type ConnectionSettings } from '@atrium/config';
import { DomainError } from '@atrium/common';
import { AuditTrailService, MASK, maskSecrets } from '@atrium/observability';
import type {
  OllamaConfigDto,
  OllamaConfigResponse,
  OpenAIConfigDto,
  OpenAIConfigResponse,
} from '../dto/connection-config.dto.js';
import { ServerConnectionError, UpstreamStatusError } from '../providers.errors.js';
import { connectionHeaders } from '../relay/connection-headers.js';
import { UpstreamConnectionError, UpstreamHttpClient } from '../relay/upstream-http.client.js';
import { ConnectionsService } from './connections.service.js';

/** The admin routes' view of the connections: Open WebUI's config shapes and verification. */
@Injectable()
export class ConnectionsAdminService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly http: UpstreamHttpClient,
    private readonly trail: AuditTrailService,
  ) {}

  ollamaConfig(): OllamaConfigResponse {
    const set = this.connections.get('ollama');
    return {
      ENABLE_OLLAMA_API: set.enabled,
      OLLAMA_BASE_URLS: set.urls,
      OLLAMA_API_CONFIGS: set.configs,
    };
  }

  openAIConfig(): OpenAIConfigResponse {
    const set = this.connections.get('openai');
    return {
      ENABLE_OPENAI_API: set.enabled,
      OPENAI_API_BASE_URLS: set.urls,
      OPENAI_API_KEYS: set.keys,
      OPENAI_API_CONFIGS: set.configs,
    };
  }

  async updateOllama(form: OllamaConfigDto): Promise<OllamaConfigResponse> {
    const before = this.ollamaConfig();
    await this.connections.update('ollama', {
      enabled: form.ENABLE_OLLAMA_API ?? before.ENABLE_OLLAMA_API,
      urls: form.OLLAMA_BASE_URLS,
      keys: [],
      configs: form.OLLAMA_API_CONFIGS ?? {},
    });
    const after = this.ollamaConfig();
    await this.audit('ollama', before, after);
    return after;
  }

  async updateOpenAI(form: OpenAIConfigDto): Promise<OpenAIConfigResponse> {
    const before = this.openAIConfig();
    await this.connections.update('openai', {
      enabled: form.ENABLE_OPENAI_API ?? before.ENABLE_OPENAI_API,
      urls: form.OPENAI_API_BASE_URLS,
      keys: form.OPENAI_API_KEYS ?? [],
      configs: form.OPENAI_API_CONFIGS ?? {},
    });
    const after = this.openAIConfig();
    await this.audit('openai', before, after);
    return after;
  }

  /** The change in the admin audit trail, every key (list or per-connection `key`) masked. */
  private audit(kind: 'ollama' | 'openai', before: object, after: object): Promise<void> {
    return this.trail.record({
      action: 'connection.updated',
      targetType: 'connection',
      targetId: kind,
      before: maskConnectionKeys(before),
      after: maskConnectionKeys(after),
    });
  }

  /** GET {url}/api/version; any failure is a 500 as in Open WebUI. */
  async verifyOllama(url: string, key = ''): Promise<unknown> {
    const response = await this.probe(`${trim(url)}/api/version`, trim(url), key, {});
    if (response.status !== 200) {
      const error = (response.body as { error?: unknown } | undefined)?.error;
      throw new DomainError(
        500,
        error === undefined
          ? `HTTP Error: ${response.status}`
          : `External Error: ${typeof error === 'string' ? error : JSON.stringify(error)}`,
      );
    }
    return response.body;
  }

  /** GET {url}/models; an upstream error keeps its status and body. */
  async verifyOpenAI(
    url: string,
    key: string,
    settings: ConnectionSettings = {},
  ): Promise<unknown> {
    const response = await this.probe(`${trim(url)}/models`, trim(url), key, settings);
    if (response.status !== 200) {
      throw new UpstreamStatusError(response.status, describe(response.body, response.text));
    }
    return response.body;
  }

  private async probe(target: string, url: string, key: string, settings: ConnectionSettings) {
    try {
      return await this.http.json({
        method: 'GET',
        url: target,
        headers: connectionHeaders({ kind: 'openai', index: 0, url, key, settings }),
        timeoutMs: this.config.providers.modelListTimeoutMs,
      });
    } catch (error) {
      if (error instanceof UpstreamConnectionError) throw new ServerConnectionError();
      throw error;
    }
  }
}

/** A config response with its keys masked: the key list and each connection's `key`. */
export function maskConnectionKeys(config: object): unknown {
  const masked = maskSecrets(config) as Record<string, unknown>;
  for (const [name, value] of Object.entries(masked)) {
    if (name.endsWith('_API_KEYS') && Array.isArray(value)) {
      masked[name] = value.map((key) => (key === '' ? '' : MASK));
    }
    if (name.endsWith('_API_CONFIGS') && value && typeof value === 'object') {
      for (const settings of Object.values(value as Record<string, unknown>)) {
        const entry = settings as Record<string, unknown> | null;
        if (
          entry &&
          typeof entry === 'object' &&
          typeof entry.key === 'string' &&
          entry.key !== ''
        ) {
          entry.key = MASK;
        }
      }
    }
  }
  return masked;
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}

function describe(body: unknown, text: string): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  if (
    error &&
    typeof error === 'object' &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return text || 'Open WebUI: Server Connection Error';
}
