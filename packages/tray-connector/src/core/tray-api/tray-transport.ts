import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import type { Deadline } from './deadline';
import { StoppedError } from '../errors';
import { isLoopback, type Region, type RegionEndpoint } from './regions';
import { withRetry, DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy } from './retry';
import { TrayApiError, apiErrorOf, idleError, type RequestSubject, type TrayOperation } from './tray-errors';
import type { TrayPacer } from './tray-pacer';

/**
 * How a request to one region of Tray goes, whatever it asks: the bearer token, no redirects, no
 * proxy for a loopback API, the per-request idle limit, the region's deadline, retries with
 * backoff, the pacer (rate limiter, upload pool, 429 pauses) and Tray's answers turned into
 * TrayApiErrors. The endpoints themselves (paths, bodies, answers) are tray-client.ts's.
 */

export interface TrayTransportOptions {
  endpoint: RegionEndpoint;
  retry?: Partial<RetryPolicy>;
  /**
   * Longest time one request may go without a byte sent or received (connecting, sending, waiting
   * for the answer, reading it) before it is abandoned and retried; default 60 s.
   */
  idleTimeoutMs?: number;
  /** Older name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Bounds every request, retry and wait of this client (the region's deadline, and interrupts). */
  deadline?: Deadline;
  onRetry?(event: RetryEvent & { operation: TrayOperation }): void;
  /**
   * Paces the requests with every other client of the same region and token (see tray-pacer.ts):
   * each request waits for the rate limiter, each deploy POST for a place in the upload pool, and a
   * 429 pauses them all. Without it, requests go out at once.
   */
  pacer?: TrayPacer;
  /**
   * Every token in play (the deploy's, the listing's): masked, in every encoded form, in whatever a
   * server says (see server-text.ts). The endpoint's own token always is.
   */
  secrets?: readonly string[];
}

/** One attempt of a request: given the axios instance and the signal/progress hooks of this attempt. */
export type SendRequest = (http: AxiosInstance, config: AxiosRequestConfig) => Promise<{ data: unknown }>;

