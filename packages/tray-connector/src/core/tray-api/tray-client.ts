import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import * as fs from 'fs';
import { Readable } from 'stream';
import type { Deadline } from './deadline';
import { StoppedError, TrayConnectorError } from '../errors';
import { formatDuration } from './progress';
import { REGION_INFO, isLoopback, type Region, type RegionEndpoint } from './regions';
import { describeBody, describeResponseBody, redact } from '../redact';
import { payloadTooLargeMessage } from './payload-too-large';
import { parseRetryAfter, withRetry, DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy } from './retry';
import type { TrayPacer } from './tray-pacer';

/** What the deploy and status endpoints answer. */
export interface DeploymentAnswer {
  id: string;
  connectorName: string;
  connectorVersion: string;
  deploymentStatus: string;
  repeatDeployment?: boolean;
  /** Anything else Tray says (message, error, details of a Failed deployment). */
  [key: string]: unknown;
}

export type TrayOperation = 'deploy' | 'status' | 'share';

/** A failed call to Tray's API, with a message a person can act on and no secret in it. */
export class TrayApiError extends TrayConnectorError {
  constructor(
    message: string,
    readonly region: Region,
    readonly operation: TrayOperation,
    /** HTTP status, undefined when no answer arrived. */
    readonly status: number | undefined,
    /** Connection errors, timeouts, 5xx and 429 are worth another attempt. */
    readonly retryable: boolean,
    /** Short cause for progress lines: "HTTP 503", "connection reset (ECONNRESET)". */
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TrayApiError';
  }
}

