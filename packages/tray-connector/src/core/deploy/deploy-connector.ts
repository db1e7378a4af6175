import * as fs from 'fs';
import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { Deadline } from '../tray-api/deadline';
import { problemCollector, throwIfProblems, StoppedError, TrayConnectorError } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, formatTable, reportRetries, silentProgress, type ProgressReporter } from '../tray-api/progress';
import { parseRegions, resolveRegionEndpoints, type Region, type RegionEndpoint } from '../tray-api/regions';
import { describeBody, redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { describeShare, parseEmails, shareInRegion, type AddressResult } from './share-connector';
import { TrayApiError, TrayClient, streamedSourceBody, type DeploymentAnswer } from '../tray-api/tray-client';
import { readZipManifest, sha256File } from '../connector/zip-manifest';
import { nextPollAge } from '../tray-api/deploy-durations';
import { type PollSchedule } from '../tray-api/poll-schedule';
import { pacerFor } from '../tray-api/tray-pacer';

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
  logger: Logger;
  progress?: ProgressReporter;
}

export interface RegionOutcome {
  region: Region;
  ok: boolean;
  /** Final deployment status (Deployed, Failed, ...), or Error / Timed out / Dry run / Submitted. */
  status: string;
  deploymentId?: string;
  durationMs: number;
  /** Why it failed, for a person (no secret in it). */
  message?: string;
  /** Times a running deployment of the same version was waited out (repeatDeployment). */
  repeats: number;
  statusUrl?: string;
  shareMessage?: string;
  /** What shareWith did per address, when it ran. */
  shareAddresses?: AddressResult[];
  /** The deployment was interrupted (SIGINT/SIGTERM) while in flight. */
  interrupted?: boolean;
}

export interface DeployOutcome {
  success: boolean;
  regions: RegionOutcome[];
  /** The summary table (also given to the progress reporter's finish). */
  table: string;
}

const KEEP_WAITING = new Set(['Deploying', 'Building']);
/** Longest sleep before a wait for the next poll is planned again. */
const RECHECK_MS = 100;
/** Fields of a status body that hold Tray's own words about a deployment. */
const TRAY_WORDS = ['message', 'error', 'errorMessage', 'reason', 'details', 'errors'];
const TRAY_WORDS_MAX = 1000;

/**
 * Tray's own words about a deployment (message, error, reason, details of the status body) as one
 * line, redacted and at most ~1000 characters; undefined when the body says nothing more.
 */
export function trayWords(answer: Record<string, unknown>, secrets: readonly string[] = []): string | undefined {
  const parts = TRAY_WORDS.filter((k) => answer[k] !== undefined && answer[k] !== null && answer[k] !== '').map(
    (k) => `${k}: ${typeof answer[k] === 'string' ? (answer[k] as string) : describeBody(answer[k], secrets, TRAY_WORDS_MAX)}`,
  );
  return parts.length ? describeBody(parts.join('; '), secrets, TRAY_WORDS_MAX) : undefined;
}

interface Prepared {
  regions: Region[];
  endpoints: RegionEndpoint[];
  zipSize: number;
  emails: string[];
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
  throwIfProblems(problems);
  return { regions, endpoints: resolved!.endpoints, zipSize: fs.statSync(options.zipPath).size, emails };
}

/**
 * Deploys one connector zip to every region at once and (by default) waits until each reports
 * Deployed. One region failing does not stop the others. Throws TrayConnectorError only for
 * problems found before any request (see prepareDeploy); per-region failures are in the outcome.
 */
export async function deployConnector(options: DeployConnectorOptions): Promise<DeployOutcome> {
  const prepared = prepareDeploy(options);
  const progress = options.progress ?? silentProgress;
  const secrets = prepared.endpoints.map((e) => e.token);
  if (options.dryRun) return dryRun(options, prepared, progress);

  const results = await Promise.all(prepared.endpoints.map((endpoint) => deployRegion(endpoint, options, prepared, progress, secrets)));
  for (const r of results) if (r.message) r.message = redact(r.message, secrets);
  const table = summaryTable(results, options);
  progress.finish(table);
  for (const r of results) if (!r.ok && r.message) options.logger.error(r.message);
  return { success: results.every((r) => r.ok), regions: results, table };
}

