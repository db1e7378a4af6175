import * as fs from 'fs';
import { describeBody, describeResponseBody } from '../redact';
import { ServerHandle, serverJson, serverText, type ServerText } from './server-text';
import type { Region } from './regions';
import { streamedSourceBody } from './source-body';
import { TrayApiError, type RequestSubject, type TrayOperation } from './tray-errors';
import { TrayTransport, type TrayTransportOptions } from './tray-transport';

export { streamedSourceBody } from './source-body';
export { TrayApiError, originOf, type TrayOperation } from './tray-errors';
export { ServerHandle, type ServerText } from './server-text';
export { DEFAULT_IDLE_TIMEOUT_MS, RATE_LIMIT_PAUSE_MS } from './tray-transport';

/**
 * The three endpoints of Tray's CDK deployment API for one region: deploy from source, a
 * deployment's status, share with e-mails (their paths, bodies and answers). How each request
 * goes (token, pacing, retries, deadline, error answers) is the transport's (tray-transport.ts).
 */

/**
 * What the deploy and status endpoints answer, parsed where it enters: every text is ServerText
 * (masked, printable; see server-text.ts). The raw deployment id is only in `handle`, for the polls.
 */
export interface DeploymentAnswer {
  id: ServerText;
  /** The id as Tray wrote it, usable only as the status request's path segment. */
  handle: ServerHandle;
  connectorName: ServerText;
  connectorVersion: ServerText;
  deploymentStatus: ServerText;
  repeatDeployment: boolean;
  /** Tray's own words about the deployment (message, error, reason, details), one line; undefined when it says nothing more. */
  words?: ServerText;
}

/** Fields of a status body that hold Tray's own words about a deployment. */
const TRAY_WORDS = ['message', 'error', 'errorMessage', 'reason', 'details', 'errors'];
const TRAY_WORDS_MAX = 1000;

/**
 * Tray's own words about a deployment (message, error, reason, details of the status body) as one
 * masked, printable line of at most ~1000 characters; undefined when the body says nothing more.
 */
export function trayWords(answer: Record<string, unknown>, secrets: readonly string[] = []): ServerText | undefined {
  const parts = TRAY_WORDS.filter((k) => answer[k] !== undefined && answer[k] !== null && answer[k] !== '').map(
    (k) => `${k}: ${typeof answer[k] === 'string' ? (answer[k] as string) : describeBody(answer[k], secrets, TRAY_WORDS_MAX)}`,
  );
  return parts.length ? serverText(describeBody(parts.join('; '), secrets, TRAY_WORDS_MAX), secrets) : undefined;
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
  /** `id`: one the user gave (or `latest`), or a handle Tray gave (its raw id goes into the path only). */
  statusPath(name: string, version: string, id: string | ServerHandle): string {
    const segment = typeof id === 'string' ? enc(id) : id.forRequestPath();
    return `/cdk/v1/deployments/connectors/${enc(name)}/versions/${enc(version)}/${segment}`;
  }
  /** The status URL of a deployment Tray named, as it may be shown (masked, printable). */
  shownStatusUrl(name: string, version: string, id: ServerHandle): ServerText {
    return serverText(this.url(this.statusPath(name, version, id)), this.transport.secrets, Infinity);
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
  async getDeployment(
    name: string,
    version: string,
    id: string | ServerHandle,
    options: { untilDeadline?: boolean } = {},
  ): Promise<DeploymentAnswer> {
    const retries = options.untilDeadline && this.transport.hasDeadline ? Infinity : undefined;
    const data = await this.transport.request(
      'status',
      { name, version, id: String(id) },
      (http, config) => http.get(this.statusPath(name, version, id), config),
      { retries },
    );
    return this.deploymentAnswer('status', data);
  }

  /** POST share-with-emails; `body` is Tray's answer with every string in it ServerText (see judgeShare), `message` its message. */
  async shareWithEmails(name: string, version: string, emails: string[]): Promise<{ message: ServerText; body: unknown }> {
    const data = await this.transport.request('share', { name, version }, (http, config) =>
      http.post(this.sharePath(name, version), { emails }, config),
    );
    const secrets = this.transport.secrets;
    const message =
      data && typeof data === 'object' && typeof (data as any).message === 'string'
        ? serverText((data as any).message, secrets)
        : serverText(describeBody(data, secrets) || 'shared', secrets);
    return { message, body: serverJson(data, secrets) };
  }

  /** Turns whatever axios threw into a TrayApiError whose message holds no token and tells what to do. */
  toApiError(operation: TrayOperation, what: RequestSubject, error: unknown): TrayApiError {
    return this.transport.toApiError(operation, what, error);
  }

  private deploymentAnswer(operation: TrayOperation, data: unknown): DeploymentAnswer {
    const d = data as Record<string, unknown> | undefined;
    if (!d || typeof d !== 'object' || typeof d.id !== 'string' || !d.id || typeof d.deploymentStatus !== 'string') {
      throw new TrayApiError(
        `${this.region}: unexpected answer to the ${operation} request (no "id"/"deploymentStatus"): ${describeResponseBody(data, this.transport.secrets) || '(empty)'}`,
        this.region,
        operation,
        200,
        false,
        'unexpected answer',
      );
    }
    const secrets = this.transport.secrets;
    const id = serverText(d.id, secrets);
    return {
      id,
      handle: new ServerHandle(d.id, id),
      connectorName: serverText(d.connectorName, secrets),
      connectorVersion: serverText(d.connectorVersion, secrets),
      deploymentStatus: serverText(d.deploymentStatus, secrets),
      repeatDeployment: !!d.repeatDeployment,
      words: trayWords(d as Record<string, unknown>, secrets),
    };
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
