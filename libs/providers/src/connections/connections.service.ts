import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, fitLength, type AppConfig, type ConnectionSettings } from '@atrium/config';
import { Clock } from '@atrium/common';
import { RedisConnection } from '@atrium/redis';
import { ConnectionSecretCipher } from './connection-secret.cipher.js';
import type { ConnectionSet, ProviderKind } from './connection.types.js';
import { ConnectionsRepository, type StoredConnections } from './connections.repository.js';

const CHANGED_CHANNEL = 'providers:changed';
const KINDS: readonly ProviderKind[] = ['ollama', 'openai'];

interface Secrets {
  keys: string[];
  configKeys: Record<string, string>;
}

/**
 * The admin-managed Ollama and OpenAI connections. Env values seed the database on first boot;
 * afterwards the database is the truth. Reads are synchronous from memory; a change on any
 * instance reaches the others through Redis, or within CONFIG_POLL_INTERVAL without it.
 */
@Injectable()
export class ConnectionsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Connections');
  private readonly cipher: ConnectionSecretCipher;
  private readonly sets = new Map<ProviderKind, ConnectionSet>();
  private readonly stamps = new Map<ProviderKind, string>();
  private readonly listeners = new Set<(kind: ProviderKind) => void>();
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ConnectionsRepository,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {
    this.cipher = new ConnectionSecretCipher(config.secretKey);
    const { ollama, openai } = config.providers.seeds;
    this.sets.set('ollama', normalize('ollama', { ...ollama, keys: [] }));
    this.sets.set('openai', normalize('openai', openai));
  }

  async onModuleInit(): Promise<void> {
    const now = this.clock.nowSeconds();
    for (const kind of KINDS) {
      await this.repository.insertIfMissing(this.toRow(kind, this.get(kind), now));
    }
    await this.reload();
    await this.redis.subscribe(CHANGED_CHANNEL, () => void this.reload());
    this.pollTimer = setInterval(() => void this.reload(), this.config.settingsPollSeconds * 1000);
    this.pollTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
  }

  get(kind: ProviderKind): ConnectionSet {
    const set = this.sets.get(kind);
    if (!set) throw new Error(`unknown provider kind ${kind}`);
    return set;
  }

  /** Called after any change of `kind`, local or from another instance. */
  onChange(listener: (kind: ProviderKind) => void): void {
    this.listeners.add(listener);
  }

  /** Normalises (keys fitted to the URLs, out-of-range settings dropped), persists, announces. */
  async update(kind: ProviderKind, next: ConnectionSet): Promise<ConnectionSet> {
    const set = normalize(kind, next);
    const row = this.toRow(kind, set, this.clock.nowSeconds());
    await this.repository.save(row);
    this.apply(kind, set, stampOf(row));
    await this.redis.publish(CHANGED_CHANNEL, kind);
    return set;
  }

  async reload(): Promise<void> {
    try {
      for (const row of await this.repository.readAll()) {
        const kind = KINDS.find((candidate) => candidate === row.kind);
        if (!kind || this.stamps.get(kind) === stampOf(row)) continue;
        this.apply(kind, this.fromRow(kind, row), stampOf(row));
      }
    } catch (error) {
      this.logger.warn(`could not reload provider connections: ${(error as Error).message}`);
    }
  }

  private apply(kind: ProviderKind, set: ConnectionSet, stamp: string): void {
    const changed = this.stamps.has(kind) && this.stamps.get(kind) !== stamp;
    this.sets.set(kind, set);
    this.stamps.set(kind, stamp);
    if (changed) for (const listener of this.listeners) listener(kind);
  }

  private toRow(kind: ProviderKind, set: ConnectionSet, now: number): StoredConnections {
    const configKeys: Record<string, string> = {};
    const configs: Record<string, ConnectionSettings> = {};
    for (const [index, settings] of Object.entries(set.configs)) {
      const { key, ...rest } = settings;
      if (typeof key === 'string' && key !== '') configKeys[index] = key;
      configs[index] = rest;
    }
    const secrets: Secrets = { keys: set.keys, configKeys };
    return {
      kind,
      enabled: set.enabled,
      urls: set.urls,
      configs,
      secrets: this.cipher.encrypt(JSON.stringify(secrets)),
      updatedAt: now,
    };
  }

  private fromRow(kind: ProviderKind, row: StoredConnections): ConnectionSet {
    let secrets: Secrets = { keys: [], configKeys: {} };
    try {
      secrets = JSON.parse(this.cipher.decrypt(row.secrets)) as Secrets;
    } catch {
      this.logger.error(
        `${kind} connection keys cannot be decrypted (WEBUI_SECRET_KEY changed?); using none`,
      );
    }
    const configs: Record<string, ConnectionSettings> = {};
    const stored: Record<string, ConnectionSettings> = row.configs ?? {};
    for (const [index, settings] of Object.entries(stored)) {
      const key = secrets.configKeys[index];
      configs[index] = key === undefined ? { ...settings } : { ...settings, key };
    }
    const urls = Array.isArray(row.urls) ? row.urls : [];
    return normalize(kind, { enabled: row.enabled, urls, keys: secrets.keys, configs });
  }
}

/** Open WebUI's rules: keys as long as the URLs, settings only for existing indices. */
function normalize(kind: ProviderKind, set: ConnectionSet): ConnectionSet {
  const urls = set.urls.map((url) => url.replace(/\/+$/, ''));
  const configs: Record<string, ConnectionSettings> = {};
  for (const [index, settings] of Object.entries(set.configs)) {
    const position = /^\d+$/.test(index) ? Number(index) : -1;
    if (position >= 0 && position < urls.length) configs[index] = settings;
  }
  return {
    enabled: set.enabled,
    urls,
    keys: kind === 'openai' ? fitLength(set.keys, urls.length) : [],
    configs,
  };
}

function stampOf(row: StoredConnections): string {
  return `${row.updatedAt}:${row.secrets}`;
}
