import { hasOwn, isObject, propertyPath, sameValue, sortedUnion, valuesMissing, valuesText, valueText, type Json } from './json-values';

/**
 * The breaking-change rules of compatibility.ts, one JSON Schema against another.
 *
 * Input (`side: 'input'`): everything the deployed schema accepted must still be accepted by the build.
 * Output (`side: 'output'`): everything the build may give must be something the deployed schema promised
 * (except new output properties, which the rules allow: consumers ignore what they do not read).
 *
 * Every keyword of SCHEMA_KEYWORDS is understood: literal values (`const`, `enum`), types, bounds,
 * `format`, properties and `additionalProperties`, tuples, alternatives (matched by what they accept, not
 * by position), definitions; constraints that cannot be compared by value (`pattern`, `$ref`, `not`, ...)
 * count as breaking when they tighten an input or loosen an output. A keyword not in the table is not
 * understood, so any change in it counts as breaking: the guard fails closed on what it cannot read
 * (`@TJS-<keyword>` lets a connector write any keyword into its schema).
 *
 * Both schemas are untrusted: the walk keeps to a depth, and to a budget of comparisons over the whole
 * pair (alternatives are tried pairwise); past either, what is left counts as breaking.
 */

export type Emit = (path: string, reason: string) => void;
export type Side = 'input' | 'output';

/** How the rules treat a keyword: compared by a rule, or an annotation (a difference is drift, never breaking). */
export type KeywordRole = 'compared' | 'bound' | 'opaque constraint' | 'structure' | 'annotation';

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains'] as const;
/** Constraints compared as whole values: any new or changed one may refuse what the old one allowed. */
const OPAQUE = [
  'pattern',
  'contains',
  'not',
  'allOf',
  '$ref',
  'if',
  'then',
  'else',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'patternProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'prefixItems',
] as const;
const ANNOTATIONS = [
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$schema',
  '$id',
  'id',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  // Tray's own (what its connector UI shows): labels, advanced, lookups.
  'enumLabels',
  'advanced',
  'lookup',
  'lookupOperation',
  'lookupInput',
  'lookupAuthRequired',
] as const;

/** Every keyword the rules know, with how they treat it (a test proves every keyword the build writes is here). */
export const SCHEMA_KEYWORDS: Readonly<Record<string, KeywordRole>> = Object.freeze({
  ...Object.fromEntries(['type', 'enum', 'const', 'format', 'multipleOf', 'uniqueItems'].map((k) => [k, 'compared'])),
  ...Object.fromEntries([...LOWER_BOUNDS, ...UPPER_BOUNDS].map((k) => [k, 'bound'])),
  ...Object.fromEntries(OPAQUE.map((k) => [k, 'opaque constraint'])),
  ...Object.fromEntries(
    ['properties', 'required', 'additionalProperties', 'items', 'additionalItems', 'oneOf', 'anyOf', 'definitions', '$defs'].map((k) => [
      k,
      'structure',
    ]),
  ),
  ...Object.fromEntries(ANNOTATIONS.map((k) => [k, 'annotation'])),
} as Record<string, KeywordRole>);

/** Steps (values visited) one pair of schemas may cost (alternatives multiply them); past it the rest counts as breaking. */
const WORK_BUDGET = 300_000;
/** Steps one comparison of two schema nodes costs (its rules read about this many keywords). */
const NODE_STEPS = 40;
/** Alternatives tried pairwise up to this many pairs at one node; beyond, by position only. */
const MAX_PAIRS = 64;
/** Deeper than any schema: counted as different rather than risking the stack on hostile input. */
const MAX_SAME_DEPTH = 512;
/** Differences kept of one tried pair of alternatives (the report of a variant that fits none). */
const MAX_REPLAYED = 500;

interface Context {
  side: Side;
  emit: Emit;
  maxDepth: number;
  budget: { left: number; exhausted: boolean; report: Emit };
}

