import { ExecutorContext, logger, PromiseExecutor } from '@nx/devkit';
import { buildConnector } from '../../core/build/build-connector';
import { nxLogger } from '../shared/executor-context';
import { buildFailure, buildOptionsFor } from './build-task';
import { BuildExecutorSchema } from './schema';

const runExecutor: PromiseExecutor<BuildExecutorSchema> = async (options, context: ExecutorContext) => {
  const log = nxLogger(context.isVerbose, []);
  try {
    await buildConnector(buildOptionsFor(options, context, log));
    return { success: true };
  } catch (e) {
    const failure = buildFailure(context.projectName ?? '', e);
    log.error(failure.message);
    if (failure.detail) logger.verbose(failure.detail);
    return { success: false };
  }
};

export default runExecutor;
