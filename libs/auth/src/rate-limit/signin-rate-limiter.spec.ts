import { describe, expect, it } from 'vitest';
import type { RedisConnection } from '@atrium/redis';
import { SigninRateLimiter } from './signin-rate-limiter.js';

function limiter(redis: Partial<RedisConnection> = { client: undefined }) {
  const clock = {
    seconds: 6_000,
    nowSeconds: () => clock.seconds,
    nowMs: () => clock.seconds * 1000,
  };
  return {
    limiter: new SigninRateLimiter(redis as RedisConnection, clock),
    clock,
  };
}

describe('SigninRateLimiter (in memory)', () => {
  it('allows 15 attempts per email in the window and refuses the 16th', async () => {
    const { limiter: subject } = limiter();
    for (let attempt = 1; attempt <= 15; attempt += 1) {
      expect((await subject.hit('a@example.com')).limited).toBe(false);
    }
    const refused = await subject.hit('A@Example.com '); // same email, normalised
    expect(refused.limited).toBe(true);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect((await subject.hit('b@example.com')).limited).toBe(false);
  });

  it('lets attempts age out of the window', async () => {
    const { limiter: subject, clock } = limiter();
    for (let attempt = 0; attempt < 15; attempt += 1) await subject.hit('a@example.com');
    expect((await subject.hit('a@example.com')).limited).toBe(true);
    clock.seconds += 4 * 60;
    expect((await subject.hit('a@example.com')).limited).toBe(false);
  });

  it('counts in memory when Redis fails', async () => {
    const failing = {
      client: {
        multi: () => {
          throw new Error('Connection is closed.');
        },
      },
      key: (...parts: string[]) => parts.join(':'),
    } as unknown as RedisConnection;
    const { limiter: subject } = limiter(failing);
    for (let attempt = 0; attempt < 15; attempt += 1) {
      expect((await subject.hit('a@example.com')).limited).toBe(false);
    }
    expect((await subject.hit('a@example.com')).limited).toBe(true);
  });
});