async function dryRun(options: DeployConnectorOptions, prepared: Prepared, progress: ProgressReporter): Promise<DeployOutcome> {
  const sha = await sha256File(options.zipPath);
  const payload = streamedSourceBody(options.zipPath, prepared.zipSize);
  payload.stream.destroy();
  const results: RegionOutcome[] = [];
  for (const endpoint of prepared.endpoints) {
    const client = new TrayClient({ endpoint });
    const token = endpoint.token ? `token from ${endpoint.tokenEnv}` : `NO TOKEN: set ${endpoint.tokenEnv} before deploying`;
    options.logger.info(
      `[dry run] ${endpoint.region}: POST ${client.url(client.deployPath(options.name, options.version))}\n` +
        `          payload ${payload.length} bytes (zip ${prepared.zipSize} bytes, sha256 ${sha}), ${token}`,
    );
    // A region without a token would fail for real: not counted as ok (issue 22.7).
    results.push({
      region: endpoint.region,
      ok: !!endpoint.token,
      status: endpoint.token ? 'Dry run (nothing sent)' : 'Dry run: no token',
      durationMs: 0,
      repeats: 0,
      ...(endpoint.token ? {} : { message: `${endpoint.region}: no API token; set ${endpoint.tokenEnv} before deploying` }),
    });
  }
  const table = summaryTable(results, options);
  progress.finish(table);
  return { success: results.every((r) => r.ok), regions: results, table };
}

