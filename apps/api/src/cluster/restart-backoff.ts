export interface RestartBackoffOptions {
  /** Delay after the first crash. */
  baseMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** Crashes older than this no longer count. */
  windowMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = {
  baseMs: 500,
  maxMs: 30_000,
  windowMs: 120_000,
};

/**
 * How long to wait before replacing a crashed worker: the delay doubles with each crash in
 * the recent window and is capped, so a worker that keeps failing (database down, bad
 * deployment) is retried ever more slowly instead of in a tight fork loop.
 */
export class RestartBackoff {
  private crashes: number[] = [];

  constructor(
    private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash and returns the delay before the replacement is forked. */
  nextDelayMs(): number {
    const now = this.now();
    this.crashes = this.crashes.filter((at) => now - at < this.options.windowMs);
    this.crashes.push(now);
    const exponent = Math.min(this.crashes.length - 1, 30);
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** exponent);
  }
}
