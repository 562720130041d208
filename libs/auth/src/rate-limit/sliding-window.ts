/**
 * Open WebUI's rolling-window rate limit (utils/rate_limit.py): time is cut into buckets of
 * `bucketSeconds`; an attempt counts in the current bucket, and the window is the current
 * bucket plus the `window / bucket` before it. An attempt is refused when the window then
 * holds more than `limit` attempts. Refused attempts count too, as upstream.
 */
export interface SlidingWindowPolicy {
  limit: number;
  windowSeconds: number;
  bucketSeconds: number;
}

export interface RateLimitDecision {
  limited: boolean;
  /** Seconds until an attempt would be accepted again (0 when not limited). */
  retryAfterSeconds: number;
}

export function bucketOf(nowSeconds: number, policy: SlidingWindowPolicy): number {
  return Math.floor(nowSeconds / policy.bucketSeconds);
}

/** The buckets that make up the window ending at `current`, newest first. */
export function windowBuckets(current: number, policy: SlidingWindowPolicy): number[] {
  const previous = Math.floor(policy.windowSeconds / policy.bucketSeconds);
  return Array.from({ length: previous + 1 }, (_, index) => current - index);
}

/**
 * Decides from the counts of the window's buckets (this attempt already counted).
 * `counts` maps bucket number to attempts.
 */
export function decide(
  counts: ReadonlyMap<number, number>,
  nowSeconds: number,
  policy: SlidingWindowPolicy,
): RateLimitDecision {
  const current = bucketOf(nowSeconds, policy);
  const buckets = windowBuckets(current, policy);
  const total = buckets.reduce((sum, bucket) => sum + (counts.get(bucket) ?? 0), 0);
  if (total <= policy.limit) return { limited: false, retryAfterSeconds: 0 };
  // The earliest later bucket whose window, with one more attempt, stays within the limit.
  const span = buckets.length - 1;
  for (let next = current + 1; next <= current + span + 1; next += 1) {
    let inWindow = 0;
    for (let bucket = next - span; bucket <= current; bucket += 1)
      inWindow += counts.get(bucket) ?? 0;
    if (inWindow + 1 <= policy.limit) {
      return {
        limited: true,
        retryAfterSeconds: Math.max(1, next * policy.bucketSeconds - nowSeconds),
      };
    }
  }
  return {
    limited: true,
    retryAfterSeconds: Math.max(1, (current + span + 1) * policy.bucketSeconds - nowSeconds),
  };
}
