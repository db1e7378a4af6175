import type { Deadline } from './deadline';
import { StoppedError } from '../errors';

/**
 * Retries with exponential backoff and jitter, honouring Retry-After: a bounded number of them, or
 * (retries: Infinity) as many as fit before a deadline. With a deadline, no wait outlasts it and a
 * Retry-After longer than the time left stops at once (StoppedError 'retry-after').
 */

export interface RetryPolicy {
  /** Retries after the first attempt (so attempts = retries + 1); Infinity: until the deadline. */
  retries: number;
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Upper bound of a backoff delay. */
  maxDelayMs: number;
  /** Upper bound of a server-requested Retry-After wait when there is no deadline (with one, the time left is the bound). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 15_000, maxRetryAfterMs: 120_000 };

/**
 * The wait before retry number `retry` (1-based): a random value in [d/2, d] where
 * d = min(maxDelayMs, baseDelayMs * 2^(retry-1)), so concurrent clients spread out.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` (seconds, or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** What to do with a failed attempt. */
export interface RetryDecision {
  retry: boolean;
  /** Short reason shown to the user (e.g. "HTTP 503", "connection reset"). */
  reason: string;
  /** A wait the server asked for (Retry-After), in ms. */
  retryAfterMs?: number;
}

export interface RetryEvent {
  /** 1-based number of the retry about to happen. */
  retry: number;
  retries: number;
  reason: string;
  delayMs: number;
  /** Time left before the deadline, when there is one. */
  leftMs?: number;
}

export interface WithRetryOptions {
  policy?: Partial<RetryPolicy>;
  classify(error: unknown): RetryDecision;
  onRetry?(event: RetryEvent): void;
  sleep?(ms: number): Promise<void>;
  random?(): number;
  /** Bounds every wait; `operation` names the request in a StoppedError. */
  deadline?: Deadline;
  operation?: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, or the retries are spent (then the
 * last error is thrown). With a deadline: a wait that would outlast it throws StoppedError instead.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const wait = options.sleep ?? sleep;
  const { deadline, operation } = options;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n + 1);
    } catch (error) {
      if (error instanceof StoppedError) throw error;
      const decision = options.classify(error);
      if (!decision.retry || n >= policy.retries) throw error;
      let delayMs: number;
      if (decision.retryAfterMs !== undefined) {
        if (deadline && decision.retryAfterMs > deadline.left()) {
          throw new StoppedError(`Retry-After ${decision.retryAfterMs} ms is longer than the ${deadline.left()} ms left`, 'retry-after', {
            operation,
            lastReason: decision.reason,
            retryAfterMs: decision.retryAfterMs,
            leftMs: deadline.left(),
          });
        }
        delayMs = deadline ? decision.retryAfterMs : Math.min(decision.retryAfterMs, policy.maxRetryAfterMs);
      } else {
        delayMs = backoffDelay(n + 1, policy, options.random);
      }
      if (deadline && delayMs >= deadline.left()) {
        // The wait would end past the deadline: wait what is left, then stop with the last problem named.
        await deadline.sleep(deadline.left(), { operation, lastReason: decision.reason });
        throw deadline.error({ operation, lastReason: decision.reason });
      }
      options.onRetry?.({ retry: n + 1, retries: policy.retries, reason: decision.reason, delayMs, leftMs: deadline?.left() });
      if (deadline) await deadline.sleep(delayMs, { operation, lastReason: decision.reason });
      else await wait(delayMs);
    }
  }
}
