import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './restart-backoff.js';

describe('RestartBackoff', () => {
  it('doubles the delay with each recent crash, up to the cap', () => {
    let now = 0;
    const backoff = new RestartBackoff({ baseMs: 500, maxMs: 4_000, windowMs: 60_000 }, () => now);
    const delays = [0, 1, 2, 3, 4, 5].map(() => {
      now += 1_000;
      return backoff.nextDelayMs();
    });
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const backoff = new RestartBackoff({ baseMs: 500, maxMs: 30_000, windowMs: 10_000 }, () => now);
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    now = 20_000;
    expect(backoff.nextDelayMs()).toBe(500);
  });
});