/** Emits (path, reason) for every way the build's schema `now` breaks the deployed `old` on this side. */
export function breakingChanges(side: Side, old: unknown, now: unknown, path: string, emit: Emit, maxDepth: number): void {
  compareSchemas(old, now, path, { side, emit, maxDepth, budget: { left: WORK_BUDGET, exhausted: false, report: emit } }, 0);
}

type Schema = Json | boolean;

/** A schema, with `true` for absent (anything goes); undefined for a value that is no schema at all. */
function asSchema(value: unknown): Schema | undefined {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  return isObject(value) ? value : undefined;
}

/** `sameValue` that pays one step of the budget per value it visits (false once the budget is spent). */
function sameCounted(a: unknown, b: unknown, budget: Context['budget'], depth = 0): boolean {
  if (--budget.left < 0) return false;
  if (a === b) return true;
  if (depth > MAX_SAME_DEPTH || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameCounted(x, b[i], budget, depth + 1));
  }
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => hasOwn(b as Json, k) && sameCounted((a as Json)[k], (b as Json)[k], budget, depth + 1))
  );
}

function compareSchemas(old: unknown, now: unknown, path: string, ctx: Context, depth: number): void {
  const { budget } = ctx;
  if (sameCounted(old, now, budget)) return;
  if (--budget.left < 0) {
    if (!budget.exhausted) budget.report(path, `schemas too complex to compare within the guard's budget: counted as breaking`);
    budget.exhausted = true;
    return;
  }
  if (depth > ctx.maxDepth) return ctx.emit(path, `nested deeper than ${ctx.maxDepth} levels: not compared, counted as breaking`);
  const input = ctx.side === 'input';
  const o = asSchema(old);
  const n = asSchema(now);
  // Input: `inner` (old) must fit in `outer` (now); output: the build's `inner` (now) within the promised `outer` (old).
  const [inner, outer] = input ? [o, n] : [n, o];
  if (inner === false || outer === true) return;
  if (inner === undefined || outer === undefined)
    return ctx.emit(path, 'not a JSON schema on one side: cannot compare, counted as breaking');
  if (outer === false) return ctx.emit(path, input ? 'accepts nothing here any more' : 'gave nothing here before, may give a value now');
  const a = o === true ? {} : (o as Json);
  const b = n === true ? {} : (n as Json);
  const oldVariants = variantsOf(a, path);
  const newVariants = variantsOf(b, path);
  if (!oldVariants && !newVariants) return nodeRules(a, b, path, ctx, depth);
  matchVariants(
    oldVariants ?? { key: undefined, list: [{ schema: a, path }] },
    newVariants ?? { key: undefined, list: [{ schema: b, path }] },
    path,
    ctx,
    depth,
  );
}

interface Variants {
  key: 'oneOf' | 'anyOf' | undefined;
  list: { schema: unknown; path: string }[];
}

/** A schema with alternatives as its variants: each alternative with the rest of the node (Tray writes `oneOf`). */
function variantsOf(schema: Json, path: string): Variants | undefined {
  const key =
    Array.isArray(schema.oneOf) && schema.oneOf.length ? 'oneOf' : Array.isArray(schema.anyOf) && schema.anyOf.length ? 'anyOf' : undefined;
  if (!key) return undefined;
  const { [key]: alternatives, ...base } = schema;
  const list = (alternatives as unknown[]).map((alternative, i) => ({
    schema: isObject(alternative) ? { ...base, ...alternative } : alternative,
    path: `${path}.${key}[${i}]`,
  }));
  return { key, list };
}

/**
 * Alternatives: on an input every deployed variant must fit some variant of the build; on an output every
 * variant of the build must fit some deployed one. A variant that fits none is compared with the one at its
 * position (its differences are the report), or counted when there is none.
 */
