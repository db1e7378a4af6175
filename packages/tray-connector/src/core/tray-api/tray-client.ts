import * as fs from 'fs';
import { describeBody, describeResponseBody } from '../redact';
import type { Region } from './regions';
import { streamedSourceBody } from './source-body';
import { TrayApiError, type RequestSubject, type TrayOperation } from './tray-errors';
import { TrayTransport, type TrayTransportOptions } from './tray-transport';

export { streamedSourceBody } from './source-body';
export { TrayApiError, originOf, type TrayOperation } from './tray-errors';
export { DEFAULT_IDLE_TIMEOUT_MS, RATE_LIMIT_PAUSE_MS } from './tray-transport';

/**
 * The three endpoints of Tray's CDK deployment API for one region: deploy from source, a
 * deployment's status, share with e-mails (their paths, bodies and answers). How each request
 * goes (token, pacing, retries, deadline, error answers) is the transport's (tray-transport.ts).
 */

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

export type TrayClientOptions = TrayTransportOptions;

export class TrayClient {
  readonly region: Region;
  readonly transport: TrayTransport;

  constructor(options: TrayClientOptions) {
    this.transport = new TrayTransport(options);
    this.region = options.endpoint.region;
  }

  /** The per-request idle limit in ms. */
  get idleTimeoutMs(): number {
    return this.transport.idleTimeoutMs;
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
    return this.transport.url(path);
  }

  /** POST the zip at `zipPath` (streamed, base64) to deploy-connector-from-source. */
  async deployFromSource(name: string, version: string, zipPath: string): Promise<DeploymentAnswer> {
    const size = fs.statSync(zipPath).size;
    const data = await this.transport.request('deploy', { name, version, zipBytes: size }, (http, config) => {
      const body = streamedSourceBody(zipPath, size);
      return http.post(this.deployPath(name, version), body.stream, {
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
    const retries = options.untilDeadline && this.transport.hasDeadline ? Infinity : undefined;
    const data = await this.transport.request(
      'status',
      { name, version, id },
      (http, config) => http.get(this.statusPath(name, version, id), config),
      { retries },
    );
    return this.deploymentAnswer('status', data);
  }

  /** POST share-with-emails; `body` is Tray's answer as it came (see judgeShare), `message` its message. */
  async shareWithEmails(name: string, version: string, emails: string[]): Promise<{ message: string; body: unknown }> {
    const data = await this.transport.request('share', { name, version }, (http, config) =>
      http.post(this.sharePath(name, version), { emails }, config),
    );
    const message =
      data && typeof data === 'object' && typeof (data as any).message === 'string'
        ? (data as any).message
        : describeBody(data, [this.transport.endpoint.token]) || 'shared';
    return { message, body: data };
  }

  /** Turns whatever axios threw into a TrayApiError whose message holds no token and tells what to do. */
  toApiError(operation: TrayOperation, what: RequestSubject, error: unknown): TrayApiError {
    return this.transport.toApiError(operation, what, error);
  }

  private deploymentAnswer(operation: TrayOperation, data: unknown): DeploymentAnswer {
    const d = data as Partial<DeploymentAnswer> | undefined;
    if (!d || typeof d !== 'object' || typeof d.id !== 'string' || !d.id || typeof d.deploymentStatus !== 'string') {
      throw new TrayApiError(
        `${this.region}: unexpected answer to the ${operation} request (no "id"/"deploymentStatus"): ${describeResponseBody(data, [this.transport.endpoint.token]) || '(empty)'}`,
        this.region,
        operation,
        200,
        false,
        'unexpected answer',
      );
    }
    return d as DeploymentAnswer;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
