import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { buildConnectorsEach } from '../../core/build/batch-build';
import { BuildConnectorOptions } from '../../core/build/build-connector';
import { Logger } from '../../core/logger';
import { buildFailure, buildOptionsFor } from './build-task';
import { BuildExecutorSchema } from './schema';

export interface BatchTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/**
 * The build executor's `batchImplementation` (`nx run-many -t build --batch`): every task of the
 * batch is built by buildConnectorsEach (one TypeScript program per group of connectors with the
 * same compiler options), each with the options the single executor would resolve for its project.
 * Yields each task's result as soon as it is known; a task's terminalOutput holds only its own
 * lines (its summary line, or its error), as the single executor prints them. Nx prints them; this
 * process itself only writes one progress line per shared program (stderr).
 */
export default async function* batchBuild(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorSchema>,
  overrides: { verbose?: boolean },
  context: ExecutorContext,
): AsyncIterableIterator<BatchTaskResult> {
  const startTime = Date.now();
  const verbose = context.isVerbose || !!overrides?.verbose;
  const ids: string[] = [];
  const lines: string[][] = [];
  const list: BuildConnectorOptions[] = [];
  const done = (task: string, success: boolean, output: string[]): BatchTaskResult => ({
    task,
    result: { success, terminalOutput: output.length ? `${output.join('\n')}\n` : '', startTime, endTime: Date.now() },
  });
  for (const [id, options] of Object.entries(inputs)) {
    const target = taskGraph.tasks[id]?.target;
    const projectName = target?.project ?? id;
    const output: string[] = [];
    const record: Logger = {
      info: (m) => output.push(m),
      warn: (m) => output.push(m),
      error: (m) => output.push(m),
      debug: (m) => {
        if (verbose) output.push(m);
      },
    };
    try {
      list.push(
        buildOptionsFor(options, { ...context, projectName, targetName: target?.target, configurationName: target?.configuration }, record),
      );
      ids.push(id);
      lines.push(output);
    } catch (e) {
      yield done(id, false, failureLines(projectName, e, verbose));
    }
  }
  if (!list.length) return;
  const progress: Logger = { info: (m) => console.error(m), warn: (m) => console.error(m), error: (m) => console.error(m) };
  progress.info(`tray-connector: building ${list.length} connector${list.length === 1 ? '' : 's'} in one batch`);
  for await (const outcome of buildConnectorsEach(list, { progress })) {
    const id = ids[outcome.index];
    if (outcome.result) {
      yield done(id, true, lines[outcome.index]);
    } else {
      const projectName = taskGraph.tasks[id]?.target?.project ?? id;
      yield done(id, false, [...lines[outcome.index], ...failureLines(projectName, outcome.error, verbose)]);
    }
  }
}

function failureLines(projectName: string, e: unknown, verbose: boolean): string[] {
  const failure = buildFailure(projectName, e);
  return [failure.message, ...(verbose && failure.detail ? [failure.detail] : [])];
}