function matchVariants(oldV: Variants, newV: Variants, path: string, ctx: Context, depth: number): void {
  const input = ctx.side === 'input';
  const [sources, targets] = input ? [oldV.list, newV.list] : [newV.list, oldV.list];
  const pairwise = sources.length * targets.length <= MAX_PAIRS;
  type Variant = Variants['list'][number];
  // Each pair is compared once: the differences are kept, and replayed when the pair at a variant's position is its report.
  const trial = (source: Variant, target: Variant): [string, string][] => {
    const found: [string, string][] = [];
    const into = { ...ctx, emit: (p: string, r: string) => void (found.length < MAX_REPLAYED && found.push([p, r])) };
    if (input) compareSchemas(source.schema, target.schema, target.path, into, depth + 1);
    else compareSchemas(target.schema, source.schema, source.path, into, depth + 1);
    return found;
  };
  let unmatched = 0;
  sources.forEach((source, i) => {
    let positional: [string, string][] | undefined;
    for (const j of pairwise ? targets.keys() : targets[i] ? [i] : []) {
      const found = trial(source, targets[j]);
      if (!found.length) return;
      if (j === i) positional = found;
    }
    if (!positional) unmatched++;
    else for (const [p, r] of positional) ctx.emit(p, r);
  });
  if (!unmatched) return;
  const key = (input ? oldV.key : newV.key) ?? 'oneOf';
  ctx.emit(
    `${path}.${key}`,
    input
      ? `narrower ${key}: ${unmatched} alternative(s) no longer accepted`
      : `${key} widened: ${unmatched} new alternative(s) may be given`,
  );
}

/** Every rule on two schema nodes without alternatives. */
function nodeRules(old: Json, now: Json, path: string, ctx: Context, depth: number): void {
  // Each rule reads a few keywords: the node pays for them (so hostile alternatives cannot multiply cheap-looking steps).
  ctx.budget.left -= NODE_STEPS;
  typeRule(old, now, path, ctx);
  valuesRule(old, now, path, ctx);
  boundsRules(old, now, path, ctx);
  constraintRules(old, now, path, ctx);
  unknownKeywords(old, now, path, ctx);
  propertiesRule(old, now, path, ctx, depth);
  itemsRule(old, now, path, ctx, depth);
  definitionsRule(old, now, path, ctx, depth);
}

function typeRule(old: Json, now: Json, path: string, ctx: Context): void {
  const oldTypes = typesOf(old);
  const newTypes = typesOf(now);
  if (ctx.side === 'input') {
    const lost = oldTypes ? [...oldTypes].filter((t) => newTypes && !typeWithin(t, newTypes)) : newTypes ? ['any type'] : [];
    if (lost.length) ctx.emit(`${path}.type`, `narrower type: was ${typeText(oldTypes)}, now ${typeText(newTypes)}`);
  } else {
    const gained = newTypes ? [...newTypes].filter((t) => oldTypes && !typeWithin(t, oldTypes)) : oldTypes ? ['any type'] : [];
    if (gained.length) ctx.emit(`${path}.type`, `type changed: was ${typeText(oldTypes)}, now ${typeText(newTypes)}`);
  }
}

/** The literal values a schema allows (`const`, `enum`, both: their intersection), or undefined for no such limit. */
function allowedValues(schema: Json): unknown[] | undefined {
  const list = Array.isArray(schema.enum) ? schema.enum : undefined;
  if (!hasOwn(schema, 'const')) return list;
  return list && !list.some((v) => sameValue(v, schema.const)) ? [] : [schema.const];
}

function valuesRule(old: Json, now: Json, path: string, ctx: Context): void {
  const oldValues = allowedValues(old);
  const newValues = allowedValues(now);
  const word = (s: Json) => (hasOwn(s, 'const') ? 'const' : 'enum');
  if (ctx.side === 'input') {
    if (!newValues) return;
    if (!oldValues) return ctx.emit(`${path}.${word(now)}`, `narrower ${word(now)}: now only ${valuesText(newValues)}`);
    const dropped = valuesMissing(oldValues, newValues);
    if (dropped.length) ctx.emit(`${path}.${word(now)}`, `narrower ${word(now)}: no longer accepts ${valuesText(dropped)}`);
  } else {
    if (!oldValues) return;
    if (!newValues) return ctx.emit(`${path}.${word(old)}`, `${word(old)} widened: was only ${valuesText(oldValues)}, now any value`);
    const added = valuesMissing(newValues, oldValues);
    if (added.length) ctx.emit(`${path}.${word(now)}`, `${word(now)} widened: may now give ${valuesText(added)}`);
  }
}

