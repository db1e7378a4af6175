/**
 * A dereferenced OpenAPI schema (3.0 or 3.1) as an inline TypeScript type, with JSDoc that
 * typescript-json-schema turns into the schema Tray shows (description, title, format, default,
 * minimum/maximum...), and a sample value of that same type for the generated tests.
 *
 * Both walks share their rules (which properties exist, which branch of a union is taken), so a
 * sample always type-checks against the type. Recursive schemas (a cycle after dereferencing) and
 * very deep ones end in `{ [key: string]: unknown }` / `unknown`, with a note. A schema met more than
 * once outside a cycle (a shared `$ref`, a YAML alias) is written once, as a named type of the
 * file (`namedTypes`). Every walk counts against the import budget (import-budget.ts).
 */
import { activeBudget, ImportBudget, MAX_NESTING } from './import-budget';
import { refNameOf } from './ref-names';
import { sharedSchemas } from './shared-schemas';

import { docComment, docTag, IDENTIFIER_PATTERN, str } from '../connector/ts-writer';

export type Schema = Record<string, any>;

/** `input`: a request (readOnly properties left out); `output`: a response (writeOnly left out). */
export type SchemaMode = 'input' | 'output';

export interface TypeWalk {
  mode: SchemaMode;
  /** Messages about what could not be expressed exactly (recursion, depth). */
  notes: string[];
}

const MAX_DEPTH = 12;

/** Names every object literal inherits that TypeScript's Object type declares (`constructor`, `toString`...). */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype).filter((n) => n !== '__proto__'));

/** A property key as TypeScript source, from the one writer: `id`, `'x-request-id'`, `'__proto__'` (quoted in types). */
export function propertyKey(name: string): string {
  return IDENTIFIER_PATTERN.test(name) && name !== '__proto__' ? name : str(name).text;
}

/** A single-quoted TypeScript string literal, escaped by the one writer. */
export function quote(value: string): string {
  return str(value).text;
}

/**
 * `/** ... *\/` lines (indented) documenting a schema, or '' when there is nothing to say. Text from
 * the spec cannot close it nor start a tag: the description is `untagged` words, every value a
 * `docTag` (JSON that typescript-json-schema reads back exactly), so Tray's schema gets the spec's
 * title, format, pattern and default as they are and nothing else (issue 28.3).
 */
export function jsDoc(schema: Schema | undefined, indent: string, extraDescription?: string): string {
  const description = [extraDescription, schema?.description].find((d) => typeof d === 'string' && d.trim());
  const lines = description ? [String(description).trim()] : [];
  const tags: string[] = [];
  if (schema && typeof schema === 'object') {
    if (typeof schema.title === 'string' && schema.title.trim()) tags.push(docTag('title', schema.title.trim()));
    if (typeof schema.format === 'string' && schema.format) tags.push(docTag('format', schema.format));
    for (const key of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
      if (typeof schema[key] === 'number' && Number.isFinite(schema[key])) tags.push(docTag(key, schema[key]));
    }
    if (typeof schema.pattern === 'string') tags.push(docTag('pattern', schema.pattern));
    if (['string', 'boolean'].includes(typeof schema.default) || (typeof schema.default === 'number' && Number.isFinite(schema.default))) {
      activeBudget()?.value();
      tags.push(docTag('default', schema.default));
    }
    if (schema.deprecated === true) tags.push('@deprecated');
  }
  return docComment(lines, indent, tags).text;
}

/**
 * The TypeScript type of `schema`, indented for nesting at `indent`: inline, except schemas met
 * more than once, which become named types of the walk's file (see `namedTypes`).
 */
export function schemaToType(schema: Schema | undefined, walk: TypeWalk, indent = '', stack: object[] = []): string {
  const state = stateOf(walk);
  if (!stack.length && schema && typeof schema === 'object' && !state.memo.has(schema)) {
    for (const shared of sharedSchemas(schema, () => state.budget.visit())) state.candidates.add(shared);
  }
  return typeOf(schema, walk, indent, stack);
}

