import type { ExecutorContext } from '@nx/devkit';
import type { DeployExecutorSchema } from './schema';
import { deployTask } from './deploy-task';
import { nxLogger, tokensInEnv } from '../shared/executor-context';
import { signalExitCode, whileInterruptible, writeInterruptNotice } from '../shared/interrupt';
import { inFlightNotice, reportInFlight } from './in-flight';
import { batchHint, effectiveParallel, parentArgs } from './batch-hint';

/** `tray-connector:deploy`: sends the built zip to every configured region and waits for Deployed (see deploy-task.ts). */
export default async function deployExecutor(options: DeployExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const secrets = tokensInEnv();
  const log = nxLogger(context.isVerbose, secrets);
  const hint = batchHint(context, effectiveParallel(parentArgs(), process.env, context.nxJsonConfiguration?.parallel));
  if (hint) log.info(hint);
  const { result, interruptedBy } = await whileInterruptible(
    (signal) => deployTask(options, context, { log, secrets, signal }),
    (name) => writeInterruptNotice(inFlightNotice(name, reportInFlight(name), false)),
  );
  if (interruptedBy) process.exitCode = signalExitCode(interruptedBy);
  return { success: result.success };
}
