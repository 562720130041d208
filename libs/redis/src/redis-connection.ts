import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, redactUrl, type AppConfig } from '@atrium/config';
import { Redis } from 'ioredis';

type MessageHandler = (message: string) => void;

/**
 * The process's Redis connection when REDIS_URL is set (absent otherwise). Commands fail
 * fast instead of queueing while Redis is down, so callers can fall back rather than hang.
 * Every key goes through `key()` to carry REDIS_KEY_PREFIX.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | undefined;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const url = config.redis.url;
    if (url === undefined) return;
    this.client = this.connect(url, 'commands');
  }

  /** Waits briefly for the first connection; a Redis that is down only degrades features. */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready)
      this.logger.warn('Redis is not reachable yet; shared state falls back to this instance');
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** The key with REDIS_KEY_PREFIX, e.g. key('revoked', hash) -> "open-webui:revoked:<hash>". */
  key(...parts: string[]): string {
    return [this.config.redis.keyPrefix, ...parts].join(':');
  }

  /** Publishes on a prefixed channel; false when Redis is off or unreachable. */
  async publish(channel: string, message: string): Promise<boolean> {
    if (!this.client) return false;
    try {
      await this.client.publish(this.key(channel), message);
      return true;
    } catch (error) {
      this.logger.warn(`publish on ${channel} failed: ${(error as Error).message}`);
      return false;
    }
  }

  /** Subscribes to a prefixed channel on a dedicated connection. */
  async subscribe(channel: string, handler: MessageHandler): Promise<void> {
    if (!this.config.redis.url) return;
    const fullChannel = this.key(channel);
    if (!this.subscriber) {
      this.subscriber = this.connect(this.config.redis.url, 'subscriber');
      this.subscriber.on('message', (incoming: string, message: string) => {
        for (const callback of this.handlers.get(incoming) ?? []) callback(message);
      });
    }
    let set = this.handlers.get(fullChannel);
    if (!set) {
      set = new Set();
      this.handlers.set(fullChannel, set);
      try {
        await this.subscriber.subscribe(fullChannel);
      } catch (error) {
        this.logger.warn(`subscribe to ${channel} failed: ${(error as Error).message}`);
      }
    }
    set.add(handler);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.client, this.subscriber]) {
      if (connection) await connection.quit().catch(() => undefined);
    }
  }

  private connect(url: string, role: string): Redis {
    const connection = new Redis(url, {
      connectTimeout: 2000,
      commandTimeout: 2000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: role === 'subscriber',
      // A SUBSCRIBE sent while the ready check (INFO) is still running can be lost; a
      // subscriber has nothing to gain from that check.
      enableReadyCheck: role !== 'subscriber',
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    });
    let warned = false;
    connection.on('error', (error: Error) => {
      if (!warned) this.logger.warn(`${role} connection to ${redactUrl(url)}: ${error.message}`);
      warned = true;
    });
    connection.on('ready', () => {
      if (warned) this.logger.log(`${role} connection to ${redactUrl(url)} restored`);
      warned = false;
    });
    return connection;
  }
}
