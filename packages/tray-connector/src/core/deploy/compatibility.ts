import { hasOwn, isObject, propertyPath, sameValue, sortedUnion, valueText } from './json-values';
import { breakingChanges, type Emit } from './schema-rules';

export { propertyPath, sameValue } from './json-values';

/**
 * What differs between the operations a region serves (Tray's Connectivity API) and those of a
 * local build, and which differences break the workflows using that connector version.
 *
 * Breaking (the rules of issue 20 and 28, see the plugin README "Breaking changes"; schema-rules.ts has them):
 * - an operation removed;
 * - an input that accepts less than before: a new required property, a property removed, a
 *   narrower type, literal (`enum`, `const`), bound, format or pattern (also inside nested objects,
 *   array items, tuples and alternatives);
 * - an output that gives less or different: a property removed or made optional, a type changed,
 *   a literal (`enum`, `const`) or bound widened;
 * - any change of a schema keyword the rules do not know (they fail closed).
 * Not breaking: new optional inputs, relaxed inputs, new output properties, new operations, title
 * and description changes. Every other difference is drift: it is listed, not breaking.

 * Schemas are compared after normalisation (key order and the top `$schema` ignored). Both sides are
 * untrusted (a server's answer, a zip's files): they are only read, with a depth and a count budget.
 *
 * Atlassian's json-schema-diff was considered and not used: it ignores `enum` and `format` (two of
 * the rules), gives no JSON paths, and resolves remote `$ref`s over the network, which a hostile
 * deployed schema could then make this plugin reach.
 */

/** An operation as the Connectivity API lists it (and as zip-operations.ts reads it from a build). */
export interface OperationSchemas {
  name: string;
  title?: unknown;
  description?: unknown;
  inputSchema: unknown;
  outputSchema: unknown;
}

export interface SchemaDifference {
  operation: string;
  /** Where, as a JSONPath into the operation as listed: `$` (the operation), `$.title`, `$.inputSchema.properties.id.type`. */
  path: string;
  /** What differs, for a person. */
  reason: string;
  /** True when workflows on this version may break (see the rules above). */
  breaking: boolean;
}

export interface OperationsComparison {
  /** No difference at all (after normalisation). */
  inSync: boolean;
  /** Every difference: breaking ones first where both sit at one path; at most `maxDifferences`. */
  differences: SchemaDifference[];
  /** The breaking ones among them. */
  breaking: SchemaDifference[];
  /** More differences were found than `maxDifferences`; the list stops there. */
  truncated: boolean;
}

export interface CompareOptions {
  /** Most differences listed; default 200. */
  maxDifferences?: number;
  /** Deepest schema nesting compared; deeper parts are reported as one difference. Default 64. */
  maxDepth?: number;
}

const DEFAULT_MAX_DIFFERENCES = 200;
const DEFAULT_MAX_DEPTH = 64;

/**
 * Compares what a region serves (`deployed`) with a build (`local`), operation by operation (by name):
 * each difference with its operation, JSON path and reason, and whether it breaks the deployed version.
 */
export function compareOperations(
  deployed: readonly OperationSchemas[],
  local: readonly OperationSchemas[],
  options: CompareOptions = {},
): OperationsComparison {
  const max = options.maxDifferences ?? DEFAULT_MAX_DIFFERENCES;
  const depth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const all: SchemaDifference[] = [];
  const before = byName(deployed);
  const after = byName(local);
  for (const name of sortedUnion(before.keys(), after.keys())) {
    const old = before.get(name);
    const now = after.get(name);
    if (!old) all.push({ operation: name, path: '$', reason: 'new operation (in the build, not deployed)', breaking: false });
    else if (!now) all.push({ operation: name, path: '$', reason: 'operation removed (deployed, not in the build)', breaking: true });
    else all.push(...compareOperation(old, now, depth, max + 1));
    if (all.length > max) break;
  }
  const breaking = all.filter((d) => d.breaking);
  const differences = [...breaking, ...all.filter((d) => !d.breaking)].slice(0, max);
  return { inSync: all.length === 0, differences, breaking: differences.filter((d) => d.breaking), truncated: all.length > max };
}

/**
 * The differences of one operation present on both sides: breaking findings, then drift not already covered by
 * one. Each list keeps at most `limit` (a hostile schema may differ in a million places; the rest is not kept).
 */
function compareOperation(old: OperationSchemas, now: OperationSchemas, maxDepth: number, limit: number): SchemaDifference[] {
  const breaking: SchemaDifference[] = [];
  const drift: SchemaDifference[] = [];
  const emitter =
    (list: SchemaDifference[], isBreaking: boolean): Emit =>
    (path, reason) => {
      if (list.length < limit) list.push({ operation: now.name, path, reason, breaking: isBreaking });
    };
  const input = { old: normalise(old.inputSchema), now: normalise(now.inputSchema) };
  const output = { old: normalise(old.outputSchema), now: normalise(now.outputSchema) };
  breakingChanges('input', input.old, input.now, '$.inputSchema', emitter(breaking, true), maxDepth);
  breakingChanges('output', output.old, output.now, '$.outputSchema', emitter(breaking, true), maxDepth);
  const driftEmit = emitter(drift, false);
  for (const key of ['title', 'description'] as const) diffValues(old[key] ?? '', now[key] ?? '', `$.${key}`, driftEmit, maxDepth, 0);
  diffValues(input.old, input.now, '$.inputSchema', driftEmit, maxDepth, 0);
  diffValues(output.old, output.now, '$.outputSchema', driftEmit, maxDepth, 0);
  const covered = (path: string) => breaking.some((b) => path === b.path || path.startsWith(`${b.path}.`) || path.startsWith(`${b.path}[`));
  return [...breaking, ...drift.filter((d) => !covered(d.path))];
}

/** A schema with its top `$schema` left out (the rest is compared key by key, so key order never matters). */
function normalise(schema: unknown): unknown {
  if (!isObject(schema) || !('$schema' in schema)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * Plain drift: every difference of two JSON values, key order ignored, each at its JSON path
 * (objects key by key, arrays of one length item by item, anything else as a whole).
 */
function diffValues(a: unknown, b: unknown, path: string, emit: Emit, maxDepth: number, depth: number): void {
  if (sameValue(a, b)) return;
  if (depth > maxDepth) return emit(path, `differs (nested deeper than ${maxDepth} levels; not compared further)`);
  if (isObject(a) && isObject(b)) {
    for (const key of sortedUnion(Object.keys(a), Object.keys(b))) {
      const at = propertyPath(path, key);
      if (!hasOwn(b, key)) emit(at, `removed (was ${valueText(a[key])})`);
      else if (!hasOwn(a, key)) emit(at, `added: ${valueText(b[key])}`);
      else diffValues(a[key], b[key], at, emit, maxDepth, depth + 1);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diffValues(item, b[i], `${path}[${i}]`, emit, maxDepth, depth + 1));
    return;
  }
  emit(path, `changed from ${valueText(a)} to ${valueText(b)}`);
}

function byName(operations: readonly OperationSchemas[]): Map<string, OperationSchemas> {
  const map = new Map<string, OperationSchemas>();
  for (const op of operations) if (!map.has(op.name)) map.set(op.name, op);
  return map;
}