/** What a walk keeps between calls: the budget, and the schemas it writes once. */
interface WalkState {
  budget: ImportBudget;
  /** Schemas met more than once outside a cycle. */
  candidates: Set<object>;
  /** Their type once written: a name, or text short enough to repeat. */
  memo: Map<object, string>;
  declarations: Array<{ name: string; type: string }>;
  /** Bytes of the types the node being written got from its children (for the budget). */
  children: number;
  /** Named types being written inside one another. */
  nesting: number;
  /** True once the walk wrote an integer: the file then declares `Integer` (see INTEGER). */
  integer: boolean;
  /** Names the file declares besides the named types (never given to a shared schema). */
  reserved: Set<string>;
}

const walkStates = new WeakMap<TypeWalk, WalkState>();

function stateOf(walk: TypeWalk): WalkState {
  let state = walkStates.get(walk);
  if (!state) {
    state = {
      budget: activeBudget() ?? new ImportBudget(),
      candidates: new Set(),
      memo: new Map(),
      declarations: [],
      children: 0,
      nesting: 0,
      integer: false,
      reserved: new Set(RESERVED_NAMES),
    };
    walkStates.set(walk, state);
  }
  return state;
}

/**
 * TypeScript has no integer type. `Integer` is a number for TypeScript (any number converts to it and
 * back), and its `@TJS-type` tag makes typescript-json-schema (Tray's builder) write `"type": "integer"`
 * wherever the type is used: a property, an array's items, a map's values, a union's member (29.1).
 * `number & {}` keeps the alias (an alias of `number` alone is `number` again inside a union or an
 * array, where its tag would be lost); no description, or every integer of Tray's schema would carry it.
 */
export const INTEGER = 'Integer';
const INTEGER_DECLARATION = `\n// A whole number: Tray's schema says "integer" wherever this type is used (TypeScript has only number).\n${
  docComment([], '', [docTag('TJS-type', 'integer')]).text
}type ${INTEGER} = number & {};\n`;

/** Names the importer's files declare or import besides the shared schemas' types. */
const RESERVED_NAMES = [INTEGER, 'FileReference', 'Array', 'Record'];

/** Declares `name` in the walk's file: no shared schema's type takes it (an error type of output.ts, say). */
export function reserveTypeName(walk: TypeWalk, name: string): void {
  stateOf(walk).reserved.add(name);
}

/** `type Name = ...;` for every schema the walk wrote once, and `Integer` when it wrote an integer ('' when none), to put after the file's exported type. */
export function namedTypes(walk: TypeWalk): string {
  const state = walkStates.get(walk);
  const declarations = state?.declarations ?? [];
  return declarations.map((d) => `\ntype ${d.name} = ${d.type};\n`).join('') + (state?.integer ? INTEGER_DECLARATION : '');
}

/** One node of the type walk: counted (one node, and the bytes it adds itself), then written. */
function typeOf(schema: Schema | undefined, walk: TypeWalk, indent: string, stack: object[]): string {
  const state = stateOf(walk);
  state.budget.visit();
  const outer = state.children;
  state.children = 0;
  const text = typeText(schema, walk, indent, stack, state);
  state.budget.write(text.length - state.children);
  state.children = outer + text.length;
  return text;
}

function typeText(schema: Schema | undefined, walk: TypeWalk, indent: string, stack: object[], state: WalkState): string {
  if (schema === undefined || schema === null || typeof schema !== 'object') return 'unknown';
  const known = state.memo.get(schema);
  if (known !== undefined) return known;
  if (stack.length && state.candidates.has(schema)) return sharedType(schema, walk, state);
  return inlineType(schema, walk, indent, stack);
}

/** A shared schema written once: its name (or its text, when that is short and on one line). */
function sharedType(schema: Schema, walk: TypeWalk, state: WalkState): string {
  const outer = state.children;
  state.children = 0;
  if (++state.nesting > MAX_NESTING) state.budget.exceeded(`schemas nested more than ${MAX_NESTING} levels deep`);
  const body = typeOf(schema, walk, '', []);
  state.nesting--;
  state.children = outer;
  let text = body;
  if (body.length > 40 || body.includes('\n')) {
    text = typeName(schema, state);
    state.declarations.push({ name: text, type: body });
  }
  state.memo.set(schema, text);
  return text;
}

