import type { ExecutorContext } from '@nx/devkit';
import { readConnectorConfig } from '../../core/connector/connector-config';
import { isTrayConnectorError } from '../../core/errors';
import { createProgressReporter } from '../../core/tray-api/progress';
import { parseRegions, type Region } from '../../core/tray-api/regions';
import { shareConnector } from '../../core/deploy/share-connector';
import { deployPlaces, listOption, nxLogger, projectOf, tokensInEnv } from '../shared/executor-context';
import type { ShareExecutorSchema } from './schema';
import { refuseUnknownOptions } from '../shared/known-options';

/** `tray-connector:share`: shares the deployed connector version with Tray users, in every region. */
export default async function shareExecutor(options: ShareExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const secrets = tokensInEnv();
  const log = nxLogger(context.isVerbose, secrets);
  try {
    refuseUnknownOptions('share', options);
    const project = projectOf(context);
    const connector = readConnectorConfig(project.absRoot);
    const { regions, apiUrls } = deployPlaces<ShareExecutorSchema['apiUrls']>(project.targets, options);
    let regionNames: Region[] = [];
    try {
      regionNames = parseRegions(regions);
    } catch {
      regionNames = [];
    }
    const outcome = await shareConnector({
      name: connector.name,
      version: connector.version,
      regions,
      emails: listOption(options.emails) ?? [],
      apiUrls,
      timeoutMs: Math.round((options.timeoutSeconds ?? 300) * 1000),
      idleTimeoutMs: Math.round((options.requestIdleSeconds ?? 60) * 1000),
      allowPartial: options.allowPartial ?? false,
      maxRequestsPerSecond: options.maxRequestsPerSecond,
      logger: log,
      progress: createProgressReporter({ logger: log, regions: regionNames, secrets }),
    });
    if (!outcome.success) {
      const failed = outcome.regions.filter((r) => !r.ok).map((r) => r.region);
      log.error(`Share of ${connector.name} ${connector.version} failed in ${failed.join(', ')}.`);
    }
    return { success: outcome.success };
  } catch (e) {
    if (isTrayConnectorError(e)) log.error(e.message);
    else log.error(`tray-connector:share failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
    return { success: false };
  }
}
