import type { ExecutorContext } from '@nx/devkit';
import { readConnectorConfig } from '../../core/connector/connector-config';
import { formatDeploymentStatus, getDeploymentStatus } from '../../core/deploy/deployment-status';
import { isTrayConnectorError } from '../../core/errors';
import { redact } from '../../core/redact';
import { deployPlaces, nxLogger, projectOf, tokensInEnv } from '../shared/executor-context';
import type { StatusExecutorSchema } from './schema';
import { refuseUnknownOptions } from '../shared/known-options';

/** `tray-connector:status`: the latest (or a given) deployment of the connector, per region. */
export default async function statusExecutor(options: StatusExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const secrets = tokensInEnv();
  const log = nxLogger(context.isVerbose, secrets);
  try {
    refuseUnknownOptions('status', options);
    const project = projectOf(context);
    const connector = readConnectorConfig(project.absRoot);
    const { regions, apiUrls } = deployPlaces<StatusExecutorSchema['apiUrls']>(project.targets, options);
    const result = await getDeploymentStatus({
      name: connector.name,
      version: connector.version,
      regions,
      deploymentId: options.deploymentId,
      timeoutMs: options.timeoutSeconds === undefined ? undefined : Math.round(options.timeoutSeconds * 1000),
      idleTimeoutMs: options.requestIdleSeconds === undefined ? undefined : Math.round(options.requestIdleSeconds * 1000),
      apiUrls,
      logger: log,
    });
    if (options.json) process.stdout.write(`${redact(JSON.stringify(result), secrets)}\n`);
    else log.info(formatDeploymentStatus(result));
    if (!result.success) {
      const failed = result.regions.filter((r) => !r.ok);
      for (const r of failed) log.error(r.message ?? `${r.region}: status request failed`);
      log.error(`Status of ${connector.name} ${connector.version} could not be read in ${failed.map((r) => r.region).join(', ')}.`);
    }
    return { success: result.success };
  } catch (e) {
    // Through nxLogger (redacted, and plain unless colours are wanted: see shared/color.ts), like every other line.
    if (isTrayConnectorError(e)) log.error(e.message);
    else log.error(`tray-connector:status failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
    return { success: false };
  }
}
