import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import type { Logger } from '../../core/logger';
import { redact } from '../../core/redact';
import { asSettled } from '../../core/settled';
import type { DeployExecutorSchema } from './schema';
import { deployTask, type DeployTaskResult } from './deploy-task';
import { tokensInEnv } from '../shared/executor-context';
import { signalExitCode, whileInterruptible, writeInterruptNotice } from '../shared/interrupt';
import { inFlightNotice, reportInFlight } from './in-flight';

/** What Nx's batch runner takes for each task (TaskResult of Nx 22.7, 23.3 and 24). */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string };
}

/**
 * `tray-connector:deploy` in batch mode (`nx run-many -t deploy --batch`): every task of the batch
 * deploys at once in this one process, so `--parallel` no longer caps how many deployments wait for
 * Tray together; their requests share one rate limiter and one upload pool per region and token
 * (core/tray-pacer.ts). Each task keeps its own output (its regions' lines, its table, its failures in
 * Tray's words), its own .tray/deploy-result.json and step-summary section, and its own result:
 * a failing connector fails only its task. Results are yielded as tasks finish.
 */
export default async function* deployBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, DeployExecutorSchema>,
  _overrides: unknown,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  const secrets = tokensInEnv();
  const ids = Object.keys(taskGraph.tasks);
  const interrupted: Array<{ id: string; result: DeployTaskResult }> = [];
  let tasks: Array<Promise<BatchTaskResult>> = [];

  const runTask = async (id: string, signal: AbortSignal): Promise<BatchTaskResult> => {
    const task = taskGraph.tasks[id];
    const output = taskOutput(secrets);
    const taskContext: ExecutorContext = {
      ...context,
      projectName: task.target.project,
      targetName: task.target.target,
      configurationName: task.target.configuration,
    };
    const result = await deployTask(inputs[id] ?? {}, taskContext, { log: output.log, secrets, signal, tty: false, batch: true });
    if (result.interrupted) interrupted.push({ id, result });
    return { task: id, result: { success: result.success, terminalOutput: output.text() } };
  };
  // whileInterruptible calls its function at once: every task has started when it returns.
  const run = whileInterruptible(
    (signal) => {
      tasks = ids.map((id) => runTask(id, signal));
      return Promise.allSettled(tasks);
    },
    (name) => writeInterruptNotice(inFlightNotice(name, reportInFlight(name), true)),
  );

  for await (const outcome of asSettled(tasks)) {
    if (outcome.status === 'rejected') throw outcome.reason;
    yield outcome.value;
  }
  const { interruptedBy } = await run;
  if (interruptedBy) {
    // What was in flight was listed when the signal came (see in-flight.ts); this is what the
    // regions reported since, for a task the handler did not see.
    const lines = interrupted.flatMap(({ result }) => result.inFlight ?? []);
    process.stderr.write(
      `Batch deploy interrupted (${interruptedBy})` +
        (lines.length ? `; in flight at Tray:\n${lines.map((l) => `  ${l}`).join('\n')}\n` : '.\n'),
    );
    process.exitCode = signalExitCode(interruptedBy);
  }
}

/** A task's own output: every line kept (redacted, plain) for its terminalOutput. */
function taskOutput(secrets: string[]): { log: Logger; text(): string } {
  const lines: string[] = [];
  const keep = (m: string) => void lines.push(redact(m, secrets));
  return { log: { info: keep, warn: keep, error: keep, debug: () => undefined }, text: () => lines.join('\n') + '\n' };
}