/** `Pet` for `#/components/schemas/Pet`: PascalCase letters and digits only, unique in the file, never a name the file uses otherwise. */
function typeName(schema: Schema, state: WalkState): string {
  const ref = refNameOf(schema) ?? '';
  const last = decodeURIComponentSafe(ref.split('/').pop() ?? '').replace(/\.(json|ya?ml)$/i, '');
  const source = last || (typeof schema.title === 'string' ? schema.title : '');
  let base = source
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(base)) base = 'Shared';
  if (/(Input|Output)$/.test(base) || state.reserved.has(base)) base = `${base}Type`;
  const taken = new Set([...state.reserved, ...state.declarations.map((d) => d.name)]);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value.replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return value;
  }
}

/** The type of `schema` written out here (its parts through typeOf). */
function inlineType(schema: Schema, walk: TypeWalk, indent: string, stack: object[]): string {
  if (stack.includes(schema)) {
    walk.notes.push(`a recursive schema${schema.title ? ` (${schema.title})` : ''} is typed { [key: string]: unknown } where it repeats`);
    return OPEN_OBJECT;
  }
  if (stack.length >= MAX_DEPTH) {
    walk.notes.push(`a schema nested deeper than ${MAX_DEPTH} levels is typed unknown below that depth`);
    return 'unknown';
  }
  const inner = [...stack, schema];
  const nullable = schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));
  const withNull = (t: string) => (nullable && t !== 'unknown' && !endsWithNull(t) ? `${paren(t)} | null` : t);

  if ('const' in schema) return withNull(literals([schema.const], stateOf(walk)));
  if (Array.isArray(schema.enum) && schema.enum.length) return withNull(literals(schema.enum, stateOf(walk)));
  const parts: string[] = [];
  if (Array.isArray(schema.allOf) && schema.allOf.length) {
    // A part that says nothing TypeScript can (`{ minimum: 0 }`) is left out: `Integer & unknown` would lose Integer's alias.
    const all = schema.allOf.map((s: Schema) => paren(typeOf(s, walk, indent, inner))).filter((t: string) => t !== 'unknown');
    if (all.length) parts.push(all.join(' & '));
  }
  const union =
    (Array.isArray(schema.oneOf) && schema.oneOf.length ? schema.oneOf : undefined) ??
    (Array.isArray(schema.anyOf) && schema.anyOf.length ? schema.anyOf : undefined);
  if (union) {
    const branch = (s: Schema) => {
      const type = paren(typeOf(s, walk, indent, inner));
      const tag = discriminatorOf(schema, s);
      return tag ? `${type} & { ${propertyKey(tag.property)}: ${tag.values.map(quote).join(' | ')} }` : type;
    };
    parts.push(uniq(union.map(branch)).join(' | '));
  }
  const own = ownType(schema, walk, indent, inner);
  if (own !== undefined) parts.push(own);
  if (!parts.length) return 'unknown';
  return withNull(parts.length === 1 ? parts[0] : parts.map(paren).join(' & '));
}

/** The type from `type`/`properties`/`items` (not the combinators); undefined when the schema says nothing of its own. */
function ownType(schema: Schema, walk: TypeWalk, indent: string, stack: object[]): string | undefined {
  const types: string[] = Array.isArray(schema.type) ? schema.type.filter((t: string) => t !== 'null') : schema.type ? [schema.type] : [];
  const isObject = types.includes('object') || (!types.length && (schema.properties || schema.additionalProperties));
  const isArray = types.includes('array') || (!types.length && schema.items);
  const out: string[] = [];
  for (const t of types) {
    if (t === 'string') out.push('string');
    else if (t === 'number' || (t === 'integer' && types.includes('number'))) out.push('number');
    else if (t === 'integer') out.push(integer(walk));
    else if (t === 'boolean') out.push('boolean');
  }
  if (isArray) out.push(`Array<${typeOf(schema.items, walk, indent, stack)}>`);
  if (isObject) out.push(objectType(schema, walk, indent, stack));
  if (!out.length) return isNullType(schema) ? 'null' : undefined;
  return uniq(out).join(' | ');
}

