import { ExecutorContext, logger, PromiseExecutor } from '@nx/devkit';
import * as path from 'path';
import { buildConnector } from '../../core/build-connector';
import { isTrayConnectorError } from '../../core/errors';
import { Logger } from '../../core/logger';
import { BuildExecutorSchema } from './schema';

export const DEFAULT_OUTPUT_PATH = '{projectRoot}/.tray/connector.zip';

/** The zip's absolute path: Nx tokens replaced (when Nx left them), relative paths against the workspace root. */
export function resolveOutputPath(outputPath: string | undefined, projectRoot: string, workspaceRoot: string): string {
  const replaced = (outputPath || DEFAULT_OUTPUT_PATH).replace(/\{workspaceRoot\}/g, workspaceRoot).replace(/\{projectRoot\}/g, projectRoot);
  return path.resolve(workspaceRoot, replaced);
}

export const nxLogger: Logger = {
  info: (m) => logger.info(m),
  warn: (m) => logger.warn(m),
  error: (m) => logger.error(m),
  debug: (m) => logger.verbose(m),
};

const runExecutor: PromiseExecutor<BuildExecutorSchema> = async (options, context: ExecutorContext) => {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects?.[projectName] : undefined;
  if (!projectName || !project) {
    logger.error(`tray-connector:build: no project in the executor context (project "${projectName ?? ''}"); run it as a target of a connector project`);
    return { success: false };
  }
  const workspaceRoot = context.root;
  const connectorDir = path.resolve(workspaceRoot, project.root);
  try {
    await buildConnector({
      connectorDir,
      workspaceRoot,
      outputPath: resolveOutputPath(options.outputPath, project.root, workspaceRoot),
      logger: nxLogger,
    });
    return { success: true };
  } catch (e) {
    if (isTrayConnectorError(e)) {
      logger.error(`${projectName}: build failed\n${e.message}`);
    } else {
      logger.error(`${projectName}: build failed unexpectedly: ${(e as Error)?.message ?? String(e)} (run with --verbose for details)`);
      logger.verbose((e as Error)?.stack ?? String(e));
    }
    return { success: false };
  }
};

export default runExecutor;
