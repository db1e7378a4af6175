import { packPackages } from './pack';
import { SHARED_REGISTRY_ENV, startLocalRegistry, type LocalRegistry } from './registry';
import { RUN_ID_ENV } from './workspace-template';

/** The run's registry, for the global teardown (jest runs both in this one process). */
export const RUN_STATE = Symbol.for('tray-connector.e2e.run');
export interface E2eRunState {
  runId: string;
  registry?: LocalRegistry;
}

/**
 * Once per e2e run, before any suite: packs the plugin and the emulator, names the run (workspace
 * templates are installed once per run, support/workspace-template.ts) and, with E2E_SHARED_REGISTRY=1,
 * starts the one local registry every suite shares (support/registry.ts). The workers jest starts afterwards inherit
 * this process's environment, so they find both.
 */
export default async function globalSetup(): Promise<void> {
  packPackages();
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  process.env[RUN_ID_ENV] = runId;
  const state: E2eRunState = { runId };
  (globalThis as Record<symbol, unknown>)[RUN_STATE] = state;
  // Opt-in for now: registry.spec.ts passed with a registry of its own and timed out (its 10-minute
  // `nx add`) twice with the shared one on a heavily loaded machine; to be compared on a quiet one.
  if (process.env.E2E_SHARED_REGISTRY !== '1') return;
  state.registry = await startLocalRegistry({ own: true });
  process.env[SHARED_REGISTRY_ENV.url] = state.registry.url;
  process.env[SHARED_REGISTRY_ENV.userconfig] = state.registry.userconfig;
}