export interface RequestOptions {
  /** Retries of a retryable failure; default the retry policy's (Infinity: until the deadline). */
  retries?: number;
  /**
   * How this endpoint words a failed attempt (default: apiErrorOf, the deployment API's messages).
   * Whatever it returns, retryable failures are retried and a 429 pauses the region's requests.
   */
  describeError?(error: unknown): TrayApiError;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** How long a 429 without Retry-After pauses the region's requests. */
export const RATE_LIMIT_PAUSE_MS = 1000;

/** The request went past the per-request idle limit (not the region's deadline). */
class IdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms} ms`);
  }
}

export class TrayTransport {
  readonly region: Region;
  readonly endpoint: RegionEndpoint;
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: TrayTransportOptions) {
    this.endpoint = options.endpoint;
    this.region = options.endpoint.region;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const loopback = isLoopback(new URL(this.endpoint.baseUrl).hostname);
    this.http = axios.create({
      baseURL: this.endpoint.baseUrl,
      headers: { Authorization: `Bearer ${this.endpoint.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      maxContentLength: 10 * 1024 * 1024,
      // No redirect is ever followed: the token (and a share's addresses, a deploy's source) would go with it.
      maxRedirects: 0,
      // A local API (the emulator) is never reached through a proxy from the environment.
      ...(loopback ? { proxy: false as const } : {}),
    });
  }

  /** The per-request idle limit in ms. */
  get idleTimeoutMs(): number {
    return this.options.idleTimeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** The tokens masked in a server's words: the endpoint's and every other given. */
  get secrets(): readonly string[] {
    return [this.endpoint.token, ...(this.options.secrets ?? [])].filter((t) => !!t);
  }

  /** True when this transport has a deadline (polls may then retry until it). */
  get hasDeadline(): boolean {
    return this.options.deadline !== undefined;
  }

  url(path: string): string {
    return `${this.endpoint.baseUrl}${path}`;
  }

  /** Turns whatever axios threw into a TrayApiError whose message holds no token and tells what to do. */
  toApiError(operation: TrayOperation, what: RequestSubject, error: unknown): TrayApiError {
    return apiErrorOf(this.endpoint, operation, what, error, this.secrets);
  }

  /**
   * Sends a request (each attempt paced, bounded by the idle limit and the deadline) and returns
   * the answer's body. Retryable failures are retried `retries` times (default: the retry
   * policy's), a StoppedError ends it when the deadline passes or the region is interrupted.
   */
  async request(operation: TrayOperation, what: RequestSubject, send: SendRequest, options: RequestOptions = {}): Promise<unknown> {
    const { deadline } = this.options;
    const { retries } = options;
    const attempt = { count: 0, lastReason: undefined as string | undefined };
    try {
      return await withRetry(
        async () => {
          attempt.count++;
          if (deadline?.stopped) throw deadline.error({ operation, lastReason: attempt.lastReason });
          return this.paced(operation, attempt.lastReason, () => this.attempt(operation, what, send, attempt, options.describeError));
        },
        {
          policy: retries === undefined ? this.policy : { ...this.policy, retries },
          deadline,
          operation,
          classify: (e) =>
            e instanceof TrayApiError
              ? { retry: e.retryable, reason: e.reason, retryAfterMs: e.retryAfterMs }
              : { retry: false, reason: 'error' },
          onRetry: (event) => this.options.onRetry?.({ ...event, operation }),
        },
      );
    } catch (e) {
      if (e instanceof StoppedError) throw e;
      if (e instanceof TrayApiError && e.retryable && attempt.count > 1) {
        throw new TrayApiError(`${e.message} (gave up after ${attempt.count} attempts)`, e.region, e.operation, e.status, true, e.reason);
      }
      throw e;
    }
  }

  /** One attempt: abandoned after the idle limit without data; a 429 pauses every request of the region and token. */
  private async attempt(
    operation: TrayOperation,
    what: RequestSubject,
    send: SendRequest,
    state: { lastReason: string | undefined },
    describeError: ((error: unknown) => TrayApiError) | undefined,
  ): Promise<unknown> {
    const { deadline } = this.options;
    const idleMs = this.idleTimeoutMs;
    const idle = new AbortController();
    let timer: NodeJS.Timeout = setTimeout(() => idle.abort(new IdleTimeout(idleMs)), idleMs);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new IdleTimeout(idleMs)), idleMs);
    };
    const signal = deadline ? AbortSignal.any([deadline.signal, idle.signal]) : idle.signal;
    try {
      return (await send(this.http, { signal, onUploadProgress: touch, onDownloadProgress: touch })).data;
    } catch (error) {
      if (deadline?.stopped) throw deadline.error({ operation, lastReason: state.lastReason });
      const apiError = idle.signal.aborted
        ? idleError(this.endpoint, operation, what, idleMs)
        : (describeError?.(error) ?? this.toApiError(operation, what, error));
      state.lastReason = apiError.reason;
      if (apiError.status === 429) this.options.pacer?.limiter.pause(apiError.retryAfterMs ?? RATE_LIMIT_PAUSE_MS);
      throw apiError;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs one attempt once the pacer lets it go (a place in the upload pool for a deploy, then the rate limiter). */
  private async paced<T>(operation: TrayOperation, lastReason: string | undefined, send: () => Promise<T>): Promise<T> {
    const { pacer, deadline } = this.options;
    if (!pacer) return send();
    const signal = deadline?.signal;
    const go = async () => {
      // The request holds its place in the limiter's window until its answer is back (when Tray
      // saw it is known only to be before that).
      const done = await pacer.limiter.acquire(signal, operation === 'deploy');
      try {
        return await send();
      } finally {
        done();
      }
    };
    try {
      return operation === 'deploy' ? await pacer.uploads.run(go, signal) : await go();
    } catch (e) {
      // A wait ended by the deadline or an interrupt rejects with the signal's reason, not an error.
      if (deadline?.stopped && !(e instanceof Error)) throw deadline.error({ operation, lastReason });
      throw e;
    }
  }
}
