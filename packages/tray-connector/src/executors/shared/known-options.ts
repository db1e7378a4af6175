import { assertKnownOptions, schemaOptionNames } from './unknown-options';

/** Each executor's schema.json (executors.json names the same files), read once. */
const SCHEMAS: Record<ExecutorName, { properties?: Record<string, unknown> }> = {
  build: require('../build/schema.json'),
  deploy: require('../deploy/schema.json'),
  share: require('../share/schema.json'),
  status: require('../status/schema.json'),
  verify: require('../verify/schema.json'),
};

export type ExecutorName = 'build' | 'deploy' | 'share' | 'status' | 'verify';

/**
 * Fails closed before anything else: throws a TrayConnectorError naming each option of `options` that
 * `tray-connector:<executor>`'s schema.json does not declare, and the known option it most likely meant
 * (`--dryrun` → "did you mean --dryRun?"). The schemas leave `additionalProperties` open so that this
 * message, not Nx's bare "'dryrun' is not found in schema", is what a user sees on every Nx major;
 * Nx also passes options that are none of its own flags (`--explain` on Nx 23) on to the executor.
 */
export function refuseUnknownOptions(executor: ExecutorName, options: object | undefined): void {
  assertKnownOptions(options as Record<string, unknown> | undefined, schemaOptionNames(SCHEMAS[executor]), `tray-connector:${executor}`);
}