/** `b` is a tighter bound than `a` (`lower`: a higher minimum; else a lower maximum); an absent bound is no bound. */
function tighter(a: number | undefined, b: number | undefined, lower: boolean): boolean {
  return b !== undefined && (a === undefined || (lower ? b > a : b < a));
}

/** Every multiple of `a` is one of `b` (`a` absent: any number, so never). */
function multiplesWithin(a: number | undefined, b: number): boolean {
  if (a === undefined || b === 0) return false;
  const ratio = a / b;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

function boundsRules(old: Json, now: Json, path: string, ctx: Context): void {
  const input = ctx.side === 'input';
  // Input: the build's bound tighter than the deployed one; output: the deployed bound tighter than the build's.
  const [inner, outer] = input ? [old, now] : [now, old];
  const say = (key: string, was: unknown, is: unknown) =>
    ctx.emit(
      `${path}.${key}`,
      `${input ? `narrower ${key}` : `${key} widened`}: was ${was === undefined ? 'none' : valueText(was)}, now ${is === undefined ? 'none' : valueText(is)}`,
    );
  for (const [keys, lower] of [
    [LOWER_BOUNDS, true],
    [UPPER_BOUNDS, false],
  ] as const) {
    for (const key of keys) {
      const a = inner[key];
      const b = outer[key];
      if (sameValue(a, b)) continue;
      const numbers = (a === undefined || typeof a === 'number') && (b === undefined || typeof b === 'number');
      if (!numbers || tighter(a as number | undefined, b as number | undefined, lower)) say(key, old[key], now[key]);
    }
  }
  const step = outer.multipleOf;
  if (step !== undefined && !sameValue(inner.multipleOf, step)) {
    const a = typeof inner.multipleOf === 'number' ? inner.multipleOf : undefined;
    if (typeof step !== 'number' || !multiplesWithin(a, step)) say('multipleOf', old.multipleOf, now.multipleOf);
  }
  if (outer.uniqueItems === true && inner.uniqueItems !== true) say('uniqueItems', old.uniqueItems, now.uniqueItems);
}

/** `format` and the constraints compared as whole values: tightening an input or loosening an output breaks. */
function constraintRules(old: Json, now: Json, path: string, ctx: Context): void {
  const input = ctx.side === 'input';
  for (const key of ['format', ...OPAQUE]) {
    // An input breaks when the build has one the deployed schema had not (or another); an output when it lost or changed one.
    const tightened = input ? hasOwn(now, key) : hasOwn(old, key);
    if (!tightened || sameValue(old[key], now[key])) continue;
    const was = hasOwn(old, key) ? valueText(old[key]) : 'none';
    const is = hasOwn(now, key) ? valueText(now[key]) : 'none';
    ctx.emit(`${path}.${key}`, input ? `narrower ${key}: ${was} became ${is}` : `${key} changed: ${was} became ${is}`);
  }
}

/** A keyword the rules do not know: any change counts as breaking (the guard cannot tell what it means). */
function unknownKeywords(old: Json, now: Json, path: string, ctx: Context): void {
  for (const key of sortedUnion(Object.keys(old), Object.keys(now))) {
    if (hasOwn(SCHEMA_KEYWORDS, key) || sameValue(old[key], now[key])) continue;
    ctx.emit(propertyPath(path, key), `keyword ${JSON.stringify(key)} changed: the guard does not know it, so it counts as breaking`);
  }
}

function propertiesRule(old: Json, now: Json, path: string, ctx: Context, depth: number): void {
  const oldProps = propertiesOf(old);
  const newProps = propertiesOf(now);
  const oldRequired = requiredOf(old);
  const newRequired = requiredOf(now);
  const input = ctx.side === 'input';
  if (input) {
    for (const name of newRequired)
      if (!oldRequired.includes(name)) ctx.emit(`${path}.required`, `new required property ${JSON.stringify(name)}`);
  } else {
    for (const name of oldRequired) {
      // (One removed is reported as removed below.)
      if (!newRequired.includes(name) && !(oldProps.has(name) && !newProps.has(name))) {
        ctx.emit(`${path}.required`, `output property ${JSON.stringify(name)} made optional: it may no longer be given`);
      }
    }
  }
  for (const name of sortedUnion(oldProps.keys(), newProps.keys())) {
    const at = propertyPath(`${path}.properties`, name);
    if (oldProps.has(name) && newProps.has(name)) compareSchemas(oldProps.get(name), newProps.get(name), at, ctx, depth + 1);
    else if (oldProps.has(name) && !input) ctx.emit(at, `output property ${JSON.stringify(name)} removed`);
    else if (oldProps.has(name) && now.additionalProperties === false) {
      ctx.emit(at, `input property ${JSON.stringify(name)} removed: a request that sends it is refused`);
    } else if (oldProps.has(name)) compareSchemas(oldProps.get(name), now.additionalProperties, at, ctx, depth + 1);
    // A new property: what the deployed schema said of undeclared ones (false: it refused it, or gave none).
    else if (isObject(old.additionalProperties) || (input && old.additionalProperties !== false)) {
      compareSchemas(old.additionalProperties, newProps.get(name), at, ctx, depth + 1);
    }
  }
  const rest = `${path}.additionalProperties`;
  // Outputs may give new properties; only a promise about them (a schema) must be kept.
  if (input ? hasOwn(old, 'additionalProperties') || hasOwn(now, 'additionalProperties') : isObject(old.additionalProperties)) {
    compareSchemas(old.additionalProperties, now.additionalProperties, rest, ctx, depth + 1);
  }
}

/** Array items: a schema for all, or a tuple (`items` as a list, then `additionalItems`), within `maxItems`. */
function itemsRule(old: Json, now: Json, path: string, ctx: Context, depth: number): void {
  if (![old, now].some((s) => hasOwn(s, 'items') || hasOwn(s, 'additionalItems'))) return;
  const tuple = (s: Json): unknown[] | undefined => (Array.isArray(s.items) ? s.items : undefined);
  const itemAt = (s: Json, i: number) => {
    const list = tuple(s);
    return list ? (i < list.length ? list[i] : s.additionalItems) : s.items;
  };
  // Positions the side that must fit (old input, new output) never has are not compared.
  const source = ctx.side === 'input' ? old : now;
  const exists = (i: number) => !(typeof source.maxItems === 'number' && source.maxItems <= i);
  const length = Math.max(tuple(old)?.length ?? 0, tuple(now)?.length ?? 0);
  for (let i = 0; i < length && exists(i); i++) {
    compareSchemas(itemAt(old, i), itemAt(now, i), tuple(now) ? `${path}.items[${i}]` : `${path}.items`, ctx, depth + 1);
  }
  if (!exists(length)) return;
  const rest = (s: Json) => (tuple(s) ? s.additionalItems : s.items);
  compareSchemas(rest(old), rest(now), tuple(now) ? `${path}.additionalItems` : `${path}.items`, ctx, depth + 1);
}

/** Named definitions (`$ref` targets), compared by name; one removed leaves a `$ref` dangling. */
function definitionsRule(old: Json, now: Json, path: string, ctx: Context, depth: number): void {
  for (const key of ['definitions', '$defs']) {
    const a = isObject(old[key]) ? old[key] : {};
    const b = isObject(now[key]) ? now[key] : {};
    for (const name of Object.keys(a).sort()) {
      const at = propertyPath(`${path}.${key}`, name);
      if (!hasOwn(b, name)) ctx.emit(at, `definition ${JSON.stringify(name)} removed: a $ref to it no longer resolves`);
      else compareSchemas(a[name], b[name], at, ctx, depth + 1);
    }
  }
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

function propertiesOf(schema: Json): Map<string, unknown> {
  return isObject(schema.properties) ? new Map(Object.entries(schema.properties)) : new Map();
}

function requiredOf(schema: Json): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : [];
}
