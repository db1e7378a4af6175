import { distance } from 'fastest-levenshtein';
import { TrayConnectorError } from '../../core/errors';

/**
 * Flags of Nx's own commands (run, run-many, affected, generate) that some Nx majors pass on to the
 * executor as options when the command does not know them (`nx affected -t deploy --explain` on Nx 23
 * reaches the executor as `explain: true`). They are refused like any unknown option, with a word on why.
 */
const NX_FLAGS = new Set([
  'explain',
  'parallel',
  'skipNxCache',
  'skipRemoteCache',
  'skipSync',
  'excludeTaskDependencies',
  'batch',
  'base',
  'head',
  'files',
  'uncommitted',
  'untracked',
  'exclude',
  'outputStyle',
  'nxBail',
  'nxIgnoreCycles',
  'graph',
  'tui',
  'projects',
  'targets',
  'configuration',
  'runner',
  'all',
  'verbose',
]);

/** An option a schema does not know, with the known option it most likely meant (if any is close). */
export interface UnknownOption {
  name: string;
  suggestion?: string;
}

/** `dry-run` → `dryRun`: Nx turns dashed flags to camel case only for names the schema knows. */
function camelCase(name: string): string {
  return name.replace(/[-_]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The known option `name` most likely meant: the same name in another case, else the closest by edit
 * distance (case ignored) within about a third of its length. None when nothing is close.
 */
export function nearestOption(name: string, known: readonly string[]): string | undefined {
  const lower = camelCase(name).toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/**
 * Every key of `options` that is not one of `known` (a dashed spelling of a known name counts as that
 * name), in the order given. `_` (positional arguments Nx had no place for) counts as unknown when it
 * holds any; a key whose value is undefined is ignored (it was not given).
 */
export function findUnknownOptions(options: Readonly<Record<string, unknown>>, known: readonly string[]): UnknownOption[] {
  const knownSet = new Set(known);
  const unknown: UnknownOption[] = [];
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (value === undefined) continue;
    if (key === '_') {
      if (Array.isArray(value) && value.length === 0) continue;
      unknown.push({ name: key });
      continue;
    }
    if (knownSet.has(key) || knownSet.has(camelCase(key))) continue;
    unknown.push({ name: key, suggestion: nearestOption(key, known) });
  }
  return unknown;
}

/** A name from the command line as printable text: `--name` when plain, else quoted and cut (never control characters). */
function flag(name: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) return `--${name}`;
  // eslint-disable-next-line no-control-regex
  const shown = JSON.stringify(name.slice(0, 64)).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return `${shown}${name.length > 64 ? ' (cut)' : ''}`;
}

/** The message for one unknown option of `what` (e.g. `tray-connector:deploy`). */
export function unknownOptionMessage(option: UnknownOption, what: string, value?: unknown): string {
  if (option.name === '_') {
    const args = (Array.isArray(value) ? value : [value]).map((v) => flag(String(v)).replace(/^--/, ''));
    return `Unexpected argument ${args.join(' ')} for ${what}: options are given as --name=value`;
  }
  const hint = option.suggestion ? `: did you mean --${option.suggestion}?` : '';
  const nx = NX_FLAGS.has(option.name)
    ? ` (--${option.name} is a flag of Nx's own commands that this Nx version passed on to ${what}; run it without that flag)`
    : '';
  return `Unknown option ${flag(option.name)} for ${what}${hint}${nx}`;
}

/**
 * Fails closed: throws a TrayConnectorError naming every option of `options` that `known` lacks (and the
 * nearest known one), so that a typo (`--dryrun`) or a flag meant for Nx never becomes a real run.
 * Executors and generators call it first, before reading a file or sending a request.
 */
export function assertKnownOptions(options: Readonly<Record<string, unknown>> | undefined, known: readonly string[], what: string): void {
  const unknown = findUnknownOptions(options ?? {}, known);
  if (!unknown.length) return;
  const lines = unknown.map((u) => unknownOptionMessage(u, what, options?.[u.name]));
  throw new TrayConnectorError(lines.length === 1 ? lines[0] : `${lines.join('\n')}\nNothing was done: fix these options of ${what}.`);
}

/** The option names a JSON schema (an executor's or generator's schema.json) declares. */
export function schemaOptionNames(schema: { properties?: Record<string, unknown> }): string[] {
  return Object.keys(schema.properties ?? {});
}
