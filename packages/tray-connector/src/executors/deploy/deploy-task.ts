import type { ExecutorContext } from '@nx/devkit';
import { readConnectorConfig } from '../../core/connector/connector-config';
import { deployConnector, type DeployOutcome, type RegionOutcome } from '../../core/deploy/deploy-connector';
import { parseCheckBreakingChanges } from '../../core/deploy/breaking-guard';
import { appendStepSummary, toDeployResult, writeDeployResult, type DeployResultInput } from '../../core/deploy/deploy-result';
import { isTrayConnectorError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { createProgressReporter } from '../../core/tray-api/progress';
import { parseRegions, type Region } from '../../core/tray-api/regions';
import { redact } from '../../core/redact';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import type { DeployExecutorSchema } from './schema';
import { findTarget, listOption, projectOf, resolveProjectPath } from '../shared/executor-context';
import { InFlightTracker, trackDeploy } from './in-flight';
import { refuseUnknownOptions } from '../shared/known-options';

/** What one deploy task did: its success, and (when interrupted) the regions still in flight at Tray. */
export interface DeployTaskResult {
  success: boolean;
  /** Set when the signal stopped it: each line names a region in flight, its deployment and status URL. */
  inFlight?: string[];
  interrupted?: boolean;
}

export interface DeployTaskIo {
  log: Logger;
  /** Every token of the environment, masked in what is printed. */
  secrets: string[];
  /** SIGINT/SIGTERM: every region stops and reports what is in flight. */
  signal: AbortSignal;
  /** Live lines on a terminal (single task) or timestamped lines (batch: each task's output is its own). */
  tty?: boolean;
  /** Part of a batch: an interrupted task repeats its own in-flight regions in its own output. */
  batch?: boolean;
}

/**
 * One project's deploy, as the single executor and the batch implementation both run it: reads
 * connector.json and the zip, deploys to every region (paced with every other deploy of the process,
 * see core/tray-pacer.ts), prints the table and what to do about failures, and writes
 * .tray/deploy-result.json (and the GitHub step summary).
 */
export async function deployTask(options: DeployExecutorSchema, context: ExecutorContext, io: DeployTaskIo): Promise<DeployTaskResult> {
  const { log, secrets } = io;
  const startedAt = new Date();
  let result: (Omit<DeployResultInput, 'finishedAt' | 'regions'> & { absRoot: string }) | undefined;
  let untrack: () => unknown = () => undefined;
  try {
    refuseUnknownOptions('deploy', options);
    const project = projectOf(context);
    const connector = readConnectorConfig(project.absRoot);
    result = {
      absRoot: project.absRoot,
      project: project.name,
      connector: connector.name,
      version: connector.version,
      dryRun: options.dryRun ?? false,
      startedAt,
    };
    const build = findTarget(project.targets, 'tray-connector:build', 'build');
    const zipOption = options.zipPath ?? (build?.options?.outputPath as string | undefined) ?? DEFAULT_ZIP_PATH;
    const zipPath = resolveProjectPath(zipOption, context.root, project.root);
    const regions = listOption(options.regions) ?? [];
    const shareWith = listOption(options.shareWith) ?? [];
    let regionNames: Region[] = [];
    try {
      regionNames = parseRegions(regions);
    } catch {
      regionNames = []; // deployConnector reports the problem with the others
    }
    const base = result;
    const tracker = new InFlightTracker({
      project: project.name,
      name: connector.name,
      version: connector.version,
      apiUrls: options.apiUrls,
      record: (regions, signal) => recordResult(base, regions, log, undefined, signal),
    });
    untrack = trackDeploy(tracker);
    const progress = tracker.wrap(createProgressReporter({ logger: log, regions: regionNames, secrets, tty: io.tty }));
    log.info(
      `${options.dryRun ? '[dry run] ' : ''}Deploying ${connector.name} ${connector.version} (${project.name}) from ${zipPath} to ${regions.join(', ') || '(no region)'}`,
    );
    const outcome = await deployConnector({
      name: connector.name,
      version: connector.version,
      zipPath,
      regions,
      apiUrls: options.apiUrls,
      wait: options.wait ?? true,
      timeoutMs: Math.round((options.timeoutSeconds ?? 900) * 1000),
      idleTimeoutMs: Math.round((options.requestIdleSeconds ?? 60) * 1000),
      pollIntervalMs: Math.round((options.pollIntervalSeconds ?? 5) * 1000),
      firstPollMs: Math.round((options.firstPollSeconds ?? 1) * 1000),
      maxRequestsPerSecond: options.maxRequestsPerSecond,
      maxConcurrentUploads: options.maxConcurrentUploads,
      dryRun: options.dryRun ?? false,
      allowMissingTokens: options.allowMissingTokens ?? false,
      shareWith: shareWith.length ? shareWith : undefined,
      allowPartialShare: options.allowPartialShare ?? false,
      checkBreakingChanges: parseCheckBreakingChanges(options.checkBreakingChanges),
      allowBreakingChanges: options.allowBreakingChanges ?? false,
      connectivityTokenEnv: options.connectivityTokenEnv,
      signal: io.signal,
      logger: log,
      progress,
    });
    if (io.signal.aborted) {
      const signal = String(io.signal.reason);
      // The signal handler listed what was in flight and wrote the result (see in-flight.ts); the
      // result file is written again with what the regions reported since (no second step summary).
      if (tracker.reported) {
        const own = io.batch && tracker.reportedLines.length;
        log.error(
          `Deploy of ${connector.name} ${connector.version} interrupted (${signal})` +
            (own ? `; in flight at Tray then:\n${tracker.reportedLines.map((l) => `  ${l}`).join('\n')}` : '.'),
        );
        recordResult(result, outcome.regions, log, undefined, signal, false);
        return { success: false, interrupted: true, inFlight: [] };
      }
      const inFlight = inFlightLines(outcome.regions);
      log.error(
        `Deploy of ${connector.name} ${connector.version} interrupted (${signal})` +
          (inFlight.length ? `; in flight at Tray:\n${inFlight.map((l) => `  ${l}`).join('\n')}` : '.'),
      );
      recordResult(result, outcome.regions, log, undefined, signal);
      return { success: false, interrupted: true, inFlight: inFlight.map((l) => `${project.name}: ${l}`) };
    }
    if (!outcome.success) explainFailure(outcome, { project, connector, shareWith, targetName: context.targetName, log });
    recordResult(result, outcome.regions, log);
    return { success: outcome.success };
  } catch (e) {
    const message = isTrayConnectorError(e)
      ? redact(e.message, secrets)
      : `tray-connector:deploy failed unexpectedly: ${redact(e instanceof Error ? e.message : String(e), secrets)}`;
    log.error(message);
    recordResult(result, [], log, message);
    return { success: false };
  } finally {
    untrack();
  }
}

/** Each region interrupted while in flight: its deployment and the URL to check. */
function inFlightLines(regions: readonly RegionOutcome[]): string[] {
  return regions
    .filter((r) => r.interrupted)
    .map(
      (r) =>
        `${r.region}: ${r.deploymentId ? `deployment ${r.deploymentId}, status ${r.statusUrl ?? 'unknown'}` : 'deploy request sent, no answer yet'}`,
    );
}

function explainFailure(
  outcome: DeployOutcome,
  ctx: {
    project: ReturnType<typeof projectOf>;
    connector: { name: string; version: string };
    shareWith: string[];
    targetName?: string;
    log: Logger;
  },
): void {
  const { project, connector, shareWith, log } = ctx;
  const failed = outcome.regions.filter((r) => !r.ok);
  log.error(
    `Deploy of ${connector.name} ${connector.version} failed in ${failed.map((r) => r.region).join(', ')} (${outcome.regions.length - failed.length} of ${outcome.regions.length} regions ok).`,
  );
  const target = `${project.name}:${ctx.targetName ?? 'deploy'}`;
  const refused = failed.filter((r) => r.refused).map((r) => r.region);
  if (refused.length) {
    const breaking = failed.some((r) => r.refused?.changes.length);
    log.error(
      `Refused before any upload in ${refused.join(', ')}` +
        (breaking
          ? `: bump "version" in connector.json, or deploy the breaking change anyway: nx run ${target} --regions=${refused.join(',')} --allowBreakingChanges`
          : ` (the strict breaking-change check could not read what ${refused.length > 1 ? 'they serve' : 'it serves'}; see above)`),
    );
  }
  const redeploy = failed
    .filter((r) => !r.refused && !r.status.startsWith('Deployed') && !r.status.startsWith('Dry run'))
    .map((r) => r.region);
  const reshare = failed.filter((r) => r.status.startsWith('Deployed')).map((r) => r.region);
  if (redeploy.length)
    log.error(`Re-deploy only the failed region${redeploy.length > 1 ? 's' : ''}: nx run ${target} --regions=${redeploy.join(',')}`);
  if (reshare.length) {
    const share = Object.entries(project.targets).find(([, t]) => t.executor === 'tray-connector:share')?.[0] ?? 'share';
    log.error(
      `Deployed, but not shared everywhere: nx run ${project.name}:${share} --regions=${reshare.join(',')} --emails=${shareWith.join(',')}` +
        (outcome.regions.some((r) => r.status === 'Deployed, share partial') ? ' (or --allowPartialShare to accept a partial share)' : ''),
    );
  }
}

/** `.tray/deploy-result.json` and, on GitHub Actions, the job summary (see core/deploy-result.ts); never fails the deploy. */
function recordResult(
  base: (Omit<DeployResultInput, 'finishedAt' | 'regions'> & { absRoot: string }) | undefined,
  regions: DeployResultInput['regions'],
  log: Logger,
  error?: string,
  interrupted?: string,
  summary = true,
): void {
  if (!base) return;
  try {
    const result = toDeployResult({ ...base, finishedAt: new Date(), regions, error, interrupted });
    writeDeployResult(base.absRoot, result);
    if (summary) appendStepSummary(result);
  } catch (e) {
    log.warn(
      `Could not write the deploy result (.tray/deploy-result.json or GITHUB_STEP_SUMMARY): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
