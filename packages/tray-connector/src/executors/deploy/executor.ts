import type { ExecutorContext } from '@nx/devkit';
import { readConnectorConfig } from '../../core/connector-config';
import { deployConnector } from '../../core/deploy-connector';
import { appendStepSummary, toDeployResult, writeDeployResult, type DeployResultInput } from '../../core/deploy-result';
import { isTrayConnectorError } from '../../core/errors';
import { createProgressReporter } from '../../core/progress';
import { parseRegions, type Region } from '../../core/regions';
import { redact } from '../../core/redact';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import type { DeployExecutorSchema } from './schema';
import { findTarget, listOption, nxLogger, projectOf, resolveProjectPath, tokensInEnv } from '../shared/executor-context';
import { whileInterruptible } from '../shared/interrupt';

/** `tray-connector:deploy`: sends the built zip to every configured region and waits for Deployed. */
export default async function deployExecutor(options: DeployExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const secrets = tokensInEnv();
  const log = nxLogger(context.isVerbose, secrets);
  const startedAt = new Date();
  let result: (Omit<DeployResultInput, 'finishedAt' | 'regions'> & { absRoot: string }) | undefined;
  try {
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
    const progress = createProgressReporter({ logger: log, regions: regionNames, secrets });
    log.info(
      `${options.dryRun ? '[dry run] ' : ''}Deploying ${connector.name} ${connector.version} (${project.name}) from ${zipPath} to ${regions.join(', ') || '(no region)'}`,
    );
    const { result: outcome, interruptedBy } = await whileInterruptible(
      (signal) =>
        deployConnector({
          name: connector.name,
          version: connector.version,
          zipPath,
          regions,
          apiUrls: options.apiUrls,
          wait: options.wait ?? true,
          timeoutMs: Math.round((options.timeoutSeconds ?? 900) * 1000),
          idleTimeoutMs: Math.round((options.requestIdleSeconds ?? 60) * 1000),
          pollIntervalMs: Math.round((options.pollIntervalSeconds ?? 5) * 1000),
          dryRun: options.dryRun ?? false,
          shareWith: shareWith.length ? shareWith : undefined,
          allowPartialShare: options.allowPartialShare ?? false,
          signal,
          logger: log,
          progress,
        }),
      (name) =>
        log.warn(`${name} received: stopping; deployments already sent keep running at Tray (each is listed below with the URL to check).`),
    );
    if (interruptedBy) {
      const inFlight = outcome.regions.filter((r) => r.interrupted);
      log.error(
        `Deploy of ${connector.name} ${connector.version} interrupted (${interruptedBy})` +
          (inFlight.length
            ? `; in flight at Tray:\n${inFlight.map((r) => `  ${r.region}: deployment ${r.deploymentId ?? '(not known: the deploy request was being sent)'}, status ${r.statusUrl ?? 'unknown'}`).join('\n')}`
            : '.'),
      );
      process.exitCode = interruptedBy === 'SIGINT' ? 130 : 143;
      return { success: false };
    }
    if (!outcome.success) {
      const failed = outcome.regions.filter((r) => !r.ok);
      log.error(
        `Deploy of ${connector.name} ${connector.version} failed in ${failed.map((r) => r.region).join(', ')} (${outcome.regions.length - failed.length} of ${outcome.regions.length} regions ok).`,
      );
      const target = `${project.name}:${context.targetName ?? 'deploy'}`;
      const redeploy = failed.filter((r) => !r.status.startsWith('Deployed')).map((r) => r.region);
      const reshare = failed.filter((r) => r.status.startsWith('Deployed')).map((r) => r.region);
      if (redeploy.length)
        log.error(`Re-deploy only the failed region${redeploy.length > 1 ? 's' : ''}: nx run ${target} --regions=${redeploy.join(',')}`);
      if (reshare.length) {
        const share = Object.entries(project.targets).find(([, t]) => t.executor === 'tray-connector:share')?.[0] ?? 'share';
        log.error(
          `Deployed, but not shared everywhere: nx run ${project.name}:${share} --regions=${reshare.join(',')} --emails=${shareWith.join(',')}` +
            (outcome.regions.some((r) => r.status === 'Deployed, share partial')
              ? ' (or --allowPartialShare to accept a partial share)'
              : ''),
        );
      }
    }
    recordResult(result, outcome.regions, log);
    return { success: outcome.success };
  } catch (e) {
    const message = isTrayConnectorError(e)
      ? redact(e.message, secrets)
      : `tray-connector:deploy failed unexpectedly: ${redact(e instanceof Error ? e.message : String(e), secrets)}`;
    log.error(message);
    recordResult(result, [], log, message);
    return { success: false };
  }
}

/** `.tray/deploy-result.json` and, on GitHub Actions, the job summary (see core/deploy-result.ts); never fails the deploy. */
function recordResult(
  base: (Omit<DeployResultInput, 'finishedAt' | 'regions'> & { absRoot: string }) | undefined,
  regions: DeployResultInput['regions'],
  log: ReturnType<typeof nxLogger>,
  error?: string,
): void {
  if (!base) return;
  try {
    const result = toDeployResult({ ...base, finishedAt: new Date(), regions, error });
    writeDeployResult(base.absRoot, result);
    appendStepSummary(result);
  } catch (e) {
    log.warn(
      `Could not write the deploy result (.tray/deploy-result.json or GITHUB_STEP_SUMMARY): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
