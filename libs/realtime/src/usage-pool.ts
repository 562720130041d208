import { Injectable } from '@nestjs/common';
import { RealtimeRedis } from './realtime-redis.js';

/** A model counts as in use while a socket reported it within this window (Open WebUI: 3 s). */
export const USAGE_TTL_MS = 3_000;

/**
 * Models in use, from the clients' `usage` {model} events (sent about every second while a chat
 * generates). In memory, or with WEBSOCKET_MANAGER=redis the sorted set `{prefix}:usage_pool`
 * (member JSON [model, sid], score = ms), so every instance sees every instance's usage; stale
 * entries simply fall out of the time window and the key expires when nobody reports.
 */
@Injectable()
export class UsagePool {
  private readonly local = new Map<string, number>();

  constructor(private readonly redis: RealtimeRedis) {}

  record(model: string, sid: string): void {
    const now = Date.now();
    const entry = JSON.stringify([model, sid]);
    this.local.set(entry, now);
    if (this.local.size > 1024) this.prune(now - USAGE_TTL_MS);
    const client = this.redis.commands;
    if (!client) return;
    const key = this.redis.key('usage_pool');
    client
      .multi()
      .zadd(key, now, entry)
      .zremrangebyscore(key, '-inf', now - USAGE_TTL_MS)
      .pexpire(key, USAGE_TTL_MS * 20)
      .exec()
      .catch((error: unknown) => this.redis.warnOnce('usage pool write', error));
  }

  async modelsInUse(): Promise<string[]> {
    const since = Date.now() - USAGE_TTL_MS;
    let entries: string[] | undefined;
    const client = this.redis.commands;
    if (client) {
      try {
        entries = await client.zrangebyscore(this.redis.key('usage_pool'), since, '+inf');
      } catch (error) {
        this.redis.warnOnce('usage pool read', error);
      }
    }
    this.prune(since);
    const all = [...(entries ?? []), ...this.local.keys()];
    return [...new Set(all.map((entry) => (JSON.parse(entry) as [string, string])[0]))];
  }

  private prune(since: number): void {
    for (const [entry, at] of this.local) if (at < since) this.local.delete(entry);
  }
}
