/**
 * What differs between the operations a region serves (Tray's Connectivity API) and those of a
 * local build, and which differences break the workflows using that connector version.
 *
 * Breaking (the rules of issue 20, see the plugin README "Breaking changes"):
 * - an operation removed;
 * - an input that accepts less than before: a new required property, a property removed, a
 *   narrower type, enum or format (also inside nested objects, array items and alternatives);
 * - an output that gives less or different: a property removed or made optional, a type changed,
 *   an enum widened.
 * Not breaking: new optional inputs, relaxed inputs, new output properties, new operations, title
 * and description changes. Every other difference is drift: it is listed, not breaking.
 *
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

type Json = Record<string, unknown>;
type Emit = (path: string, reason: string) => void;

const DEFAULT_MAX_DIFFERENCES = 200;
const DEFAULT_MAX_DEPTH = 64;
const SAME_VALUE_MAX_DEPTH = 512;

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
  const rules = { emit: emitter(breaking, true), maxDepth };
  inputRules(input.old, input.now, '$.inputSchema', rules, 0);
  outputRules(output.old, output.now, '$.outputSchema', rules, 0);
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

interface Rules {
  emit: Emit;
  maxDepth: number;
}

/** Input rules: the build must accept everything the deployed version accepted. */
function inputRules(old: unknown, now: unknown, path: string, rules: Rules, depth: number): void {
  if (!isObject(old) || !isObject(now) || depth > rules.maxDepth) return;
  const { emit } = rules;
  const oldTypes = typesOf(old);
  const newTypes = typesOf(now);
  const lost = oldTypes ? [...oldTypes].filter((t) => newTypes && !typeWithin(t, newTypes)) : newTypes ? ['any type'] : [];
  if (lost.length) emit(`${path}.type`, `narrower type: was ${typeText(oldTypes)}, now ${typeText(newTypes)}`);
  const oldEnum = enumOf(old);
  const newEnum = enumOf(now);
  if (newEnum && !oldEnum) emit(`${path}.enum`, `narrower enum: now only ${valuesText(newEnum)}`);
  else if (newEnum && oldEnum) {
    const dropped = oldEnum.filter((v) => !newEnum.some((n) => sameValue(n, v)));
    if (dropped.length) emit(`${path}.enum`, `narrower enum: no longer accepts ${valuesText(dropped)}`);
  }
  if (now.format !== undefined && !sameValue(now.format, old.format)) {
    emit(
      `${path}.format`,
      `narrower format: ${old.format === undefined ? 'none' : JSON.stringify(old.format)} became ${JSON.stringify(now.format)}`,
    );
  }
  const oldProps = propertiesOf(old);
  const newProps = propertiesOf(now);
  const oldRequired = requiredOf(old);
  for (const name of requiredOf(now)) {
    if (!oldRequired.includes(name)) emit(`${path}.required`, `new required property ${JSON.stringify(name)}`);
  }
  for (const name of sortedUnion(oldProps.keys(), [])) {
    if (!newProps.has(name))
      emit(propertyPath(`${path}.properties`, name), `input property ${JSON.stringify(name)} removed: a request that sends it is refused`);
    else inputRules(oldProps.get(name), newProps.get(name), propertyPath(`${path}.properties`, name), rules, depth + 1);
  }
  for (const key of ['items', 'additionalProperties'] as const) inputRules(old[key], now[key], `${path}.${key}`, rules, depth + 1);
  alternatives(old, now, path, depth, rules, 'input');
}

