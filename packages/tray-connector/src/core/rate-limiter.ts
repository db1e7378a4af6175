/**
 * A sliding-window limit for the requests to one Tray API (one region and token): at most
 * `perSecond` requests start in ANY window of one second (plus a small guard, so a request that
 * reaches Tray a little later than its neighbour does not make Tray count one more), first come
 * first served. A 429 from any request pauses every caller until its Retry-After has passed. Every
 * wait ends early, with the signal's reason, when the caller's AbortSignal (its deadline, an
 * interrupt) fires.
 */

export interface RateLimiterOptions {
  /** Requests in any one-second window; default 20 (Tray allows about 30). */
  perSecond?: number;
  /** Added to the one-second window, for the jitter between sending and Tray receiving; default 100 ms. */
  guardMs?: number;
  now?: () => number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 20;
export const DEFAULT_WINDOW_GUARD_MS = 100;

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
  /** The window in which at most perSecond requests start: one second and the guard. */
  readonly windowMs: number;
  private readonly limit: number;
  private readonly now: () => number;
  /** When the last `limit` reserved requests start (ascending). */
  private readonly starts: number[] = [];
  private pausedUntilMs = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.perSecond = positive(options.perSecond ?? DEFAULT_REQUESTS_PER_SECOND, 'maxRequestsPerSecond');
    this.limit = Math.max(1, Math.floor(this.perSecond));
    this.windowMs = 1000 + Math.max(0, options.guardMs ?? DEFAULT_WINDOW_GUARD_MS);
    this.now = options.now ?? Date.now;
  }

  /** Until when every request waits because of a 429 (0 when not paused). */
  get pausedUntil(): number {
    return this.pausedUntilMs > this.now() ? this.pausedUntilMs : 0;
  }

  /**
   * The wait before a request may start if it were asked for now, and reserves that start: the
   * earliest time at which it is at most the `perSecond`-th start in its window. Starts never go
   * backwards, so every window of windowMs holds at most perSecond of them. Exposed for tests;
   * callers use acquire().
   */
  reserve(): number {
    const now = this.now();
    const last = this.starts.length ? this.starts[this.starts.length - 1] : -Infinity;
    const windowFull = this.starts.length >= this.limit ? this.starts[this.starts.length - this.limit] + this.windowMs : -Infinity;
    const start = Math.max(now, this.pausedUntilMs, last, windowFull);
    this.starts.push(start);
    if (this.starts.length > this.limit) this.starts.splice(0, this.starts.length - this.limit);
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
      // A 429 that arrived meanwhile pauses this request too (its reserved start stays counted).
      if (this.pausedUntilMs <= this.now()) return;
    }
  }

  /** A 429: no request of this limiter starts for `ms`. */
  pause(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if (until > this.pausedUntilMs) this.pausedUntilMs = until;
  }
}

function positive(value: number, option: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`"${option}" must be a number above 0, got ${value}`);
  return value;
}
