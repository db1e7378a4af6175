import type { ExecutorContext } from '@nx/devkit';
import type { DeployExecutorSchema } from './schema';
import { deployTask } from './deploy-task';
import { nxLogger, tokensInEnv } from '../shared/executor-context';
import { whileInterruptible } from '../shared/interrupt';

/** `tray-connector:deploy`: sends the built zip to every configured region and waits for Deployed (see deploy-task.ts). */
export default async function deployExecutor(options: DeployExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const secrets = tokensInEnv();
  const log = nxLogger(context.isVerbose, secrets);
  const { result, interruptedBy } = await whileInterruptible(
    (signal) => deployTask(options, context, { log, secrets, signal }),
    (name) =>
      log.warn(`${name} received: stopping; deployments already sent keep running at Tray (each is listed below with the URL to check).`),
  );
  if (interruptedBy) process.exitCode = interruptedBy === 'SIGINT' ? 130 : 143;
  return { success: result.success };
}
