import { Injectable } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { RedisConnection } from '@atrium/redis';
import type { RevokedToken } from './revoked-tokens.repository.js';
import type { TokenRevocationStore } from './token-revocation.store.js';

/**
 * Revocations in Redis under `{REDIS_KEY_PREFIX}:auth:revoked:<sha256>`, each expiring when the
 * token would have. Shared by every instance on the Redis. Throws when Redis is unreachable
 * (the caller decides what that means).
 */
@Injectable()
export class RedisTokenRevocationStore implements TokenRevocationStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.redis.enabled;
  }

  /** Runs `listener` each time the Redis connection becomes ready (again). */
  onReady(listener: () => void): void {
    this.redis.client?.on('ready', listener);
  }

  async revoke(tokenHash: string, expiresAt: number | null): Promise<void> {
    await this.revokeMany([{ tokenHash, expiresAt }]);
  }

  async revokeMany(tokens: RevokedToken[]): Promise<void> {
    const client = this.requireClient();
    const now = this.clock.nowSeconds();
    const pipeline = client.pipeline();
    let queued = 0;
    for (const token of tokens) {
      const key = this.key(token.tokenHash);
      if (token.expiresAt === null) {
        pipeline.set(key, '1');
      } else if (token.expiresAt > now) {
        pipeline.set(key, '1', 'EX', token.expiresAt - now);
      } else {
        continue;
      }
      queued += 1;
    }
    if (queued === 0) return;
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  async isRevoked(tokenHash: string): Promise<boolean> {
    return (await this.requireClient().exists(this.key(tokenHash))) > 0;
  }

  private key(tokenHash: string): string {
    return this.redis.key('auth', 'revoked', tokenHash);
  }

  private requireClient() {
    const client = this.redis.client;
    if (!client) throw new Error('Redis is not configured');
    return client;
  }
}
