import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, redactUrl, type AppConfig } from '@atrium/config';
import { Redis } from 'ioredis';

/**
 * The Redis connections of the realtime layer when WEBSOCKET_MANAGER=redis (WEBSOCKET_REDIS_URL):
 * `commands` for the pools and the adapter's publishes, `subscriber` for the adapter's
 * subscriptions. Commands fail fast while Redis is down, so delivery falls back to this instance
 * instead of queueing; a rejected publish inside @socket.io/redis-adapter (which does not catch
 * it) is swallowed here so an outage can never become an unhandled rejection.
 */
@Injectable()
export class RealtimeRedis implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeRedis');
  readonly commands: Redis | undefined;
  readonly subscriber: Redis | undefined;
  readonly keyPrefix: string;
  private outage = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keyPrefix = config.redis.keyPrefix;
    const url = config.realtime.redisUrl;
    if (config.realtime.manager !== 'redis' || url === undefined) return;
    this.commands = this.connect(url, 'commands', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
    });
    // Subscriptions wait for the connection; ioredis re-subscribes after a reconnect.
    // No ready check: SUBSCRIBE may be written while its INFO is pending, and the INFO reply
    // then resets the connection's subscriber state (the subscription is silently lost).
    this.subscriber = this.connect(url, 'subscriber', {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    });
    swallowRejections(this.commands, ['publish']);
    swallowRejections(this.subscriber, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);
  }

  get enabled(): boolean {
    return this.commands !== undefined;
  }

  /** `{REDIS_KEY_PREFIX}:{parts}`. */
  key(...parts: string[]): string {
    return [this.keyPrefix, ...parts].join(':');
  }

  /** Logs the first failure of an outage only; `restored` ends it. */
  warnOnce(what: string, error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.logger.warn(
      `${what} failed (${(error as Error).message}); realtime falls back to this instance only`,
    );
  }

  /**
   * Waits (briefly) until both links are up and the adapter's subscriptions, queued when the
   * gateway started, are answered: Redis replies in order, so a PING behind them proves it.
   * A Redis that is down only degrades delivery; start-up goes on after the wait.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { commands, subscriber } = this;
    if (!commands || !subscriber) return;
    const ready = await Promise.race([
      Promise.all([whenReady(commands), subscriber.ping()]).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref()),
    ]);
    if (!ready) this.warnOnce('first connection', new Error('not reachable within 3 s'));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.commands, this.subscriber]) {
      if (!connection) continue;
      // QUIT would wait in the offline queue for a Redis that is down: just drop the link then.
      if (connection.status === 'ready') await connection.quit().catch(() => undefined);
      connection.disconnect();
    }
  }

  private connect(
    url: string,
    role: string,
    options: {
      enableOfflineQueue: boolean;
      maxRetriesPerRequest: number | null;
      commandTimeout?: number;
      enableReadyCheck?: boolean;
    },
  ): Redis {
    const connection = new Redis(url, {
      ...options,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    connection.on('error', (error: Error) =>
      this.warnOnce(`${role} connection to ${redactUrl(url)}`, error),
    );
    connection.on('ready', () => {
      if (!this.outage) return;
      this.outage = false;
      this.logger.log(`${role} connection to ${redactUrl(url)} restored`);
    });
    return connection;
  }
}

function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/** Wraps fire-and-forget methods so their rejections are dropped (the 'error' event logs the cause). */
function swallowRejections(client: Redis, methods: string[]): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of methods) {
    const original = target[method].bind(client);
    target[method] = (...args: unknown[]) => original(...args).catch(() => undefined);
  }
}