async function deployRegion(
  endpoint: RegionEndpoint,
  options: DeployConnectorOptions,
  prepared: Prepared,
  progress: ProgressReporter,
  secrets: string[],
): Promise<RegionOutcome> {
  const { region } = endpoint;
  const { name, version } = options;
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 900_000;
  const timeoutOption = options.timeoutOption ?? 'timeoutSeconds';
  const deadline = new Deadline(timeoutMs, { interrupt: options.signal });
  const schedule: PollSchedule = { firstMs: options.firstPollMs, maxMs: Math.max(1, options.pollIntervalMs ?? 5000) };
  const maxRepeats = options.maxRepeats ?? 5;
  const pacer = pacerFor(endpoint.baseUrl, endpoint.token, {
    maxRequestsPerSecond: options.maxRequestsPerSecond,
    maxConcurrentUploads: options.maxConcurrentUploads,
  });
  const client = new TrayClient({
    endpoint,
    retry: options.retry,
    idleTimeoutMs: options.idleTimeoutMs ?? options.requestTimeoutMs,
    deadline,
    onRetry: reportRetries(progress, region),
    pacer,
  });
  const outcome: RegionOutcome = { region, ok: false, status: 'Error', durationMs: 0, repeats: 0 };
  /** What is going on, for a message when the region is stopped. */
  let phase: 'sending' | 'waiting' | 'waiting-other' | 'sharing' = 'sending';
  let lastStatus = '';
  const finish = (o: Partial<RegionOutcome>) => {
    Object.assign(outcome, o, { durationMs: Date.now() - started });
    progress.event({ type: 'done', region, ok: outcome.ok, status: outcome.status, message: outcome.message });
    return outcome;
  };
  const latestUrl = client.url(client.statusPath(name, version, 'latest'));
  const check = () => `check GET ${outcome.statusUrl ?? latestUrl} (with the ${endpoint.tokenEnv} token)`;

  /**
   * Polls until a final status (transient failures retried until the deadline); returns the final
   * answer. For this source's own deployment (`learn`), the polls follow what the region's earlier
   * deployments showed about Tray's duration, and its own bounds are kept for the next ones.
   */
  const waitFor = async (id: string, initial: DeploymentAnswer, learn: boolean): Promise<DeploymentAnswer> => {
    let answer = initial;
    const accepted = Date.now();
    const pollAges: number[] = [];
    const tracked = learn ? pacer.durations.track() : undefined;
    lastStatus = answer.deploymentStatus;
    try {
      while (KEEP_WAITING.has(answer.deploymentStatus)) {
        // Re-planned every RECHECK_MS: an estimate may arrive (or the older deployment end) meanwhile.
        for (;;) {
          const ageMs = Date.now() - accepted;
          const estimate = learn ? pacer.durations.estimate() : undefined;
          const due = nextPollAge(
            { ageMs, pollAges, olderInFlight: tracked?.olderInFlight(), youngerInFlight: tracked?.youngerInFlight() },
            schedule,
            estimate,
          );
          if (due <= ageMs) break;
          await deadline.sleep(Math.max(1, Math.min(due - ageMs, RECHECK_MS, deadline.left())), { operation: 'status' });
        }
        const next = await client.getDeployment(name, version, id, { untilDeadline: true });
        const ageMs = Date.now() - accepted;
        if (next.deploymentStatus !== answer.deploymentStatus && KEEP_WAITING.has(next.deploymentStatus)) {
          progress.event({ type: 'status', region, deploymentId: id, status: next.deploymentStatus });
        }
        answer = next;
        lastStatus = answer.deploymentStatus;
        if (KEEP_WAITING.has(answer.deploymentStatus)) pollAges.push(ageMs);
        else if (learn) pacer.durations.record({ notFinalMs: pollAges.at(-1) ?? 0, finalMs: ageMs });
      }
      return answer;
    } finally {
      tracked?.done();
    }
  };

  /** The outcome of a region stopped by its deadline, an interrupt, or a Retry-After longer than the time left. */
  const stopped = (e: StoppedError): RegionOutcome => {
    const elapsed = formatDuration(Date.now() - started);
    const limit = `"${timeoutOption}" (${formatDuration(timeoutMs)})`;
    const id = outcome.deploymentId;
    const mayFinish =
      phase === 'sending'
        ? `The deploy request was in flight: Tray may or may not have taken it; ${check()}.`
        : phase === 'waiting-other'
          ? `This source was NOT deployed (another deployment ${id} of ${name} ${version} was running); ${check()}.`
          : phase === 'sharing'
            ? `${name} ${version} is Deployed; the share did not finish.`
            : `Deployment ${id} may still finish: ${check()}.`;
    if (e.stop === 'interrupted') {
      return finish({
        status: 'Interrupted',
        interrupted: true,
        message: `${region}: interrupted ${phase === 'sending' ? 'while sending' : `while deployment ${id} was ${lastStatus || 'in flight'}`}. ${mayFinish}`,
      });
    }
    if (e.stop === 'retry-after') {
      const notTaken = phase === 'sending' ? `Tray did not take this source (it answered 429 to the deploy request).` : mayFinish;
      return finish({
        status: 'Rate limited',
        message:
          `${region}: Tray asked to wait ${formatDuration(e.detail.retryAfterMs ?? 0)} (Retry-After on the ${e.detail.operation} request), ` +
          `longer than the ${formatDuration(e.detail.leftMs ?? 0)} left of ${limit}; stopped instead of waiting. ${notTaken} Deploy again later, or raise "${timeoutOption}".`,
      });
    }
    const last = e.detail.lastReason ? ` (last problem: ${e.detail.lastReason})` : '';
    const what =
      phase === 'waiting' || phase === 'waiting-other'
        ? `deployment ${id} of ${name} ${version} was still ${lastStatus || 'in flight'} after ${elapsed} (timeout ${limit})${last}`
        : `${phase === 'sharing' ? 'sharing' : 'sending'} ${name} ${version} did not finish within ${elapsed} (timeout ${limit})${last}`;
    return finish({ status: 'Timed out', message: `${region}: ${what}. ${mayFinish} Or raise "${timeoutOption}".` });
  };

  try {
    for (;;) {
      phase = 'sending';
      progress.event({
        type: 'start',
        region,
        message: `sending ${name} ${version} (${prepared.zipSize} bytes zipped) to ${endpoint.baseUrl}`,
      });
      const answer = await client.deployFromSource(name, version, options.zipPath);
      outcome.deploymentId = answer.id;
      outcome.statusUrl = client.url(client.statusPath(name, version, answer.id));
      if (answer.repeatDeployment) {
        outcome.repeats++;
        if (outcome.repeats > maxRepeats) {
          return finish({
            status: 'Not taken',
            message: `${region}: Tray kept answering repeatDeployment (another deployment of ${name} ${version} in progress) ${maxRepeats} times; this source was not deployed. Run deploy again later.`,
          });
        }
        progress.event({
          type: 'note',
          region,
          message: `repeatDeployment: another deployment of ${name} ${version} (${answer.id}) is in progress and Tray did NOT take this source; waiting for it to finish, then deploying again`,
        });
        phase = 'waiting-other';
        const other = await waitFor(answer.id, answer, false);
        progress.event({
          type: 'note',
          region,
          message: `the other deployment ended ${other.deploymentStatus}; deploying this source again`,
        });
        continue;
      }
      progress.event({ type: 'submitted', region, deploymentId: answer.id, status: answer.deploymentStatus });
      if (options.wait === false) {
        return finish({ ok: true, status: `${answer.deploymentStatus} (not waited for)` });
      }
      phase = 'waiting';
      const final = await waitFor(answer.id, answer, true);
      const words = trayWords(final, secrets);
      if (final.deploymentStatus === 'Deployed') {
        if (prepared.emails.length) {
          phase = 'sharing';
          try {
            const shared = describeShare(await shareInRegion(client, name, version, prepared.emails), {
              region,
              name,
              version,
              allowPartial: options.allowPartialShare,
              allowOption: 'allowPartialShare',
            });
            outcome.shareMessage = shared.summary;
            outcome.shareAddresses = shared.addresses;
            if (!shared.complete) {
              if (!options.allowPartialShare) return finish({ status: 'Deployed, share partial', message: shared.message });
              options.logger.warn(shared.message);
            }
            progress.event({ type: 'note', region, message: `shared with ${prepared.emails.join(', ')}: ${shared.summary}` });
          } catch (e) {
            if (e instanceof StoppedError) throw e;
            return finish({ status: 'Deployed, share failed', message: errorMessage(e) });
          }
        }
        return finish({ ok: true, status: 'Deployed' });
      }
      const said = words ? `Tray says: ${words}.` : 'Tray gave no reason.';
      if (final.deploymentStatus === 'Failed') {
        return finish({
          status: 'Failed',
          message:
            `${region}: Tray reports deployment ${answer.id} of ${name} ${version} Failed. ${said} ` +
            'Tray built the connector from the zip and it did not deploy: check that the connector builds and its tests pass locally, then deploy again.',
        });
      }
      return finish({
        status: final.deploymentStatus,
        message:
          `${region}: deployment ${answer.id} of ${name} ${version} ended with status ${JSON.stringify(final.deploymentStatus)}, which is not Deployed. ${said} ` +
          `It is not known to be deployed: ${check()}, then deploy again.`,
      });
    }
  } catch (e) {
    if (e instanceof StoppedError) return stopped(e);
    return finish({ status: e instanceof TrayApiError && e.status ? `HTTP ${e.status}` : 'Error', message: errorMessage(e) });
  } finally {
    deadline.dispose();
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof TrayConnectorError) return e.message;
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
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
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  const ok = results.filter((r) => r.ok).length;
  return `Deploy of ${options.name} ${options.version}: ${ok}/${results.length} region${results.length > 1 ? 's' : ''} ok\n${formatTable(['Region', 'Deployment id', 'Status', 'Duration', 'Note'], rows)}`;
}
