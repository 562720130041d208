import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '@atrium/config';
import type { SettingsService } from '@atrium/settings';
import { JwtService } from './jwt.service.js';

const SECRET = 'unit-secret';
const KEY = new TextEncoder().encode(SECRET);

function setup(expiry = '4w', startMs = Date.UTC(2025, 0, 1)) {
  const clock = {
    now: startMs,
    nowMs: () => clock.now,
    nowSeconds: () => Math.floor(clock.now / 1000),
  };
  const settings = { get: () => expiry } as unknown as SettingsService;
  const service = new JwtService({ secretKey: SECRET } as AppConfig, settings, clock);
  return { service, clock };
}

describe('JwtService', () => {
  it('issues HS256 tokens with {id, exp, jti} that verify', async () => {
    const { service, clock } = setup('4w');
    const issued = await service.issue('user-1');
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decodeJwt(issued.token);
    expect(payload.id).toBe('user-1');
    expect(payload.exp).toBe(Math.floor(clock.now / 1000) + 4 * 7 * 86400);
    expect(issued.expiresAt).toBe(payload.exp);
    expect(typeof payload.jti).toBe('string');
    expect(await service.verify(issued.token)).toEqual({ id: 'user-1', expiresAt: payload.exp });
    // Two sessions never share a token.
    expect((await service.issue('user-1')).token).not.toBe(issued.token);
  });

  it('rejects a token once its exp has passed', async () => {
    const { service, clock } = setup('30s');
    const issued = await service.issue('user-1');
    clock.now += 29_000;
    expect(await service.verify(issued.token)).not.toBeNull();
    clock.now += 2_000;
    expect(await service.verify(issued.token)).toBeNull();
  });

  it.each(['-1', '0'])('issues tokens without exp when JWT_EXPIRES_IN is %s', async (expiry) => {
    const { service, clock } = setup(expiry);
    const issued = await service.issue('user-1');
    expect(issued.expiresAt).toBeNull();
    expect(decodeJwt(issued.token).exp).toBeUndefined();
    clock.now += 10 * 365 * 86400_000;
    expect(await service.verify(issued.token)).toEqual({ id: 'user-1', expiresAt: null });
  });

  it('accepts tokens made by Open WebUI with the same secret ({id, exp}, no jti)', async () => {
    const { service, clock } = setup();
    const token = await new SignJWT({ id: 'owui-user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(Math.floor(clock.now / 1000) + 60)
      .sign(KEY);
    expect(await service.verify(token)).toMatchObject({ id: 'owui-user' });
  });

  it('rejects other secrets, other algorithms, alg=none, missing ids and garbage', async () => {
    const { service } = setup();
    const wrongSecret = await new SignJWT({ id: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'));
    const hs512 = await new SignJWT({ id: 'u' }).setProtectedHeader({ alg: 'HS512' }).sign(KEY);
    const noId = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).sign(KEY);
    const numericId = await new SignJWT({ id: 42 }).setProtectedHeader({ alg: 'HS256' }).sign(KEY);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"id":"u"}').toString('base64url')}.`;
    for (const token of [wrongSecret, hs512, noId, numericId, none, 'garbage', '', 'a.b.c']) {
      expect(await service.verify(token)).toBeNull();
    }
  });

  it('falls back to 4 weeks if the stored expiry is unreadable', () => {
    const { service } = setup('nonsense');
    expect(service.lifetimeSeconds()).toBe(4 * 7 * 86400);
  });
});