export interface TrayClientOptions {
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
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** How long a 429 without Retry-After pauses the region's requests. */
export const RATE_LIMIT_PAUSE_MS = 1000;

/** Codes of TLS and certificate failures: never retried, the same certificate fails again. */
const TLS_CODE =
  /^(EPROTO|ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|INVALID_PURPOSE$|ERR_TLS_CERT_ALTNAME_INVALID$)/;

/** The request went past the per-request idle limit (not the region's deadline). */
class IdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms} ms`);
  }
}

const JSON_PREFIX = '{"connectorSourceCode":"';
const JSON_SUFFIX = '"}';

/**
 * The body `{"connectorSourceCode":"<base64 of the zip>"}` as a stream: the zip is read and
 * encoded chunk by chunk as it is sent, so memory holds neither the zip nor its base64.
 * `length` is exact (computed from the file size) and goes into Content-Length.
 */
export function streamedSourceBody(zipPath: string, zipSize: number = fs.statSync(zipPath).size): { stream: Readable; length: number } {
  const length = JSON_PREFIX.length + 4 * Math.ceil(zipSize / 3) + JSON_SUFFIX.length;
  async function* encode() {
    yield Buffer.from(JSON_PREFIX);
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of fs.createReadStream(zipPath, { highWaterMark: 96 * 1024 })) {
      const data: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const whole = data.length - (data.length % 3);
      if (whole) yield Buffer.from(data.subarray(0, whole).toString('base64'));
      carry = Buffer.from(data.subarray(whole));
    }
    if (carry.length) yield Buffer.from(carry.toString('base64'));
    yield Buffer.from(JSON_SUFFIX);
  }
  return { stream: Readable.from(encode(), { objectMode: false }), length };
}

/** One region of Tray's CDK deployment API, with retries and redacted, actionable errors. */
export class TrayClient {
  readonly region: Region;
  private readonly http: AxiosInstance;
  private readonly endpoint: RegionEndpoint;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: TrayClientOptions) {
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

  deployPath(name: string, version: string): string {
    return `/cdk/v1/deployments/connectors/${enc(name)}/versions/${enc(version)}/deploy-connector-from-source`;
  }
  statusPath(name: string, version: string, id: string): string {
    return `/cdk/v1/deployments/connectors/${enc(name)}/versions/${enc(version)}/${enc(id)}`;
  }
  sharePath(name: string, version: string): string {
    return `/cdk/v1/permissions/connectors/${enc(name)}/versions/${enc(version)}/share-with-emails`;
  }
  url(path: string): string {
    return `${this.endpoint.baseUrl}${path}`;
  }

  /** POST the zip at `zipPath` (streamed, base64) to deploy-connector-from-source. */
  async deployFromSource(name: string, version: string, zipPath: string): Promise<DeploymentAnswer> {
    const size = fs.statSync(zipPath).size;
    const data = await this.call('deploy', { name, version, zipBytes: size }, (config) => {
      const body = streamedSourceBody(zipPath, size);
      return this.http.post(this.deployPath(name, version), body.stream, {
        ...config,
        headers: { 'Content-Length': String(body.length) },
        maxBodyLength: Infinity,
      });
    });
    return this.deploymentAnswer('deploy', data);
  }

  /**
   * GET the deployment's status. With `untilDeadline` (polling), transient failures (connection
   * errors, timeouts, 5xx, 429) are retried until the client's deadline instead of a few times.
   */
  async getDeployment(name: string, version: string, id: string, options: { untilDeadline?: boolean } = {}): Promise<DeploymentAnswer> {
    const retries = options.untilDeadline && this.options.deadline ? Infinity : undefined;
    const data = await this.call(
      'status',
      { name, version, id },
      (config) => this.http.get(this.statusPath(name, version, id), config),
      retries,
    );
    return this.deploymentAnswer('status', data);
  }

  /** POST share-with-emails; `body` is Tray's answer as it came (see judgeShare), `message` its message. */
  async shareWithEmails(name: string, version: string, emails: string[]): Promise<{ message: string; body: unknown }> {
    const data = await this.call('share', { name, version }, (config) => this.http.post(this.sharePath(name, version), { emails }, config));
    const message =
      data && typeof data === 'object' && typeof (data as any).message === 'string'
        ? (data as any).message
        : describeBody(data, [this.endpoint.token]) || 'shared';
    return { message, body: data };
  }

  private deploymentAnswer(operation: TrayOperation, data: unknown): DeploymentAnswer {
    const d = data as Partial<DeploymentAnswer> | undefined;
    if (!d || typeof d !== 'object' || typeof d.id !== 'string' || !d.id || typeof d.deploymentStatus !== 'string') {
      throw new TrayApiError(
        `${this.region}: unexpected answer to the ${operation} request (no "id"/"deploymentStatus"): ${describeResponseBody(data, [this.endpoint.token]) || '(empty)'}`,
        this.region,
        operation,
        200,
        false,
        'unexpected answer',
      );
    }
    return d as DeploymentAnswer;
  }

  private async call(
    operation: TrayOperation,
    what: { name: string; version: string; id?: string; zipBytes?: number },
    send: (config: AxiosRequestConfig) => Promise<{ data: unknown }>,
    retries?: number,
  ): Promise<unknown> {
    const { deadline } = this.options;
    let attempts = 0;
    let lastReason: string | undefined;
    try {
      return await withRetry(
        async () => {
          attempts++;
          if (deadline?.stopped) throw deadline.error({ operation, lastReason });
          return this.paced(operation, lastReason, async () => {
            const idleMs = this.idleTimeoutMs;
            const idle = new AbortController();
            let timer: NodeJS.Timeout = setTimeout(() => idle.abort(new IdleTimeout(idleMs)), idleMs);
            const touch = () => {
              clearTimeout(timer);
              timer = setTimeout(() => idle.abort(new IdleTimeout(idleMs)), idleMs);
            };
            const signal = deadline ? AbortSignal.any([deadline.signal, idle.signal]) : idle.signal;
            try {
              return (await send({ signal, onUploadProgress: touch, onDownloadProgress: touch })).data;
            } catch (error) {
              if (deadline?.stopped) throw deadline.error({ operation, lastReason });
              const apiError = idle.signal.aborted ? this.idleError(operation, what, idleMs) : this.toApiError(operation, what, error);
              lastReason = apiError.reason;
              if (apiError.status === 429) this.options.pacer?.limiter.pause(apiError.retryAfterMs ?? RATE_LIMIT_PAUSE_MS);
              throw apiError;
            } finally {
              clearTimeout(timer);
            }
          });
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
      if (e instanceof TrayApiError && e.retryable && attempts > 1) {
        throw new TrayApiError(`${e.message} (gave up after ${attempts} attempts)`, e.region, e.operation, e.status, true, e.reason);
      }
      throw e;
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

  private idleError(operation: TrayOperation, what: { name: string; version: string }, idleMs: number): TrayApiError {
    const reason = `no data for ${formatDuration(idleMs)} (idle limit)`;
    return new TrayApiError(
      `${this.region}: ${this.endpoint.baseUrl} sent or took no data for ${formatDuration(idleMs)} while ${doingOf(operation)} ${what.name} ${what.version} ` +
        `(the per-request idle limit, option "requestIdleSeconds")`,
      this.region,
      operation,
      undefined,
      true,
      reason,
    );
  }

  /** Turns whatever axios threw into a TrayApiError whose message holds no token and tells what to do. */
  toApiError(
    operation: TrayOperation,
    what: { name: string; version: string; id?: string; zipBytes?: number },
    error: unknown,
  ): TrayApiError {
    const secrets = [this.endpoint.token];
    const { region } = this;
    const label = REGION_INFO[region].label;
    const doing = doingOf(operation);
    const subject = `${what.name} ${what.version}`;
    if (!(error instanceof AxiosError)) {
      const message = redact(error instanceof Error ? error.message : String(error), secrets);
      return new TrayApiError(`${region}: ${doing} ${subject} failed: ${message}`, region, operation, undefined, false, message);
    }
    const response = error.response;
    const code = errorCode(error);
    if (!response && code && TLS_CODE.test(code)) return this.tlsError(operation, doing, subject, code, error);
    if (!response) {
      const reason = connectionReason(error);
      return new TrayApiError(
        `${region}: could not reach ${this.endpoint.baseUrl} while ${doing} ${subject}: ${reason}`,
        region,
        operation,
        undefined,
        true,
        reason,
      );
    }
    const status = response.status;
    const body = describeResponseBody(response.data, secrets);
    const apiMessage = apiMessageOf(response.data, secrets) ?? body;
    const withBody = body ? ` Response: ${body}` : '';
    if (status >= 300 && status < 400) {
      const location = response.headers?.['location'];
      const target = originOf(typeof location === 'string' ? location : undefined, this.url(''));
      return new TrayApiError(
        `${region}: ${this.endpoint.baseUrl} answered HTTP ${status} (a redirect to ${target}) while ${doing} ${subject}. ` +
          `Redirects are never followed: the token${operation === 'status' ? '' : ' and the request body'} would go with them. ` +
          `Check the base URL from ${this.endpoint.baseUrlSource}: it must be Tray's API root itself, e.g. ${REGION_INFO[region].defaultBaseUrl}.`,
        region,
        operation,
        status,
        false,
        `HTTP ${status} redirect to ${target}`,
      );
    }
    if (status === 401 || status === 403) {
      return new TrayApiError(
        `${region}: Tray refused the token from ${this.endpoint.tokenEnv} (HTTP ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}) while ${doing} ${subject}. ` +
          `Set ${this.endpoint.tokenEnv} to a valid ${label} API user token for ${this.endpoint.baseUrl}` +
          (status === 403 ? ' with permission to deploy connectors (only the token that deployed a connector can share it).' : '.') +
          withBody,
        region,
        operation,
        status,
        false,
        `HTTP ${status}`,
      );
    }
    if (status === 400) {
      return new TrayApiError(
        `${region}: Tray rejected ${doing} ${subject} (HTTP 400): ${apiMessage || '(no message)'}`,
        region,
        operation,
        status,
        false,
        'HTTP 400',
      );
    }
    if (status === 404) {
      const hint =
        operation === 'share'
          ? ` Deploy ${subject} to ${region} with this token before sharing it.`
          : operation === 'status'
            ? ` Deployment ${what.id} is unknown to ${region}.`
            : ` Deploying needs no existing connector, so the endpoint itself was not found: check that the base URL ${this.endpoint.baseUrl} (from ${this.endpoint.baseUrlSource}) is the API root, e.g. ${REGION_INFO[region].defaultBaseUrl}, with no extra path.`;
      return new TrayApiError(
        `${region}: Tray found no connector ${what.name} version ${what.version} (HTTP 404) while ${doing} it.${hint}${withBody}`,
        region,
        operation,
        status,
        false,
        'HTTP 404',
      );
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
      const reason = `HTTP 429 rate limited${retryAfterMs !== undefined ? `, Retry-After ${Math.round(retryAfterMs / 100) / 10}s` : ''}`;
      return new TrayApiError(
        `${region}: Tray's rate limit was hit while ${doing} ${subject} (${reason}).${withBody}`,
        region,
        operation,
        status,
        true,
        reason,
        retryAfterMs,
      );
    }
    if (status >= 500) {
      return new TrayApiError(
        `${region}: Tray failed (HTTP ${status}) while ${doing} ${subject}.${withBody}`,
        region,
        operation,
        status,
        true,
        `HTTP ${status}`,
      );
    }
    if (status === 413) {
      const message = payloadTooLargeMessage({ region, subject, zipBytes: what.zipBytes, withBody });
      return new TrayApiError(message, region, operation, status, false, 'HTTP 413 payload too large');
    }
    return new TrayApiError(
      `${region}: unexpected HTTP ${status} while ${doing} ${subject}.${withBody}`,
      region,
      operation,
      status,
      false,
      `HTTP ${status}`,
    );
  }

  private tlsError(operation: TrayOperation, doing: string, subject: string, code: string, error: AxiosError): TrayApiError {
    const host = new URL(this.endpoint.baseUrl).host;
    const detail = redact(((error.cause as Error | undefined)?.message ?? error.message ?? '').split('\n')[0], [this.endpoint.token]);
    const hint =
      code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_')
        ? `the TLS handshake failed: is ${this.endpoint.baseUrl} (from ${this.endpoint.baseUrlSource}) an https server? (a plain http server, or a proxy in the way, answers like this)`
        : `the server's certificate was not accepted: check the base URL ${this.endpoint.baseUrl} (from ${this.endpoint.baseUrlSource}); ` +
          'if a company proxy re-signs TLS, point NODE_EXTRA_CA_CERTS at its CA certificate (never turn verification off)';
    return new TrayApiError(
      `${this.region}: TLS with ${host} failed (${code}${detail ? `: ${detail}` : ''}) while ${doing} ${subject}; not retried: ${hint}.`,
      this.region,
      operation,
      undefined,
      false,
      `TLS ${code}`,
    );
  }
}

