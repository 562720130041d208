import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  type PersistedSettingKey,
  type PersistedSettings,
} from '@atrium/config';
import { Clock } from '@atrium/common';
import { RedisConnection } from '@atrium/redis';
import { SettingsRepository } from './settings.repository.js';

const CHANGED_CHANNEL = 'config:changed';

/**
 * Run-time settings (signup switch, default role, JWT expiry, API-key switches...).
 * Env values seed the database once; the database is the source of truth afterwards.
 * Reads are synchronous from memory; a write on any instance reaches every other one
 * through Redis pub/sub, or within CONFIG_POLL_INTERVAL seconds without Redis.
 */
@Injectable()
export class SettingsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Settings');
  private values: PersistedSettings;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: SettingsRepository,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {
    this.values = { ...config.seeds };
  }

  async onModuleInit(): Promise<void> {
    await this.repository.insertMissing({ ...this.config.seeds }, this.clock.nowSeconds());
    await this.reload();
    await this.redis.subscribe(CHANGED_CHANNEL, () => void this.reload());
    // Polling covers instances sharing a database without Redis, and missed messages.
    this.pollTimer = setInterval(() => void this.reload(), this.config.settingsPollSeconds * 1000);
    this.pollTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
  }

  get<K extends PersistedSettingKey>(key: K): PersistedSettings[K] {
    return this.values[key];
  }

  /** Persists the given settings and tells the other instances. */
  async update(changes: Partial<PersistedSettings>): Promise<void> {
    await this.repository.write(changes, this.clock.nowSeconds());
    this.values = { ...this.values, ...changes };
    await this.redis.publish(CHANGED_CHANNEL, Object.keys(changes).join(','));
  }

  /** Re-reads every stored setting; unknown keys are ignored, missing ones keep their seed. */
  async reload(): Promise<void> {
    try {
      const stored = await this.repository.readAll();
      const next: Record<string, unknown> = { ...this.config.seeds };
      for (const key of Object.keys(this.config.seeds)) {
        if (stored.has(key)) next[key] = stored.get(key);
      }
      this.values = next as unknown as PersistedSettings;
    } catch (error) {
      this.logger.warn(`could not reload settings: ${(error as Error).message}`);
    }
  }
}
