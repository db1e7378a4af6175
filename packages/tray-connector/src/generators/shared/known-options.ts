import { assertKnownOptions, schemaOptionNames } from '../../executors/shared/unknown-options';

export type GeneratorName = 'init' | 'new' | 'operation' | 'import' | 'ci-workflow';

/** Each generator's schema.json (generators.json names the same files), read once. */
const SCHEMAS: Record<GeneratorName, { properties?: Record<string, unknown> }> = {
  init: require('../init/schema.json'),
  new: require('../new/schema.json'),
  operation: require('../operation/schema.json'),
  import: require('../import/schema.json'),
  'ci-workflow': require('../ci-workflow/schema.json'),
};

/**
 * Fails closed before the generator writes anything: throws a TrayConnectorError naming each option
 * `tray-connector:<generator>`'s schema.json does not declare, and the known one it most likely meant
 * (`--directroy` → "did you mean --directory?"). Nx drops its own flags (--dry-run, --verbose,
 * --interactive, --quiet) before a generator runs, so whatever is left is the generator's.
 */
export function refuseUnknownGeneratorOptions(generator: GeneratorName, options: object | undefined): void {
  assertKnownOptions(options as Record<string, unknown> | undefined, schemaOptionNames(SCHEMAS[generator]), `tray-connector:${generator}`);
}