/** Any object: an index signature, which Tray's schema rules keep open (`Record<string, X>` becomes `additionalProperties: false`). */
const OPEN_OBJECT = '{ [key: string]: unknown }';

/**
 * An object type. A map (no declared properties) is an index signature of its value type, so
 * Tray's schema is `additionalProperties: <value>` (29.1); `additionalProperties: false` alone is
 * the empty object. Declared properties are closed, as Tray's builder makes them (noExtraProps),
 * unless the schema also takes more (`additionalProperties` true or a schema): then an index
 * signature of unknown (TypeScript needs every property to fit the index type) keeps it open.
 */
function objectType(schema: Schema, walk: TypeWalk, indent: string, stack: object[]): string {
  const props = visibleProperties(schema, walk.mode);
  const extra = schema.additionalProperties;
  const nested = `${indent}\t`;
  if (!props.length) {
    if (extra === false) return 'Record<string, never>';
    if (!extra || typeof extra !== 'object') return OPEN_OBJECT;
    return `{\n${nested}[key: string]: ${typeOf(extra, walk, nested, stack)};\n${indent}}`;
  }
  const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
  const lines = props.map(
    ([name, prop]) =>
      `${jsDoc(prop, nested)}${nested}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${typeOf(prop, walk, nested, stack)};`,
  );
  if (extra === true || (extra && typeof extra === 'object')) lines.push(`${nested}[key: string]: unknown;`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * The discriminator value(s) of one branch of a oneOf/anyOf with `discriminator.propertyName`: the
 * `mapping` keys that name the branch's `$ref` (or its schema name), else that name itself. The
 * branch is then typed with the property as those literals, so Tray's schema (whose `oneOf` takes
 * exactly one branch) tells branches apart as the spec's discriminator does (29.1). Undefined when
 * the branch already says it (an enum or const) or no value can be told.
 */
function discriminatorOf(union: Schema, branch: Schema): { property: string; values: string[] } | undefined {
  const property = union.discriminator?.propertyName;
  if (typeof property !== 'string' || !branch || typeof branch !== 'object') return undefined;
  const own = branch.properties?.[property];
  if (own && typeof own === 'object' && ('const' in own || Array.isArray(own.enum))) return undefined;
  const ref = refNameOf(branch);
  if (!ref) return undefined;
  const name = decodeURIComponentSafe(ref.split('/').pop() ?? '');
  const mapping = union.discriminator?.mapping && typeof union.discriminator.mapping === 'object' ? union.discriminator.mapping : {};
  const mapped = Object.keys(mapping).filter(
    (key) => mapping[key] === ref || mapping[key] === name || String(mapping[key]).endsWith(`/${name}`),
  );
  const values = mapped.length ? mapped : name ? [name] : [];
  return values.length ? { property, values } : undefined;
}

function isNullType(schema: Schema): boolean {
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'));
}

/** `Integer`, noted as used by the walk's file. */
function integer(walk: TypeWalk): string {
  stateOf(walk).integer = true;
  return INTEGER;
}

/** The properties a request (or response) carries, in document order. */
export function visibleProperties(schema: Schema, mode: SchemaMode): Array<[string, Schema]> {
  const props =
    schema.properties && typeof schema.properties === 'object' ? (Object.entries(schema.properties) as Array<[string, Schema]>) : [];
  return props.filter(
    ([, p]) => !(p && typeof p === 'object' && ((mode === 'input' && p.readOnly === true) || (mode === 'output' && p.writeOnly === true))),
  );
}

/**
 * A value of the type `schemaToType` gives `schema`: only required properties, the first
 * enum value, the first branch of a union, every part of an allOf merged. Deterministic.
 * Counted against the import budget: a sample cannot be shared, so a bomb ends here.
 */
export function sampleValue(schema: Schema | undefined, mode: SchemaMode, hint = 'value', stack: object[] = []): unknown {
  const budget = activeBudget() ?? new ImportBudget();
  const shared = schema && typeof schema === 'object' ? sharedSchemas(schema, () => budget.visit()) : new Set<object>();
  return sample(schema, mode, hint, stack, { budget, shared, memo: new Map() });
}

/** What one sample walk keeps: the budget, the schemas it meets more than once, and their samples by hint. */
interface SampleWalk {
  budget: ImportBudget;
  shared: Set<object>;
  memo: Map<object, Map<string, { value: unknown; nodes: number; bytes: number }>>;
}

function sample(schema: Schema | undefined, mode: SchemaMode, hint: string, stack: object[], walk: SampleWalk): unknown {
  if (!stack.length || !schema || !walk.shared.has(schema)) return sampleOnce(schema, mode, hint, stack, walk);
  // A shared schema (no cycle runs through it) has the same sample wherever it is met: made once,
  // then reused, and counted each time as if it were made again (JSON writes it out each time).
  const byHint = walk.memo.get(schema) ?? new Map();
  walk.memo.set(schema, byHint);
  const known = byHint.get(hint);
  if (known) {
    walk.budget.visit(known.nodes);
    walk.budget.write(known.bytes);
    return known.value;
  }
  const [nodes, bytes] = [walk.budget.nodes, walk.budget.bytes];
  const value = sampleOnce(schema, mode, hint, stack, walk);
  byHint.set(hint, { value, nodes: walk.budget.nodes - nodes, bytes: walk.budget.bytes - bytes });
  return value;
}

function sampleOnce(schema: Schema | undefined, mode: SchemaMode, hint: string, stack: object[], walk: SampleWalk): unknown {
  const budget = walk.budget;
  budget.visit();
  if (schema === undefined || schema === null || typeof schema !== 'object') return {};
  // No depth cut here: where the type is cut (unknown) any sample fits, and a named type's depth starts again at its name.
  if (stack.includes(schema)) return {};
  if (stack.length >= MAX_NESTING) budget.exceeded(`a sample value nested more than ${MAX_NESTING} levels deep`);
  const inner = [...stack, schema];
  if ('const' in schema) return counted(schema.const, budget);
  if (Array.isArray(schema.enum) && schema.enum.length)
    return counted(schema.enum.find((v: unknown) => v !== null) ?? schema.enum[0], budget);
  let value: unknown = undefined;
  const own = ownSample(schema, mode, hint, inner, walk);
  const union =
    (Array.isArray(schema.oneOf) && schema.oneOf.length ? schema.oneOf : undefined) ??
    (Array.isArray(schema.anyOf) && schema.anyOf.length ? schema.anyOf : undefined);
  const pieces: unknown[] = [];
  if (Array.isArray(schema.allOf)) pieces.push(...schema.allOf.map((s: Schema) => sample(s, mode, hint, inner, walk)));
  if (union) {
    const first = sample(union[0], mode, hint, inner, walk);
    const tag = discriminatorOf(schema, union[0]);
    pieces.push(
      tag && isPlainObject(first)
        ? Object.defineProperty(Object.defineProperties({}, Object.getOwnPropertyDescriptors(first)), tag.property, {
            value: tag.values[0],
            enumerable: true,
            writable: true,
            configurable: true,
          })
        : first,
    );
  }
  if (own !== undefined) pieces.push(own);
  for (const piece of pieces) {
    if (value === undefined) value = piece;
    else if (isPlainObject(value) && isPlainObject(piece))
      value = Object.defineProperties({ ...value }, Object.getOwnPropertyDescriptors(piece));
  }
  if (value === undefined) return isNullType(schema) ? null : {};
  return value;
}

/** A value taken from the spec (const, enum), its size counted. */
function counted(value: unknown, budget: ImportBudget): unknown {
  budget.value();
  budget.write(typeof value === 'string' ? value.length : 8);
  return value;
}

function ownSample(schema: Schema, mode: SchemaMode, hint: string, stack: object[], walk: SampleWalk): unknown {
  const budget = walk.budget;
  const types: string[] = Array.isArray(schema.type) ? schema.type.filter((t: string) => t !== 'null') : schema.type ? [schema.type] : [];
  const first = types[0] ?? (schema.properties || schema.additionalProperties ? 'object' : schema.items ? 'array' : undefined);
  switch (first) {
    case 'string':
      return sampleString(schema, hint, budget);
    case 'integer':
    case 'number': {
      const min =
        typeof schema.minimum === 'number'
          ? schema.minimum
          : typeof schema.exclusiveMinimum === 'number'
            ? schema.exclusiveMinimum + 1
            : undefined;
      return min !== undefined && min > 1 ? (first === 'integer' ? Math.ceil(min) : min) : 1;
    }
    case 'boolean':
      return true;
    case 'array': {
      const count = typeof schema.minItems === 'number' && schema.minItems > 1 ? Math.min(schema.minItems, 3) : 1;
      return Array.from({ length: count }, () => sample(schema.items, mode, hint, stack, walk));
    }
    case 'object': {
      const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
      const out: Record<string, unknown> = {};
      for (const [name, prop] of visibleProperties(schema, mode)) {
        // An optional property named like a member of Object.prototype (constructor, toString...) is
        // sampled too: an object literal without it has the inherited function, which TypeScript
        // refuses for the declared type (TS2322 in the generated test, 28.10).
        if (!required.has(name) && !OBJECT_MEMBERS.has(name)) continue;
        budget.write(name.length);
        // defineProperty: a property named __proto__ stays an own property (an assignment would set the prototype).
        Object.defineProperty(out, name, {
          value: sample(prop, mode, name, stack, walk),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      return undefined;
  }
}

function sampleString(schema: Schema, hint: string, budget: ImportBudget): string {
  switch (schema.format) {
    case 'date-time':
      return '2024-01-02T03:04:05Z';
    case 'date':
      return '2024-01-02';
    case 'time':
      return '03:04:05';
    case 'email':
      return 'jane@example.com';
    case 'uuid':
      return '3c5e4a2d-ad3a-48e9-8e2d-eff986f62387';
    case 'uri':
    case 'url':
      return 'https://example.com/a';
    case 'byte':
      return 'c2FtcGxl';
    default: {
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const text = `${hint} 1`;
      const max = typeof schema.maxLength === 'number' && schema.maxLength > 0 ? schema.maxLength : Infinity;
      budget.write(Math.max(min, text.length));
      return text.padEnd(min, 'x').slice(0, Math.max(max, min));
    }
  }
}

/** `'a' | 'b'` for the values: each counted against the budget (values, then bytes) before it is written (28.6). */
function literals(values: unknown[], state: WalkState): string {
  state.budget.value(values.length);
  const out = new Set<string>();
  for (const v of values) {
    const text = literal(v);
    if (out.has(text)) continue;
    state.budget.write(text.length + 3);
    state.children += text.length + 3;
    out.add(text);
  }
  return [...out].join(' | ');
}

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'unknown';
}

/** `type` wrapped in parentheses when a `|` or `&` sits at its top level (outside braces, brackets and quotes). */
/** Whether a type already ends in `null` (`null`, `X | null`): a test of its end only, not a regex over a long object type. */
function endsWithNull(type: string): boolean {
  return type.endsWith('null') && (type.length === 4 || /\s/.test(type.charAt(type.length - 5)));
}

function paren(type: string): string {
  // Most types hold no `|` or `&` at all: no need to walk them (a big import calls this on every nested type).
  if (!type.includes('|') && !type.includes('&')) return type;
  let depth = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type.charCodeAt(i);
    if (c === 0x2f /* / */ && type.charCodeAt(i + 1) === 0x2a /* * */) {
      // A doc comment: its text (a description's "user's", a "|") is not part of the type.
      const close = type.indexOf('*/', i + 2);
      if (close < 0) break;
      i = close + 1;
    } else if (c === 0x27 /* ' */) {
      // A quoted key or string literal, with backslash escapes.
      for (i++; i < type.length && type.charCodeAt(i) !== 0x27; i++) if (type.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x7b || c === 0x5b || c === 0x28 || c === 0x3c /* { [ ( < */) depth++;
    else if (c === 0x7d || c === 0x5d || c === 0x29 || c === 0x3e /* } ] ) > */) depth--;
    else if (depth === 0 && (c === 0x7c || c === 0x26) /* | & */) return `(${type})`;
  }
  return type;
}

function uniq(values: string[]): string[] {
  // One value is the common case: a Set would hash it (a long object type) for nothing.
  return values.length < 2 ? values : [...new Set(values)];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