function doingOf(operation: TrayOperation): string {
  return operation === 'deploy' ? 'deploying' : operation === 'status' ? 'checking the deployment status of' : 'sharing';
}

function errorCode(error: AxiosError): string | undefined {
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  // axios sets its own codes (ERR_BAD_RESPONSE...); the socket's code is on the cause.
  return cause?.code ?? error.code;
}

/** The origin a redirect points to (resolved against the request URL), or "an unnamed location". */
export function originOf(location: string | undefined, requestUrl: string): string {
  if (!location) return 'an unnamed location (no Location header)';
  try {
    return new URL(location, requestUrl).origin;
  } catch {
    return 'an unreadable location';
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function apiMessageOf(data: unknown, secrets: string[]): string | undefined {
  if (data && typeof data === 'object' && typeof (data as any).message === 'string') return describeBody((data as any).message, secrets);
  return undefined;
}

function connectionReason(error: AxiosError): string {
  const code = error.code && error.code !== 'ERR_BAD_RESPONSE' ? error.code : (error.cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNRESET':
      return 'connection reset (ECONNRESET)';
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return `timed out (${code})`;
    case 'EPIPE':
      return 'connection closed while sending (EPIPE)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code})`;
    default:
      return code ? `network error (${code})` : redact(error.message || 'network error');
  }
}
