/**
 * A sliding-window limit for the requests to one Tray API (one region and token): at most
 * `perSecond` requests reach Tray in ANY window of one second (see acquire), first come first
 * served, uploads before the others. A 429 from any request pauses every caller until its Retry-After has passed. Every
 * wait ends early, with the signal's reason, when the caller's AbortSignal (its deadline, an
 * interrupt) fires.
 */

export interface RateLimiterOptions {
  /** Requests in any one-second window; default 20 (Tray allows about 30). */
  perSecond?: number;
  /** Added to the one-second window (for a server whose clock or count is coarser); default 0. */
  guardMs?: number;
  now?: () => number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 20;
export const DEFAULT_WINDOW_GUARD_MS = 0;

interface Waiter {
  resolve: (done: () => void) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class RateLimiter {
  readonly perSecond: number;
  /** The window in which at most perSecond requests count: one second (longer below 1/s) and the guard. */
  readonly windowMs: number;
  private readonly limit: number;
  private readonly now: () => number;
  /**
   * The requests let go that may still count in a window: each until its answer is back (Infinity
   * while in flight), the latest time Tray can have seen it.
   */
  private readonly sent: { latest: number }[] = [];
  /** Waiting callers, first come first served; `first` (uploads) go before `others` (polls, shares). */
  private readonly first: Waiter[] = [];
  private readonly others: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pausedUntilMs = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.perSecond = positive(options.perSecond ?? DEFAULT_REQUESTS_PER_SECOND, 'maxRequestsPerSecond');
    this.limit = Math.max(1, Math.floor(this.perSecond));
    // Below 1/s (e.g. 0.5): one request in a longer window (2 s); above, whole requests a second.
    this.windowMs =
      Math.max(1000, Math.round((1000 * this.limit) / this.perSecond)) + Math.max(0, options.guardMs ?? DEFAULT_WINDOW_GUARD_MS);
    this.now = options.now ?? Date.now;
  }

  /** Until when every request waits because of a 429 (0 when not paused). */
  get pausedUntil(): number {
    return this.pausedUntilMs > this.now() ? this.pausedUntilMs : 0;
  }

  /** Callers waiting for a place. */
  get waiting(): number {
    return this.first.length + this.others.length;
  }

  /**
   * Resolves when one request may be sent, with `done` to call when its answer is back (or it
   * failed). A request may go when fewer than perSecond others can have reached Tray in the window
   * before it: those let go whose answer came back less than windowMs ago, and those still in flight
   * (Tray sees a request at some moment between its send and its answer, so this holds at Tray's
   * end, whatever the network, a busy event loop or a slow upload did in between). No request goes
   * during a 429 pause. `priority` callers (uploads) go before the others. Rejects with the signal's
   * reason when it aborts first.
   */
  acquire(signal?: AbortSignal, priority = false): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      const queue = priority ? this.first : this.others;
      if (signal) {
        waiter.onAbort = () => {
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          if (!this.waiting && this.timer) {
            clearTimeout(this.timer);
            this.timer = undefined;
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      this.pump();
    });
  }

  /** A 429: no request of this limiter starts for `ms`. */
  pause(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if (until > this.pausedUntilMs) this.pausedUntilMs = until;
    this.pump();
  }

  /** When the next request may go (`now` if at once; Infinity until an answer in flight is back). */
  private nextAt(now: number): number {
    const from = now - this.windowMs;
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i].latest <= from) this.sent.splice(i, 1);
    let at = Math.max(now, this.pausedUntilMs);
    if (this.sent.length >= this.limit) {
      const latest = this.sent.map((s) => s.latest).sort((a, b) => a - b);
      at = Math.max(at, latest[this.sent.length - this.limit] + this.windowMs);
    }
    return at;
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.waiting) {
      const now = this.now();
      const at = this.nextAt(now);
      if (at > now) {
        // Infinity: an answer in flight frees the place (done() pumps again).
        if (Number.isFinite(at)) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, at - now);
        }
        return;
      }
      const waiter = (this.first.length ? this.first : this.others).shift();
      if (!waiter) return;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      const entry = { latest: Infinity };
      this.sent.push(entry);
      let finished = false;
      waiter.resolve(() => {
        if (finished) return;
        finished = true;
        entry.latest = this.now();
        this.pump();
      });
    }
  }
}

function positive(value: number, option: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`"${option}" must be a number above 0, got ${value}`);
  return value;
}