/** Output rules: the build must give nothing the deployed version's users do not expect, and keep what it gave. */
function outputRules(old: unknown, now: unknown, path: string, rules: Rules, depth: number): void {
  if (!isObject(old) || !isObject(now) || depth > rules.maxDepth) return;
  const { emit } = rules;
  const oldTypes = typesOf(old);
  const newTypes = typesOf(now);
  const gained = newTypes ? [...newTypes].filter((t) => oldTypes && !typeWithin(t, oldTypes)) : oldTypes ? ['any type'] : [];
  if (gained.length) emit(`${path}.type`, `type changed: was ${typeText(oldTypes)}, now ${typeText(newTypes)}`);
  const oldEnum = enumOf(old);
  const newEnum = enumOf(now);
  if (oldEnum && !newEnum) emit(`${path}.enum`, `enum widened: was only ${valuesText(oldEnum)}, now any value`);
  else if (oldEnum && newEnum) {
    const added = newEnum.filter((v) => !oldEnum.some((o) => sameValue(o, v)));
    if (added.length) emit(`${path}.enum`, `enum widened: may now give ${valuesText(added)}`);
  }
  const oldProps = propertiesOf(old);
  const newProps = propertiesOf(now);
  const newRequired = requiredOf(now);
  for (const name of requiredOf(old)) {
    if (newProps.has(name) && !newRequired.includes(name)) {
      emit(`${path}.required`, `output property ${JSON.stringify(name)} made optional: it may no longer be given`);
    }
  }
  for (const name of sortedUnion(oldProps.keys(), [])) {
    if (!newProps.has(name)) emit(propertyPath(`${path}.properties`, name), `output property ${JSON.stringify(name)} removed`);
    else outputRules(oldProps.get(name), newProps.get(name), propertyPath(`${path}.properties`, name), rules, depth + 1);
  }
  for (const key of ['items', 'additionalProperties'] as const) outputRules(old[key], now[key], `${path}.${key}`, rules, depth + 1);
  alternatives(old, now, path, depth, rules, 'output');
}

/**
 * `oneOf`/`anyOf` (Tray renames anyOf to oneOf): alternatives compared by position; an input that
 * lost one accepts less, an output that gained one may give something new.
 */
function alternatives(old: Json, now: Json, path: string, depth: number, rules: Rules, side: 'input' | 'output'): void {
  for (const key of ['oneOf', 'anyOf'] as const) {
    const a = Array.isArray(old[key]) ? (old[key] as unknown[]) : [];
    const b = Array.isArray(now[key]) ? (now[key] as unknown[]) : [];
    const walk = side === 'input' ? inputRules : outputRules;
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}.${key}[${i}]`, rules, depth + 1);
    if (side === 'input' && b.length < a.length && b.length > 0) {
      rules.emit(`${path}.${key}`, `narrower ${key}: ${a.length - b.length} alternative(s) no longer accepted`);
    }
    if (side === 'output' && a.length > 0 && b.length > a.length) {
      rules.emit(`${path}.${key}`, `${key} widened: ${b.length - a.length} new alternative(s) may be given`);
    }
  }
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

/** Two JSON values equal, whatever the order of their keys. */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  // Deeper than any schema: counted as different rather than risking the stack on hostile input.
  if (depth > SAME_VALUE_MAX_DEPTH) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && sameValue(a[k], b[k], depth + 1));
}

/** `$.a.b` for a plain key, `$["a b"]` (JSON-quoted) for any other. */
export function propertyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function byName(operations: readonly OperationSchemas[]): Map<string, OperationSchemas> {
  const map = new Map<string, OperationSchemas>();
  for (const op of operations) if (!map.has(op.name)) map.set(op.name, op);
  return map;
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

function typesOf(schema: Json): Set<string> | undefined {
  const t = schema.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return undefined;
}

/** Whether values of type `t` are all of one of `types` (an integer is a number). */
function typeWithin(t: string, types: Set<string>): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

function typeText(types: Set<string> | undefined): string {
  return types ? [...types].join('|') || 'no type' : 'any type';
}

function enumOf(schema: Json): unknown[] | undefined {
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function propertiesOf(schema: Json): Map<string, unknown> {
  return isObject(schema.properties) ? new Map(Object.entries(schema.properties)) : new Map();
}

function requiredOf(schema: Json): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : [];
}

function valuesText(values: unknown[]): string {
  return truncateText(values.map((v) => preview(v)).join(', '));
}

function valueText(value: unknown): string {
  return truncateText(preview(value));
}

const PREVIEW_CHARS = 80;

/** JSON text of a value, cut short once it passes PREVIEW_CHARS (so a huge or deeply nested value costs little). */
function preview(value: unknown, depth = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (depth > 8) return '…';
  const parts: string[] = [];
  let length = 0;
  const entries: [string | undefined, unknown][] = Array.isArray(value) ? value.map((v) => [undefined, v]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (length > PREVIEW_CHARS) {
      parts.push('…');
      break;
    }
    const text = (key === undefined ? '' : `${JSON.stringify(key)}:`) + preview(item, depth + 1);
    parts.push(text);
    length += text.length + 1;
  }
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

function truncateText(text: string, max = PREVIEW_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
