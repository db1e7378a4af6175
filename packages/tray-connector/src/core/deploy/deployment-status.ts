import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { Deadline } from '../tray-api/deadline';
import { problemCollector, StoppedError, throwIfProblems } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, formatTable } from '../tray-api/progress';
import { parseRegions, resolveRegionEndpoints, type Region } from '../tray-api/regions';
import { redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { TrayApiError, TrayClient } from '../tray-api/tray-client';
import { pacerFor } from '../tray-api/tray-pacer';

/** The id Tray's status endpoint takes for "the most recent deployment of this version". */
export const LATEST_DEPLOYMENT = 'latest';

/** Default bound of one region's status read (its requests, retries and waits). */
export const DEFAULT_STATUS_TIMEOUT_MS = 60_000;

export interface DeploymentStatusOptions {
  name: string;
  version: string;
  regions: string | readonly string[];
  /** A deployment id; default the latest deployment of the version. */
  deploymentId?: string;
  env?: NodeJS.ProcessEnv;
  apiUrls?: Record<string, string | undefined>;
  retry?: Partial<RetryPolicy>;
  /** Per region, every request, retry and Retry-After wait included; default 60 s. */
  timeoutMs?: number;
  /** Longest silence of one request (connect, headers, each body chunk); default the client's (60 s). */
  idleTimeoutMs?: number;
  /** Older name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Progress lines (retries); the result itself is returned, not logged. */
  logger: Logger;
}

export interface RegionStatus {
  region: Region;
  ok: boolean;
  /** The deployment's id (as Tray answered), when known. */
  deploymentId?: string;
  /** Deploying, Building, Deployed, Failed... or "none" when the region has no deployment of this version. */
  status?: string;
  /** Why the request failed (no secret in it). */
  message?: string;
  /** The URL asked (no secret in it). */
  url: string;
}

export interface DeploymentStatusResult {
  /** Every region answered (a region without any deployment of the version still answered). */
  success: boolean;
  name: string;
  version: string;
  deploymentId: string;
  regions: RegionStatus[];
}

/**
 * Asks every region at once for a deployment's status: GET .../versions/{version}/latest, or
 * .../{deploymentId}. Tokens, base URLs, retries and redaction are deploy's (regions.ts,
 * tray-client.ts). Problems found before any request are thrown together; per-region failures
 * are in the result.
 */
export async function getDeploymentStatus(options: DeploymentStatusOptions): Promise<DeploymentStatusResult> {
  const { problems, collect } = problemCollector();
  problems.push(
    ...[...connectorNameProblems(options.name), ...connectorVersionProblems(options.version)].map((p) => `connector.json: ${p}`),
  );
  const deploymentId = options.deploymentId?.trim() || LATEST_DEPLOYMENT;
  if (/[/?#\s]/.test(deploymentId))
    problems.push(`"deploymentId" ${JSON.stringify(deploymentId)} is not a deployment id (no "/", "?", "#" or spaces)`);
  const regions = collect(() => parseRegions(options.regions)) ?? [];
  const resolved = regions.length
    ? collect(() => resolveRegionEndpoints(regions, { env: options.env, apiUrls: options.apiUrls }))
    : undefined;
  throwIfProblems(problems);
  for (const w of resolved!.warnings) options.logger.warn(w);
  const secrets = resolved!.endpoints.map((e) => e.token);
  const results = await Promise.all(
    resolved!.endpoints.map(async (endpoint): Promise<RegionStatus> => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
      const deadline = new Deadline(timeoutMs);
      const client = new TrayClient({
        endpoint,
        retry: options.retry,
        idleTimeoutMs: options.idleTimeoutMs ?? options.requestTimeoutMs,
        deadline,
        pacer: pacerFor(endpoint.baseUrl, endpoint.token),
        secrets,
        onRetry: (e) =>
          options.logger.info(`${endpoint.region}: status request failed (${e.reason}); retry ${e.retry}/${e.retries} in ${e.delayMs}ms`),
      });
      const url = client.url(client.statusPath(options.name, options.version, deploymentId));
      try {
        const answer = await client.getDeployment(options.name, options.version, deploymentId);
        return { region: endpoint.region, ok: true, deploymentId: answer.id, status: answer.deploymentStatus, url };
      } catch (e) {
        if (e instanceof TrayApiError && e.status === 404 && deploymentId === LATEST_DEPLOYMENT) {
          // No deployment of this version in the region yet: an answer, not a failure.
          return {
            region: endpoint.region,
            ok: true,
            status: 'none',
            message: `HTTP 404: no deployment of ${options.name} ${options.version} in ${endpoint.region} yet (if it was deployed, check the base URL ${endpoint.baseUrl} from ${endpoint.baseUrlSource})`,
            url,
          };
        }
        const message =
          e instanceof StoppedError
            ? `${endpoint.region}: no answer within "timeoutSeconds" (${formatDuration(timeoutMs)})${e.detail.lastReason ? ` (last problem: ${e.detail.lastReason})` : ''}; try again, or raise "timeoutSeconds".`
            : e instanceof Error
              ? e.message
              : String(e);
        return { region: endpoint.region, ok: false, message: redact(message, secrets), url };
      } finally {
        deadline.dispose();
      }
    }),
  );
  return { success: results.every((r) => r.ok), name: options.name, version: options.version, deploymentId, regions: results };
}

/** The result as a table a person reads: region, deployment id, status (or the error). */
export function formatDeploymentStatus(result: DeploymentStatusResult): string {
  const rows = result.regions.map((r) => [
    r.region,
    r.deploymentId ?? '-',
    r.ok ? (r.status === 'none' ? 'no deployment yet' : (r.status ?? '-')) : 'Error',
    r.message ?? '',
  ]);
  const what = result.deploymentId === LATEST_DEPLOYMENT ? 'latest deployment' : `deployment ${result.deploymentId}`;
  return `${result.name} ${result.version}, ${what}:\n${formatTable(['region', 'deployment', 'status', 'note'], rows)}`;
}
