import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseHealth } from '@atrium/database';
import { RedisConnection } from '@atrium/redis';
import { ProbeFailedError, ProbeFailures, type ProbeFailure } from './system.errors.js';

/** A probe that takes longer than this counts as failed: orchestrators time out around 1-5 s. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness as Open WebUI reports them.
 *
 * Startup is complete once every module has initialised: Nest runs every onModuleInit (migrations,
 * settings seeding, Redis connect...) before any onApplicationBootstrap, and this hook runs in the
 * bootstrap phase. Work that must finish before traffic arrives therefore belongs in onModuleInit.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Health');
  private startupComplete = false;
  private lastFailure: ProbeFailure | undefined;

  constructor(
    private readonly database: DatabaseHealth,
    private readonly redis: RedisConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.startupComplete = true;
  }

  /** Throws ProbeFailedError (503) when the database does not answer. */
  async assertDatabase(): Promise<void> {
    if (!(await this.databaseAnswers()))
      throw new ProbeFailedError(ProbeFailures.DATABASE_NOT_READY);
  }

  /** Throws ProbeFailedError (503) unless started, the database answers and Redis (when configured) answers. */
  async assertReady(): Promise<void> {
    const failure = await this.readinessFailure();
    if (failure !== this.lastFailure) {
      if (failure) this.logger.warn(`not ready: ${failure}`);
      else if (this.lastFailure) this.logger.log('ready again');
      this.lastFailure = failure;
    }
    if (failure) throw new ProbeFailedError(failure);
  }

  private async readinessFailure(): Promise<ProbeFailure | undefined> {
    if (!this.startupComplete) return ProbeFailures.STARTUP_NOT_COMPLETE;
    if (!(await this.databaseAnswers())) return ProbeFailures.DATABASE_NOT_READY;
    if (this.redis.client && !(await this.redisAnswers(this.redis.client)))
      return ProbeFailures.REDIS_NOT_READY;
    return undefined;
  }

  private databaseAnswers(): Promise<boolean> {
    return withTimeout(this.database.ping(), false);
  }

  private redisAnswers(client: NonNullable<RedisConnection['client']>): Promise<boolean> {
    return withTimeout(
      client.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      ),
      false,
    );
  }
}

function withTimeout<T>(work: Promise<T>, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), PROBE_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
