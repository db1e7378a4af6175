import { ExecutorContext, logger, PromiseExecutor } from '@nx/devkit';
import { buildConnector } from '../../core/build-connector';
import { isTrayConnectorError } from '../../core/errors';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import { nxLogger, projectOf, resolveProjectPath } from '../shared/executor-context';
import { BuildExecutorSchema } from './schema';

const runExecutor: PromiseExecutor<BuildExecutorSchema> = async (options, context: ExecutorContext) => {
  let projectName = context.projectName ?? '';
  const log = nxLogger(context.isVerbose, []);
  try {
    const project = projectOf(context);
    projectName = project.name;
    await buildConnector({
      connectorDir: project.absRoot,
      workspaceRoot: context.root,
      outputPath: resolveProjectPath(options.outputPath || DEFAULT_ZIP_PATH, context.root, project.root),
      logger: log,
      typeCheck: options.typeCheck,
      allowFiles: options.allowFiles,
    });
    return { success: true };
  } catch (e) {
    if (isTrayConnectorError(e)) {
      log.error(`${projectName}: build failed\n${e.message}`);
    } else {
      log.error(`${projectName}: build failed unexpectedly: ${(e as Error)?.message ?? String(e)} (run with --verbose for details)`);
      logger.verbose((e as Error)?.stack ?? String(e));
    }
    return { success: false };
  }
};

export default runExecutor;
