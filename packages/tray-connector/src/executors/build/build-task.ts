import type { ExecutorContext } from '@nx/devkit';
import { BuildConnectorOptions } from '../../core/build/build-connector';
import { isTrayConnectorError } from '../../core/errors';
import { Logger } from '../../core/logger';
import { DEFAULT_ZIP_PATH } from '../../plugin/targets';
import { projectOf, resolveProjectPath } from '../shared/executor-context';
import { BuildExecutorSchema } from './schema';
import { refuseUnknownOptions } from '../shared/known-options';

/** What one build task builds: the executor's options resolved for the project the context runs (single and batch builds alike). */
export function buildOptionsFor(options: BuildExecutorSchema, context: ExecutorContext, logger: Logger): BuildConnectorOptions {
  refuseUnknownOptions('build', options);
  const project = projectOf(context);
  return {
    connectorDir: project.absRoot,
    workspaceRoot: context.root,
    outputPath: resolveProjectPath(options.outputPath || DEFAULT_ZIP_PATH, context.root, project.root),
    logger,
    typeCheck: options.typeCheck,
    allowFiles: options.allowFiles,
    maxZipBytes: options.maxZipBytes,
  };
}

/** The error lines a failed build prints, and the detail (a stack) only shown with --verbose. */
export function buildFailure(projectName: string, e: unknown): { message: string; detail?: string } {
  if (isTrayConnectorError(e)) return { message: `${projectName}: build failed\n${e.message}` };
  return {
    message: `${projectName}: build failed unexpectedly: ${(e as Error)?.message ?? String(e)} (run with --verbose for details)`,
    detail: (e as Error)?.stack ?? String(e),
  };
}
