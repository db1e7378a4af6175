import * as fs from 'fs';
import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { problemCollector, throwIfProblems } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, formatTable, silentProgress, type ProgressReporter } from '../tray-api/progress';
import { parseRegions, resolveRegionEndpoints, type Region, type RegionEndpoint } from '../tray-api/regions';
import { redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { TrayClient, streamedSourceBody } from '../tray-api/tray-client';
import { readZipManifest, sha256File } from '../connector/zip-manifest';
import { DRY_RUN_NO_TOKEN, okCount } from './deploy-result';
import { deployRegion, type RegionDeployPlan, type RegionOutcome } from './region-deploy';
import { parseEmails } from './share-with-emails';
import { readZipOperations } from '../connector/zip-operations';
import {
  guardRegion,
  parseCheckBreakingChanges,
  readConnectivityAccess,
  type CheckBreakingChanges,
  type GuardPlan,
  type GuardVerdict,
} from './breaking-guard';
import { Deadline } from '../tray-api/deadline';
import { pacerFor } from '../tray-api/tray-pacer';

export { trayWords, type RegionOutcome } from './region-deploy';

export interface DeployConnectorOptions {
  /** From the project's connector.json. */
  name: string;
  version: string;
  zipPath: string;
  regions: string | readonly string[];
  env?: NodeJS.ProcessEnv;
  apiUrls?: Record<string, string | undefined>;
  /** Wait until every region reports Deployed (default true). */
  wait?: boolean;
  /** Per region, from the first request to the final status (and the share after it): bounds every request, retry and wait. Default 900 s. */
  timeoutMs?: number;
  /** Longest wait between status requests (the first comes after firstPollMs, each next one half longer, up to this). Default 5 s. */
  pollIntervalMs?: number;
  /** Wait before the first status request; default 1 s (never more than pollIntervalMs). */
  firstPollMs?: number;
  /** Requests in any one-second window to one region with one token, shared by every deploy of the process; default 20. */
  maxRequestsPerSecond?: number;
  /** Deploy requests (zip uploads) in flight at once to one region with one token, for the whole process; default 8. */
  maxConcurrentUploads?: number;
  dryRun?: boolean;
  /** In a dry run, a region without a token is reported (never counted among the regions ok) without failing the run; default false (it fails). */
  allowMissingTokens?: boolean;
  /** E-mails to share the connector with in each region once it is Deployed there. */
  shareWith?: string | readonly string[];
  /** Accept a shareWith that Tray answers for only some addresses (reported per address, as a warning). */
  allowPartialShare?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Longest time one request may go without data before it is abandoned and retried; default 60 s. */
  idleTimeoutMs?: number;
  /** Older name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Aborts every region at once (SIGINT/SIGTERM): each in-flight region ends Interrupted, naming its deployment and status URL. */
  signal?: AbortSignal;
  /** Names the timeout option in messages; default "timeoutSeconds". */
  timeoutOption?: string;
  /** How many times a repeatDeployment answer is waited out before giving up; default 5. */
  maxRepeats?: number;
  /**
   * Before uploading to a region, read what it serves at this name and version and refuse a breaking
   * change (breaking-guard.ts): `true` (warn when that cannot be read), `strict` (refuse then) or
   * `false`. Default false here; the deploy executor's default is true.
   */
  checkBreakingChanges?: CheckBreakingChanges;
  /** Deploy a breaking change anyway (with a warning listing it). */
  allowBreakingChanges?: boolean;
  /** Per region, the environment variable holding the token that reads the listing; default the region's deploy token variable. */
  connectivityTokenEnv?: Record<string, string | undefined>;
  logger: Logger;
  progress?: ProgressReporter;
}

export interface DeployOutcome {
  success: boolean;
  regions: RegionOutcome[];
  /** The summary table (also given to the progress reporter's finish). */
  table: string;
}

interface Prepared {
  regions: Region[];
  endpoints: RegionEndpoint[];
  zipSize: number;
  emails: string[];
  /** The breaking-change guard, when on. */
  guard?: GuardPlan;
}

/**
 * Every check that can be made before a request: connector name/version fit for a URL path,
 * known regions, a token (and a safe base URL) for each, the zip present and holding this
 * connector's name and version, valid share addresses. All problems are reported together.
 */
export function prepareDeploy(options: DeployConnectorOptions): Prepared {
  const { problems, collect } = problemCollector();
  const nameProblems = [...connectorNameProblems(options.name), ...connectorVersionProblems(options.version)];
  problems.push(...nameProblems.map((p) => `connector.json: ${p}`));
  const regions = collect(() => parseRegions(options.regions)) ?? [];
  const resolved = regions.length
    ? collect(() => resolveRegionEndpoints(regions, { env: options.env, apiUrls: options.apiUrls, requireToken: !options.dryRun }))
    : undefined;
  for (const w of resolved?.warnings ?? []) options.logger.warn(w);
  const manifest = collect(() => readZipManifest(options.zipPath));
  if (manifest && nameProblems.length === 0 && (manifest.name !== options.name || manifest.version !== options.version)) {
    problems.push(
      `${options.zipPath} holds connector ${String(manifest.name)} version ${String(manifest.version)}, but the project's connector.json says ` +
        `${options.name} version ${options.version}: rebuild the zip (nx run <project>:build) or fix "zipPath"`,
    );
  }
  const emails =
    options.shareWith !== undefined && options.shareWith.length !== 0
      ? (collect(() => parseEmails(options.shareWith!, 'shareWith')) ?? [])
      : [];
  const guard = resolved && manifest ? prepareGuard(options, resolved.endpoints, collect) : undefined;
  throwIfProblems(problems);
  return { regions, endpoints: resolved!.endpoints, zipSize: fs.statSync(options.zipPath).size, emails, guard };
}

/** The guard's settings, the build's operations (from the zip) and the token that reads each region's listing. */
function prepareGuard(
  options: DeployConnectorOptions,
  endpoints: readonly RegionEndpoint[],
  collect: <T>(check: () => T) => T | undefined,
): GuardPlan | undefined {
  const check = collect(() => parseCheckBreakingChanges(options.checkBreakingChanges ?? false));
  if (!check) return undefined;
  const local = collect(() => readZipOperations(options.zipPath));
  const access = collect(() =>
    readConnectivityAccess(endpoints, options.connectivityTokenEnv, options.env ?? process.env, !!options.dryRun),
  );
  if (!local || !access) return undefined;
  return { check, allowBreakingChanges: options.allowBreakingChanges ?? false, local, access };
}

/**
 * Deploys one connector zip to every region at once and (by default) waits until each reports
 * Deployed. One region failing does not stop the others. Throws TrayConnectorError only for
 * problems found before any request (see prepareDeploy); per-region failures are in the outcome.
 */
export async function deployConnector(options: DeployConnectorOptions): Promise<DeployOutcome> {
  const prepared = prepareDeploy(options);
  const progress = options.progress ?? silentProgress;
  const readTokens = Object.values(prepared.guard?.access ?? {}).map((a) => a?.token ?? '');
  const secrets = [...prepared.endpoints.map((e) => e.token), ...readTokens].filter(Boolean);
  if (options.dryRun) return dryRun(options, prepared, progress, secrets);

  const plan = regionPlan(options, prepared, progress, secrets);
  const results = await Promise.all(prepared.endpoints.map((endpoint) => deployRegion(endpoint, plan)));
  for (const r of results) if (r.message) r.message = redact(r.message, secrets);
  const table = summaryTable(results, options);
  progress.finish(table);
  for (const r of results) if (!r.ok && r.message) options.logger.error(r.message);
  return { success: results.every((r) => r.ok), regions: results, table };
}

/** Every option one region's deploy reads, resolved once (defaults applied): the region deploys follow only this. */
function regionPlan(options: DeployConnectorOptions, prepared: Prepared, progress: ProgressReporter, secrets: string[]): RegionDeployPlan {
  return {
    name: options.name,
    version: options.version,
    zipPath: options.zipPath,
    zipSize: prepared.zipSize,
    wait: options.wait !== false,
    timeoutMs: options.timeoutMs ?? 900_000,
    timeoutOption: options.timeoutOption ?? 'timeoutSeconds',
    schedule: { firstMs: options.firstPollMs, maxMs: Math.max(1, options.pollIntervalMs ?? 5000) },
    maxRepeats: options.maxRepeats ?? 5,
    guard: prepared.guard,
    emails: prepared.emails,
    allowPartialShare: options.allowPartialShare ?? false,
    retry: options.retry,
    idleTimeoutMs: options.idleTimeoutMs ?? options.requestTimeoutMs,
    maxRequestsPerSecond: options.maxRequestsPerSecond,
    maxConcurrentUploads: options.maxConcurrentUploads,
    signal: options.signal,
    secrets,
    logger: options.logger,
    progress,
  };
}

async function dryRun(
  options: DeployConnectorOptions,
  prepared: Prepared,
  progress: ProgressReporter,
  secrets: string[],
): Promise<DeployOutcome> {
  const sha = await sha256File(options.zipPath);
  const payload = streamedSourceBody(options.zipPath, prepared.zipSize);
  payload.stream.destroy();
  const results = await Promise.all(
    prepared.endpoints.map(async (endpoint): Promise<RegionOutcome> => {
      const client = new TrayClient({ endpoint });
      const token = endpoint.token ? `token from ${endpoint.tokenEnv}` : `NO TOKEN: set ${endpoint.tokenEnv} before deploying`;
      const checked = prepared.guard ? await dryRunGuard(endpoint, options, prepared.guard) : undefined;
      options.logger.info(
        `[dry run] ${endpoint.region}: POST ${client.url(client.deployPath(options.name, options.version))}\n` +
          `          payload ${payload.length} bytes (zip ${prepared.zipSize} bytes, sha256 ${sha}), ${token}` +
          (checked ? `\n          breaking-change check: ${checked.go ? checked.note : 'WOULD BE REFUSED'}` : ''),
      );
      if (checked?.warning) options.logger.warn(redact(`[dry run] ${checked.warning}`, secrets));
      if (checked && !checked.go) {
        return {
          region: endpoint.region,
          ok: false,
          status: 'Dry run: would be refused',
          message: redact(`[dry run] ${checked.message}`, secrets),
          refused: { changes: checked.breaking, truncated: !!checked.truncated },
          durationMs: 0,
          repeats: 0,
        };
      }
      if (!endpoint.token) {
        // A region without a token would fail for real: never counted as ok (issue 22.7); it fails the
        // dry run unless allowMissingTokens says tokens are withheld on purpose (a pull request's job).
        const message = `${endpoint.region}: no API token; set ${endpoint.tokenEnv} before deploying`;
        const ok = !!options.allowMissingTokens;
        return { region: endpoint.region, ok, status: DRY_RUN_NO_TOKEN, message: ok ? undefined : message, durationMs: 0, repeats: 0 };
      }
      return { region: endpoint.region, ok: true, status: 'Dry run (nothing sent)', check: checked?.note, durationMs: 0, repeats: 0 };
    }),
  );
  const table = summaryTable(results, options);
  progress.finish(table);
  for (const r of results) if (!r.ok && r.message) options.logger.error(r.message);
  return { success: results.every((r) => r.ok), regions: results, table };
}

/** The guard of a dry run: read-only (one GET per region, no upload); a region without a token is not checked. */
async function dryRunGuard(endpoint: RegionEndpoint, options: DeployConnectorOptions, guard: GuardPlan): Promise<GuardVerdict> {
  const deadline = new Deadline(options.timeoutMs ?? 900_000, { interrupt: options.signal });
  try {
    return await guardRegion({
      endpoint,
      name: options.name,
      version: options.version,
      plan: guard,
      deadline,
      retry: options.retry,
      idleTimeoutMs: options.idleTimeoutMs ?? options.requestTimeoutMs,
      pacer: pacerFor(endpoint.baseUrl, guard.access[endpoint.region]?.token ?? endpoint.token, {
        maxRequestsPerSecond: options.maxRequestsPerSecond,
      }),
    });
  } finally {
    deadline.dispose();
  }
}

function summaryTable(results: RegionOutcome[], options: DeployConnectorOptions): string {
  const rows = results.map((r) => [
    r.region,
    r.deploymentId ?? '-',
    r.status,
    r.status.startsWith('Dry run') ? '-' : formatDuration(r.durationMs),
    [
      r.repeats ? `waited out ${r.repeats} running deployment${r.repeats > 1 ? 's' : ''}` : '',
      r.shareMessage ? `shared: ${r.shareMessage}` : '',
      r.check ? `check: ${r.check}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  return `Deploy of ${options.name} ${options.version}: ${okCount(results)}\n${formatTable(['Region', 'Deployment id', 'Status', 'Duration', 'Note'], rows)}`;
}
