import { describe, expect, it } from 'vitest';
import { SIGNIN_RATE_LIMIT } from './signin-rate-limiter.js';
import { bucketOf, decide, windowBuckets } from './sliding-window.js';

const policy = SIGNIN_RATE_LIMIT; // 15 per 180 s, 60 s buckets

describe('the rolling window', () => {
  it('spans the current bucket and the three before it', () => {
    expect(bucketOf(600, policy)).toBe(10);
    expect(windowBuckets(10, policy)).toEqual([10, 9, 8, 7]);
  });

  it('allows up to the limit and refuses the attempt after it', () => {
    expect(decide(new Map([[10, 15]]), 600, policy)).toEqual({
      limited: false,
      retryAfterSeconds: 0,
    });
    expect(decide(new Map([[10, 16]]), 600, policy).limited).toBe(true);
    expect(
      decide(
        new Map([
          [7, 8],
          [10, 8],
        ]),
        630,
        policy,
      ).limited,
    ).toBe(true);
    expect(
      decide(
        new Map([
          [6, 8],
          [10, 8],
        ]),
        630,
        policy,
      ).limited,
    ).toBe(false); // bucket 6 left the window
  });

  it('says when the next attempt will be accepted', () => {
    // 16 attempts in bucket 10 (t = 600..659): accepted again once bucket 10 leaves, at bucket 14.
    expect(decide(new Map([[10, 16]]), 630, policy).retryAfterSeconds).toBe(14 * 60 - 630);
    // 8 old (bucket 7) + 8 new (bucket 10) at t = 630: bucket 7 leaves at bucket 11 (t = 660).
    expect(
      decide(
        new Map([
          [7, 8],
          [10, 8],
        ]),
        630,
        policy,
      ).retryAfterSeconds,
    ).toBe(30);
  });
});
