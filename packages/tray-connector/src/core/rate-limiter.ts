/**
 * A token bucket for the requests to one Tray API (one region and token): at most `perSecond`
 * requests a second on average, `burst` at once, first come first served. A 429 from any request
 * pauses every caller of the bucket until its Retry-After has passed. Every wait ends early, with
 * the signal's reason, when the caller's AbortSignal (its deadline, an interrupt) fires.
 */

export interface RateLimiterOptions {
  /** Requests per second on average; default 20 (Tray allows about 30). */
  perSecond?: number;
  /** Requests that may start at once after a quiet spell; default 3. */
  burst?: number;
  now?: () => number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 20;
export const DEFAULT_BURST = 3;

/** Waits `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** When the next request would be due if the bucket were empty (GCRA's theoretical arrival time). */
  private tat = 0;
  private pausedUntilMs = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.perSecond = positive(options.perSecond ?? DEFAULT_REQUESTS_PER_SECOND, 'maxRequestsPerSecond');
    this.burst = Math.max(1, Math.floor(options.burst ?? DEFAULT_BURST));
    this.intervalMs = 1000 / this.perSecond;
    this.now = options.now ?? Date.now;
  }

  /** Until when every request waits because of a 429 (0 when not paused). */
  get pausedUntil(): number {
    return this.pausedUntilMs > this.now() ? this.pausedUntilMs : 0;
  }

  /**
   * The wait before a request may start if it were asked for now, and reserves that slot. Exposed
   * for tests; callers use acquire().
   */
  reserve(): number {
    const now = this.now();
    const start = Math.max(now, this.pausedUntilMs, this.tat - (this.burst - 1) * this.intervalMs);
    this.tat = Math.max(this.tat, start) + this.intervalMs;
    return start - now;
  }

  /** Resolves when one request may be sent; rejects with the signal's reason when it aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const pausedFor = this.pausedUntilMs - this.now();
      if (pausedFor > 0) {
        await abortableSleep(pausedFor, signal);
        continue;
      }
      await abortableSleep(this.reserve(), signal);
      // A 429 that arrived meanwhile pauses this request too.
      if (this.pausedUntilMs <= this.now()) return;
    }
  }

  /** A 429: no request of this bucket starts for `ms`; the bucket restarts empty after it. */
  pause(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if (until > this.pausedUntilMs) this.pausedUntilMs = until;
    this.tat = Math.max(this.tat, this.pausedUntilMs);
  }
}

function positive(value: number, option: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`"${option}" must be a number above 0, got ${value}`);
  return value;
}
