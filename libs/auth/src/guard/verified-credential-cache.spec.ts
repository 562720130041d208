import { describe, expect, it } from 'vitest';
import type { AuthenticatedUser } from '@atrium/common';
import { UserEventsService } from '@atrium/users';
import type { RedisConnection } from '@atrium/redis';
import type { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { TokenRevocationService } from '../tokens/token-revocation.service.js';
import { hashToken } from '../tokens/token-revocation.store.js';
import {
  CREDENTIAL_CACHE_MAX_ENTRIES,
  CREDENTIAL_CACHE_TTL_MS,
  VerifiedCredentialCache,
} from './verified-credential-cache.js';

class FakeRedis {
  readonly enabled = true;
  readonly published: string[] = [];
  handler: ((message: string) => void) | undefined;
  publish(_channel: string, message: string): Promise<boolean> {
    this.published.push(message);
    return Promise.resolve(true);
  }
  subscribe(_channel: string, handler: (message: string) => void): Promise<void> {
    this.handler = handler;
    return Promise.resolve();
  }
}

/** A stand-in for a service's `onX(listener)` hook: `fire` awaits every listener. */
function listeners() {
  const all: ((value: string) => Promise<void>)[] = [];
  return {
    add: (listener: (value: string) => Promise<void>) => {
      all.push(listener);
      return () => undefined;
    },
    fire: (value: string) => Promise.all(all.map((listener) => listener(value))),
  };
}

function setup() {
  let now = 1_000_000_000_000;
  const clock = { nowMs: () => now, nowSeconds: () => Math.floor(now / 1000) };
  const events = new UserEventsService();
  const revoked = listeners();
  const revocations = { onRevoked: revoked.add } as unknown as TokenRevocationService;
  const keyChanged = listeners();
  const apiKeys = { onKeyChanged: keyChanged.add } as unknown as ApiKeysService;
  const redis = new FakeRedis();
  const cache = new VerifiedCredentialCache(
    clock,
    events,
    revocations,
    apiKeys,
    redis as unknown as RedisConnection,
  );
  return {
    cache,
    events,
    redis,
    keyChanged: keyChanged.fire,
    revoke: revoked.fire,
    advance: (ms: number) => (now += ms),
    nowSeconds: () => Math.floor(now / 1000),
  };
}

const user = (id: string): AuthenticatedUser => ({
  id,
  name: id,
  email: `${id}@example.com`,
  role: 'user',
  profileImageUrl: '',
  authType: 'jwt',
  credential: `token-${id}`,
});

describe('VerifiedCredentialCache', () => {
  it('serves a verified token for the TTL, then forgets it', () => {
    const { cache, advance } = setup();
    cache.set('t1', user('u1'), null, cache.stamp);
    expect(cache.get('t1')?.id).toBe('u1');
    advance(CREDENTIAL_CACHE_TTL_MS - 1);
    expect(cache.get('t1')?.id).toBe('u1');
    advance(1);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never outlives the token its own expiry', () => {
    const { cache, advance, nowSeconds } = setup();
    cache.set('t1', user('u1'), nowSeconds() + 1, cache.stamp);
    advance(1_000);
    expect(cache.get('t1')).toBeUndefined();
    cache.set('t2', user('u1'), nowSeconds(), cache.stamp);
    expect(cache.get('t2')).toBeUndefined();
  });

  it('hands out a copy, so one request cannot change another request user', () => {
    const { cache } = setup();
    cache.set('t1', user('u1'), null, cache.stamp);
    const first = cache.get('t1')!;
    first.role = 'admin';
    expect(cache.get('t1')?.role).toBe('user');
  });

  it('drops a token revoked on this instance at once and tells the others by its hash', async () => {
    const { cache, revoke, redis } = setup();
    cache.set('t1', user('u1'), null, cache.stamp);
    await revoke('t1');
    expect(cache.get('t1')).toBeUndefined();
    expect(redis.published).toEqual([`t:${hashToken('t1')}`]);
  });

  it('drops tokens and users evicted by another instance', async () => {
    const { cache, redis } = setup();
    await cache.onModuleInit();
    cache.set('t1', user('u1'), null, cache.stamp);
    cache.set('t2', user('u2'), null, cache.stamp);
    redis.handler?.(`t:${hashToken('t1')}`);
    redis.handler?.('u:u2');
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t2')).toBeUndefined();
  });

  it.each(['userDeleted', 'userRoleChanged', 'userEmailChanged'] as const)(
    'drops every token of a user on %s',
    async (event) => {
      const { cache, events, redis } = setup();
      cache.set('t1', user('u1'), null, cache.stamp);
      cache.set('t2', user('u1'), null, cache.stamp);
      cache.set('t3', user('u2'), null, cache.stamp);
      const payloads = {
        userDeleted: { userId: 'u1' },
        userRoleChanged: { userId: 'u1', previousRole: 'user', role: 'pending' },
        userEmailChanged: { userId: 'u1', previousEmail: 'a@x.io', email: 'b@x.io' },
      } as const;
      await events.emit(event, payloads[event]);
      expect(redis.published).toEqual(['u:u1']);
      expect(cache.get('t1')).toBeUndefined();
      expect(cache.get('t2')).toBeUndefined();
      expect(cache.get('t3')?.id).toBe('u2');
    },
  );

  it("drops a user's entries when their API key is replaced or deleted, and tells the others", async () => {
    const { cache, keyChanged, redis } = setup();
    cache.set(
      'sk-old',
      { ...user('u1'), authType: 'api_key', credential: 'sk-old' },
      null,
      cache.stamp,
    );
    cache.set('t1', user('u1'), null, cache.stamp);
    cache.set(
      'sk-other',
      { ...user('u2'), authType: 'api_key', credential: 'sk-other' },
      null,
      cache.stamp,
    );
    await keyChanged('u1');
    expect(cache.get('sk-old')).toBeUndefined();
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('sk-other')?.id).toBe('u2');
    expect(redis.published).toEqual(['u:u1']);
  });

  it('keeps nothing from a verification that a signout or key change overtook', async () => {
    const { cache, revoke, keyChanged, advance } = setup();
    const before = cache.stamp;
    await revoke('t-other');
    cache.set('t1', user('u1'), null, before);
    expect(cache.get('t1')).toBeUndefined();
    const again = cache.stamp;
    await keyChanged('u9');
    cache.set('sk-1', user('u1'), null, again);
    expect(cache.get('sk-1')).toBeUndefined();
    // Expiry is not a change: a verification racing it is kept.
    cache.set('t2', user('u2'), null, cache.stamp);
    const fresh = cache.stamp;
    advance(CREDENTIAL_CACHE_TTL_MS);
    expect(cache.get('t2')).toBeUndefined();
    cache.set('t3', user('u3'), null, fresh);
    expect(cache.get('t3')?.id).toBe('u3');
  });

  it('stays bounded, evicting the oldest entry', () => {
    const { cache } = setup();
    for (let index = 0; index <= CREDENTIAL_CACHE_MAX_ENTRIES; index += 1) {
      cache.set(`t${index}`, user(`u${index % 7}`), null, cache.stamp);
    }
    expect(cache.size).toBe(CREDENTIAL_CACHE_MAX_ENTRIES);
    expect(cache.get('t0')).toBeUndefined();
    expect(cache.get(`t${CREDENTIAL_CACHE_MAX_ENTRIES}`)).toBeDefined();
  });
});

describe('VerifiedCredentialCache and revocation', () => {
  it('vouches for revocation only when no Redis is shared (then the TTL bounds other instances)', () => {
    const { cache } = setup();
    expect(cache.coversRevocation).toBe(false);
    const alone = new VerifiedCredentialCache(
      { nowMs: () => 0, nowSeconds: () => 0 },
      new UserEventsService(),
      { onRevoked: () => () => undefined } as unknown as TokenRevocationService,
      { onKeyChanged: () => () => undefined } as unknown as ApiKeysService,
    );
    expect(alone.coversRevocation).toBe(true);
  });
});
