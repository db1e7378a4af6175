import { logger, type ExecutorContext } from '@nx/devkit';
import { readConnectorConfig } from '../../core/connector/connector-config';
import { verifyConnector, type VerifyResult } from '../../core/deploy/verify';
import { appendVerifyStepSummary, formatVerifyResult, oneLine, writeVerifyResult } from '../../core/deploy/verify-result';
import { isTrayConnectorError } from '../../core/errors';
import { redact } from '../../core/redact';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import { deployPlaces, findTarget, nxLogger, projectOf, resolveProjectPath, tokensInEnv } from '../shared/executor-context';
import type { VerifyExecutorSchema } from './schema';
import { refuseUnknownOptions } from '../shared/known-options';

type TokenEnvs = VerifyExecutorSchema['connectivityTokenEnv'];

/**
 * `tray-connector:verify`: what each region serves (Tray's Connectivity API) against the built zip.
 * Read-only; fails on drift, not deployed, or a region that cannot be read.
 */
export default async function verifyExecutor(options: VerifyExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  let secrets = tokensInEnv();
  let project: ReturnType<typeof projectOf> | undefined;
  try {
    refuseUnknownOptions('verify', options);
    project = projectOf(context);
    const connector = readConnectorConfig(project.absRoot);
    const { regions, apiUrls } = deployPlaces<VerifyExecutorSchema['apiUrls']>(project.targets, options);
    const deploy = findTarget(project.targets, 'tray-connector:deploy', 'deploy');
    const connectivityTokenEnv = options.connectivityTokenEnv ?? (deploy?.options?.connectivityTokenEnv as TokenEnvs | undefined);
    secrets = [...secrets, ...tokensNamedIn(connectivityTokenEnv)];
    const log = nxLogger(context.isVerbose, secrets);
    const build = findTarget(project.targets, 'tray-connector:build', 'build');
    const zipOption = options.zipPath ?? (build?.options?.outputPath as string | undefined) ?? DEFAULT_ZIP_PATH;
    const result = await verifyConnector({
      name: connector.name,
      version: connector.version,
      regions,
      zipPath: resolveProjectPath(zipOption, context.root, project.root),
      apiUrls,
      connectivityTokenEnv,
      timeoutMs: options.timeoutSeconds === undefined ? undefined : Math.round(options.timeoutSeconds * 1000),
      logger: log,
    });
    const file = writeVerifyResult(project.absRoot, { project: project.name, ...result });
    appendVerifyStepSummary(result, project.name);
    if (options.json) {
      process.stdout.write(`${redact(JSON.stringify({ project: project.name, ...result }), secrets)}\n`);
      return { success: result.success };
    }
    log.info(formatVerifyResult(result));
    log.debug?.(`Result written to ${file}`);
    if (!result.success) log.error(failureSummary(result, project.name));
    return { success: result.success };
  } catch (e) {
    const message = isTrayConnectorError(e)
      ? redact(e.message, secrets)
      : `tray-connector:verify failed unexpectedly: ${redact(e instanceof Error ? e.message : String(e), secrets)}`;
    logger.error(message);
    if (project) {
      // No result of an earlier run stays behind looking current: the file says why nothing was checked.
      const failed = { project: project.name, success: false as const, error: message, regions: [] as [] };
      writeVerifyResult(project.absRoot, failed);
      if (options.json) process.stdout.write(`${JSON.stringify(failed)}\n`);
    }
    return { success: false };
  }
}

/** The values of the variables connectivityTokenEnv names: secrets, masked like the deploy tokens. */
function tokensNamedIn(names: TokenEnvs | undefined): string[] {
  return Object.values(names ?? {})
    .map((name) => (typeof name === 'string' ? process.env[name] : undefined))
    .filter((v): v is string => !!v && v.trim().length > 0);
}

/** One line per region that is not in sync, saying what to do. */
export function failureSummary(result: VerifyResult, project: string): string {
  const lines = [`${oneLine(result.connector)} ${oneLine(result.version)} is not what this build holds in every region:`];
  for (const r of result.regions) {
    if (r.state === 'drift') {
      const ops = [...new Set(r.differences.map((d) => oneLine(d.operation)))];
      const breaking = r.differences.filter((d) => d.breaking).length;
      lines.push(
        `  - ${r.region}: drift in ${ops.slice(0, 5).join(', ')}${ops.length > 5 ? ', ...' : ''}` +
          `${breaking ? ` (${breaking} breaking)` : ''}: deploy this build there (nx run ${project}:deploy --regions=${r.region}), or find out what was deployed instead`,
      );
    } else if (r.state === 'not-deployed') {
      lines.push(`  - ${r.region}: not deployed: deploy it (nx run ${project}:deploy --regions=${r.region})`);
    } else if (r.state === 'error') {
      lines.push(`  - ${r.region}: could not be read: ${oneLine(r.message ?? 'error')}`);
    }
  }
  return lines.join('\n');
}
