import { StoppedError } from '../errors';

/**
 * One deadline for everything done for one region: every request (connect, send, wait, read),
 * every retry and every Retry-After wait. `signal` aborts when the time is up or when the
 * `interrupt` signal (SIGINT/SIGTERM) fires; requests take it as their AbortSignal.
 */
export class Deadline {
  readonly at: number;
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private why?: 'deadline' | 'interrupted';
  private readonly onInterrupt = () => this.stop('interrupted');

  constructor(
    readonly totalMs: number,
    private readonly options: { interrupt?: AbortSignal; now?: () => number } = {},
  ) {
    this.at = this.now() + totalMs;
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.stop('deadline'), Math.max(0, totalMs));
    this.timer.unref?.();
    if (options.interrupt?.aborted) this.stop('interrupted');
    else options.interrupt?.addEventListener('abort', this.onInterrupt, { once: true });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Milliseconds left (0 once passed). */
  left(): number {
    return Math.max(0, this.at - this.now());
  }

  /** Why the signal fired, if it did. */
  get stopped(): 'deadline' | 'interrupted' | undefined {
    return this.why;
  }

  private stop(why: 'deadline' | 'interrupted'): void {
    if (this.why) return;
    this.why = why;
    this.controller.abort(why);
  }

  /** The error for a stop, naming what was going on. */
  error(detail: { operation?: string; lastReason?: string } = {}): StoppedError {
    const why = this.why ?? 'deadline';
    return new StoppedError(why === 'interrupted' ? 'interrupted' : `no time left (${this.totalMs} ms)`, why, detail);
  }

  /** Waits `ms`, or throws StoppedError as soon as the deadline passes or an interrupt arrives. */
  sleep(ms: number, detail: { operation?: string; lastReason?: string } = {}): Promise<void> {
    if (this.why) return Promise.reject(this.error(detail));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(t);
        reject(this.error(detail));
      };
      const t = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops the timer and forgets the interrupt signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.options.interrupt?.removeEventListener('abort', this.onInterrupt);
  }
}
