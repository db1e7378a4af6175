import axios, { AxiosError, type AxiosInstance } from 'axios';
import * as fs from 'fs';
import { Readable } from 'stream';
import { TrayConnectorError } from './errors';
import { REGION_INFO, isLoopback, type Region, type RegionEndpoint } from './regions';
import { describeBody, redact } from './redact';
import { parseRetryAfter, withRetry, DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy } from './retry';

/** What the deploy and status endpoints answer. */
export interface DeploymentAnswer {
  id: string;
  connectorName: string;
  connectorVersion: string;
  deploymentStatus: string;
  repeatDeployment?: boolean;
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
  /** Idle timeout of one request; default 120 s. */
  requestTimeoutMs?: number;
  onRetry?(event: RetryEvent & { operation: TrayOperation }): void;
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
      timeout: options.requestTimeoutMs ?? 120_000,
      headers: { Authorization: `Bearer ${this.endpoint.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      maxContentLength: 10 * 1024 * 1024,
      // A local API (the emulator) is never reached through a proxy from the environment.
      ...(loopback ? { proxy: false as const } : {}),
    });
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
    const data = await this.call('deploy', { name, version }, () => {
      const body = streamedSourceBody(zipPath, size);
      return this.http.post(this.deployPath(name, version), body.stream, {
        headers: { 'Content-Length': String(body.length) },
        maxBodyLength: Infinity,
        // follow-redirects would keep a copy of the whole body to replay it; no redirects, no copy.
        maxRedirects: 0,
      });
    });
    return this.deploymentAnswer('deploy', data);
  }

  async getDeployment(name: string, version: string, id: string): Promise<DeploymentAnswer> {
    const data = await this.call('status', { name, version, id }, () => this.http.get(this.statusPath(name, version, id)));
    return this.deploymentAnswer('status', data);
  }

  async shareWithEmails(name: string, version: string, emails: string[]): Promise<{ message: string }> {
    const data = await this.call('share', { name, version }, () => this.http.post(this.sharePath(name, version), { emails }));
    const message = data && typeof data === 'object' && typeof (data as any).message === 'string' ? (data as any).message : describeBody(data, [this.endpoint.token]) || 'shared';
    return { message };
  }

  private deploymentAnswer(operation: TrayOperation, data: unknown): DeploymentAnswer {
    const d = data as Partial<DeploymentAnswer> | undefined;
    if (!d || typeof d !== 'object' || typeof d.id !== 'string' || !d.id || typeof d.deploymentStatus !== 'string') {
      throw new TrayApiError(
        `${this.region}: unexpected answer to the ${operation} request (no "id"/"deploymentStatus"): ${describeBody(data, [this.endpoint.token]) || '(empty)'}`,
        this.region,
        operation,
        200,
        false,
        'unexpected answer',
      );
    }
    return d as DeploymentAnswer;
  }

  private async call(operation: TrayOperation, what: { name: string; version: string; id?: string }, send: () => Promise<{ data: unknown }>): Promise<unknown> {
    let attempts = 0;
    try {
      return await withRetry(
        async () => {
          attempts++;
          try {
            return (await send()).data;
          } catch (error) {
            throw this.toApiError(operation, what, error);
          }
        },
        {
          policy: this.policy,
          classify: (e) =>
            e instanceof TrayApiError ? { retry: e.retryable, reason: e.reason, retryAfterMs: e.retryAfterMs } : { retry: false, reason: 'error' },
          onRetry: (event) => this.options.onRetry?.({ ...event, operation }),
        },
      );
    } catch (e) {
      if (e instanceof TrayApiError && e.retryable && attempts > 1) {
        throw new TrayApiError(`${e.message} (gave up after ${attempts} attempts)`, e.region, e.operation, e.status, true, e.reason);
      }
      throw e;
    }
  }

  /** Turns whatever axios threw into a TrayApiError whose message holds no token and tells what to do. */
  toApiError(operation: TrayOperation, what: { name: string; version: string; id?: string }, error: unknown): TrayApiError {
    const secrets = [this.endpoint.token];
    const { region } = this;
    const label = REGION_INFO[region].label;
    const doing = operation === 'deploy' ? 'deploying' : operation === 'status' ? 'checking the deployment status of' : 'sharing';
    const subject = `${what.name} ${what.version}`;
    if (!(error instanceof AxiosError)) {
      const message = redact(error instanceof Error ? error.message : String(error), secrets);
      return new TrayApiError(`${region}: ${doing} ${subject} failed: ${message}`, region, operation, undefined, false, message);
    }
    const response = error.response;
    if (!response) {
      const reason = connectionReason(error);
      return new TrayApiError(`${region}: could not reach ${this.endpoint.baseUrl} while ${doing} ${subject}: ${reason}`, region, operation, undefined, true, reason);
    }
    const status = response.status;
    const body = describeBody(response.data, secrets);
    const apiMessage = apiMessageOf(response.data, secrets) ?? body;
    const withBody = body ? ` Response: ${body}` : '';
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
      return new TrayApiError(`${region}: Tray rejected ${doing} ${subject} (HTTP 400): ${apiMessage || '(no message)'}`, region, operation, status, false, 'HTTP 400');
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
      return new TrayApiError(`${region}: Tray's rate limit was hit while ${doing} ${subject} (${reason}).${withBody}`, region, operation, status, true, reason, retryAfterMs);
    }
    if (status >= 500) {
      return new TrayApiError(`${region}: Tray failed (HTTP ${status}) while ${doing} ${subject}.${withBody}`, region, operation, status, true, `HTTP ${status}`);
    }
    return new TrayApiError(`${region}: unexpected HTTP ${status} while ${doing} ${subject}.${withBody}`, region, operation, status, false, `HTTP ${status}`);
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
  const code = error.code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
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
