import { randomUUID } from 'node:crypto';
import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { RedisConnection } from '@atrium/redis';

/** Redis channel on which an instance announces a write to the model or model-grant tables. */
export const MODEL_TABLES_CHANNEL = 'models:changed';
/** Without Redis other instances cannot tell us about their writes: re-read this often. */
export const LOCAL_TTL_MS = 2_000;
/** With Redis, a safety net in case a notification is lost (Redis restart, network blip). */
export const SHARED_TTL_MS = 60_000;

interface Slot {
  generation: number;
  loadedAt: number;
  value: Promise<unknown>;
}

/**
 * In-memory copies of the (small, admin-written) workspace model table and its access grants,
 * so the hot paths (/api/models, every chat's preset and access check) stop querying the
 * database per request. Every write through the repositories calls `changed()`, which drops
 * the copies here and, with REDIS_URL, on every other instance; without Redis a copy lives at
 * most LOCAL_TTL_MS. A load that overlaps a write is never kept (generation check).
 */
@Injectable()
export class ModelTablesCache implements OnModuleInit {
  private generation = 0;
  private readonly slots = new Map<string, Slot>();
  private readonly instanceId = randomUUID();
  private readonly ttlMs: number;

  constructor(@Optional() private readonly redis?: RedisConnection) {
    this.ttlMs = redis?.enabled ? SHARED_TTL_MS : LOCAL_TTL_MS;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis?.enabled) return;
    await this.redis.subscribe(MODEL_TABLES_CHANNEL, (sender) => {
      if (sender !== this.instanceId) this.drop();
    });
  }

  /** The cached value of `key`, loading it when absent, stale or older than the last write. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key);
    const now = Date.now();
    if (slot && slot.generation === this.generation && now - slot.loadedAt < this.ttlMs) {
      return slot.value as Promise<T>;
    }
    const generation = this.generation;
    const value = load();
    const fresh: Slot = { generation, loadedAt: now, value };
    this.slots.set(key, fresh);
    value.catch(() => {
      if (this.slots.get(key) === fresh) this.slots.delete(key);
    });
    return value;
  }

  /** A write happened here: drop the copies on this instance and tell the others. */
  changed(): void {
    this.drop();
    if (this.redis?.enabled) void this.redis.publish(MODEL_TABLES_CHANNEL, this.instanceId);
  }

  private drop(): void {
    this.generation++;
    this.slots.clear();
  }
}
