import { RUN_STATE, type E2eRunState } from './global-setup';
import { SHARED_REGISTRY_ENV } from './registry';
import { RUN_ID_ENV, removeTemplates } from './workspace-template';

/** After every suite: stops the run's registry and removes its workspace templates. */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[RUN_STATE] as E2eRunState | undefined;
  if (!state) return;
  await state.registry?.stop();
  delete process.env[SHARED_REGISTRY_ENV.url];
  delete process.env[SHARED_REGISTRY_ENV.userconfig];
  if (!process.env.E2E_KEEP_WORKSPACE) removeTemplates(state.runId);
  delete process.env[RUN_ID_ENV];
}
