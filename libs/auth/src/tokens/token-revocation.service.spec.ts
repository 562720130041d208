import { describe, expect, it, vi } from 'vitest';
import type { DatabaseTokenRevocationStore } from './database-token-revocation.store.js';
import type { RedisTokenRevocationStore } from './redis-token-revocation.store.js';
import type { RevokedToken, RevokedTokensRepository } from './revoked-tokens.repository.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { hashToken } from './token-revocation.store.js';

const NOW = 1_000_000;

/** An in-memory table and an in-memory "Redis" that can be switched off. */
function setup(redisEnabled: boolean) {
  const table = new Map<string, RevokedToken & { createdAt: number }>();
  const redisKeys = new Set<string>();
  const redisState = { up: true };
  const clock = { nowSeconds: () => NOW, nowMs: () => NOW * 1000 };
  const down = () => Promise.reject(new Error('Connection is closed.'));

  const database = {
    revoke: vi.fn((tokenHash: string, expiresAt: number | null) => {
      table.set(tokenHash, { tokenHash, expiresAt, createdAt: NOW });
      return Promise.resolve();
    }),
    isRevoked: vi.fn((tokenHash: string) => Promise.resolve(table.has(tokenHash))),
    purgeExpired: vi.fn(() => Promise.resolve(0)),
  };
  const readyListeners: (() => void)[] = [];
  const redis = {
    enabled: redisEnabled,
    onReady: (listener: () => void) => readyListeners.push(listener),
    revoke: vi.fn((tokenHash: string) =>
      redisState.up ? Promise.resolve(void redisKeys.add(tokenHash)) : down(),
    ),
    revokeMany: vi.fn((tokens: RevokedToken[]) =>
      redisState.up
        ? Promise.resolve(tokens.forEach((token) => redisKeys.add(token.tokenHash)))
        : down(),
    ),
    isRevoked: vi.fn((tokenHash: string) =>
      redisState.up ? Promise.resolve(redisKeys.has(tokenHash)) : down(),
    ),
  };
  const repository = {
    listActive: vi.fn((_now: number, since: number, after: string, limit: number) =>
      Promise.resolve(
        [...table.values()]
          .filter((row) => row.createdAt >= since && row.tokenHash > after)
          .sort((a, b) => a.tokenHash.localeCompare(b.tokenHash))
          .slice(0, limit),
      ),
    ),
  };
  const service = new TokenRevocationService(
    database as unknown as DatabaseTokenRevocationStore,
    redis as unknown as RedisTokenRevocationStore,
    repository as unknown as RevokedTokensRepository,
    clock,
  );
  return { service, database, redis, redisKeys, redisState, table, readyListeners };
}

describe('TokenRevocationService', () => {
  it('uses the database alone without Redis', async () => {
    const { service, database, redis } = setup(false);
    await service.revoke('token-a', NOW + 60);
    expect(await service.isRevoked('token-a')).toBe(true);
    expect(await service.isRevoked('token-b')).toBe(false);
    expect(database.revoke).toHaveBeenCalledWith(hashToken('token-a'), NOW + 60);
    expect(redis.revoke).not.toHaveBeenCalled();
  });

  it('writes both stores and reads Redis only when Redis is up', async () => {
    const { service, database, redisKeys } = setup(true);
    await service.revoke('token-a', NOW + 60);
    expect(redisKeys.has(hashToken('token-a'))).toBe(true);
    database.isRevoked.mockClear();
    expect(await service.isRevoked('token-a')).toBe(true);
    expect(await service.isRevoked('token-b')).toBe(false);
    expect(database.isRevoked).not.toHaveBeenCalled();
  });

  it('falls back to the database (not open, not closed) when Redis is down', async () => {
    const { service, redisState } = setup(true);
    await service.revoke('token-a', NOW + 60);
    redisState.up = false;
    expect(await service.isRevoked('token-a')).toBe(true);
    expect(await service.isRevoked('token-b')).toBe(false);
  });

  it('keeps a signout made while Redis is down, and copies it back when Redis returns', async () => {
    const { service, redisState, redisKeys, readyListeners } = setup(true);
    redisState.up = false;
    await expect(service.revoke('token-a', NOW + 60)).resolves.toBeUndefined();
    redisState.up = true;
    // Redis is back but lacks the entry: this instance still asks the table meanwhile.
    expect(await service.isRevoked('token-a')).toBe(true);

    service.onApplicationBootstrap();
    readyListeners.forEach((listener) => listener());
    await service.copyToRedis(0);
    expect(redisKeys.has(hashToken('token-a'))).toBe(true);
    service.onApplicationShutdown();
  });

  it('fails the signout only when neither store accepts it', async () => {
    const { service, database, redisState } = setup(true);
    database.revoke.mockRejectedValueOnce(new Error('database down'));
    await expect(service.revoke('token-a', NOW + 60)).resolves.toBeUndefined(); // Redis has it
    redisState.up = false;
    database.revoke.mockRejectedValueOnce(new Error('database down'));
    await expect(service.revoke('token-b', NOW + 60)).rejects.toThrow('database down');
  });
});
