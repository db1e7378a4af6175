/**
 * The one writer of generated TypeScript (SECURITY.md: untrusted input stays data).
 *
 * Generated source is a `Code` value. The only ways to make one are:
 * - the `code` tag, whose literal parts are the plugin's own source text and whose interpolations
 *   must themselves be `Code` (a plain string is refused at compile time and at run time);
 * - `id` (an identifier the plugin made, checked against a strict pattern and the reserved words);
 * - `str` / `value` (string, number, boolean, null, array and object literals with every quote,
 *   backslash, line terminator including U+2028/U+2029, NUL, control and non-ASCII character
 *   escaped, so each literal is printable ASCII on one line; `__proto__` keys computed);
 * - `lineComment` / `docComment` (text that cannot end or close its comment).
 * So text from a spec, a generator option or a server answer can reach a file only as a literal's
 * value or a comment's words, never as code; nothing here emits a template literal.
 */

const TOKEN = Symbol('ts-writer');

/** A piece of generated TypeScript that the writer vouches for. */
export class Code {
  readonly text: string;
  constructor(token: symbol, text: string) {
    if (token !== TOKEN) throw new TypeError('Code is made by the ts-writer functions only (code``, id, str, value, comments)');
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const make = (text: string) => new Code(TOKEN, text);

/** What may be interpolated into `code`: generated code, lists of it, or numbers/booleans the plugin computed. */
export type CodePart = Code | readonly Code[] | number | boolean;

/** Generated code from the plugin's own template text; every `${}` must be Code (strings are refused). */
export function code(strings: TemplateStringsArray, ...parts: CodePart[]): Code {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += partText(part) + strings[i + 1];
  });
  return make(out);
}

function partText(part: CodePart): string {
  if (part instanceof Code) return part.text;
  if (Array.isArray(part)) return part.map((p) => partText(p)).join('');
  if (typeof part === 'number' && Number.isFinite(part)) return numberText(part);
  if (typeof part === 'boolean') return String(part);
  throw new TypeError(
    `ts-writer: ${JSON.stringify(String(part)).slice(0, 80)} is not code: wrap it with str() (a literal), id() (an identifier) or a comment function`,
  );
}

/** `parts` joined by a separator the plugin chose (punctuation and white space only). */
export function join(parts: readonly Code[], separator: string): Code {
  if (!/^[\s,;|&]*$/.test(separator)) throw new TypeError(`ts-writer: separator ${JSON.stringify(separator)} is not punctuation`);
  return make(parts.map((p) => p.text).join(separator));
}

/** Every line of `block` prefixed with `indent` (tabs or spaces only); empty lines stay empty. */
export function indent(block: Code, by: string): Code {
  if (!/^[\t ]*$/.test(by)) throw new TypeError(`ts-writer: indent ${JSON.stringify(by)} is not white space`);
  return make(
    block.text
      .split('\n')
      .map((l) => (l ? by + l : l))
      .join('\n'),
  );
}

/** ECMAScript and TypeScript words that cannot name a binding or type. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with implements interface let ' +
    'package private protected public static yield await any boolean number string symbol never unknown object undefined bigint'
  ).split(' '),
);

/** ASCII identifiers only: what the plugin makes from names (camelCase, PascalCase, snake_case). */
export const IDENTIFIER_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]{0,199}$/;

/** True when `name` can be written as an identifier (and as an unquoted property name). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name) && !RESERVED.has(name);
}

/** An identifier the plugin made; anything else is refused (it would be code). */
export function id(name: string): Code {
  if (!isIdentifier(name)) throw new TypeError(`ts-writer: ${JSON.stringify(name).slice(0, 80)} is not a safe identifier`);
  return make(name);
}

const SHORT: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A single-quoted string literal holding exactly `value`. Only printable ASCII is written as is;
 * every other UTF-16 unit (line terminators including U+2028/U+2029, NUL, control and non-ASCII
 * characters) becomes `\uXXXX`, so the literal is one token on one line whatever the text
 * (the same escaping as TypeScript's printer, without its cost per call).
 */
export function str(value: string): Code {
  return make(`'${String(value).replace(/[^\x20-\x26\x28-\x5b\x5d-\x7e]/g, escapeUnit)}'`);
}

function escapeUnit(unit: string): string {
  return SHORT[unit] ?? `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`ts-writer: ${n} is not a finite number`);
  return String(n);
}

/**
 * A JSON-like value as a TypeScript literal (objects and arrays over several lines, indented with
 * tabs like every generated file and the CDK's own templates: 29.8). A value with a
 * `__proto__` key anywhere is written as `JSON.parse('...')`: an object literal cannot give itself
 * an own `__proto__` property that TypeScript also sees.
 */
export function value(v: unknown): Code {
  if (hasProtoKey(v)) return make(`JSON.parse(${str(JSON.stringify(v)).text})`);
  return make(literal(v, ''));
}

function hasProtoKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasProtoKey);
  if (typeof v !== 'object' || v === null) return false;
  return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey((v as Record<string, unknown>)[k]));
}

function literal(v: unknown, indentBy: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v).text;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : String(v)) : 'null';
  const inner = `${indentBy}\t`;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((item) => inner + literal(item, inner)).join(',\n')}\n${indentBy}]` : '[]';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, item]) => `${inner}${propertyName(k).text}: ${literal(item, inner)}`).join(',\n')}\n${indentBy}}`;
  }
  return 'null';
}

/** A property name in an object literal (`id`, `'x-request-id'`, `['__proto__']`) or a type (`'__proto__'`). */
export function propertyName(name: string, where: 'value' | 'type' = 'value'): Code {
  // `{ __proto__: x }` and `{ '__proto__': x }` set the prototype; a computed key makes an own property.
  if (name === '__proto__') return make(where === 'type' ? str(name).text : `[${str(name).text}]`);
  return make(IDENTIFIER_PATTERN.test(name) ? name : str(name).text);
}

/** A property read: `input.id`, `input['x-id']`. */
export function member(object: Code, name: string): Code {
  return make(IDENTIFIER_PATTERN.test(name) && name !== '__proto__' ? `${object.text}.${name}` : `${object.text}[${str(name).text}]`);
}

// Line terminators of ECMAScript/TypeScript (LF, CR, U+2028, U+2029) and other control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/** Words for one line of a comment: line terminators and control characters become spaces. */
function oneLineText(text: string): string {
  return String(text).split(LINE_BREAK).join(' ').replace(CONTROL, ' ').replace(/\t/g, ' ');
}

/** `// <text>` on one line: nothing in `text` can end the comment early. */
export function lineComment(text: string): Code {
  return make(`// ${oneLineText(text)}`.trimEnd());
}

// Text that cannot close a block comment: every star-slash becomes star-backslash-slash (a doubled star too).
function blockSafe(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

/** Comment words for one line inside `/** ... *\/` (e.g. a title inside a template's JSDoc). */
export function commentText(text: string): Code {
  return make(blockSafe(oneLineText(text)).trim());
}

/**
 * Spec text as JSDoc words that no tag parser reads as a tag (issue 28.3): TypeScript's JSDoc parser
 * (and so typescript-json-schema, Tray's schema builder) starts a tag, or an inline `{@link}`, at an
 * `@` after white space, punctuation or a line start, anywhere in a line. Every `@` that does not
 * follow an ASCII letter or digit becomes a full-width `＠` (U+FF20), so "e.g. @octocat" reads the
 * same in Tray's description and an e-mail address (`jane@example.com`) keeps its `@`.
 */
export function untagged(text: string): string {
  return String(text).replace(/(?<![A-Za-z0-9])@/g, '＠');
}

/** A value JSON can hold. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A JSDoc tag the plugin writes, `@name <value>`, whose value comes back exactly from
 * typescript-json-schema (which `JSON.parse`s a tag's text): the value as JSON in printable ASCII,
 * with `@` (a tag start) and every other character outside printable ASCII as `\uXXXX`. A spec's
 * title, default, format or pattern so can neither start a tag nor name a file for TJS's
 * `require(...)` values.
 */
export function docTag(name: string, tagValue: JsonValue): string {
  if (!/^[A-Za-z][\w.-]*$/.test(name)) throw new TypeError(`ts-writer: ${JSON.stringify(name)} is not a tag name`);
  if (typeof tagValue === 'number' && !Number.isFinite(tagValue)) throw new TypeError(`ts-writer: ${tagValue} is not a finite number`);
  const json = JSON.stringify(tagValue).replace(
    /[^\x20-\x3f\x41-\x7e]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `@${name} ${json}`;
}

/**
 * A JSDoc block at `indentBy`, or empty code when there are no lines. Lines may hold several
 * lines of text; none can close the comment, and none can start a tag (`untagged`). `tags` are the
 * caller's own tags (`docTag`, or a fixed `@deprecated`).
 */
export function docComment(lines: readonly string[], indentBy = '', tags: readonly string[] = []): Code {
  if (!/^[\t ]*$/.test(indentBy)) throw new TypeError('ts-writer: indent is not white space');
  const body: string[] = [];
  for (const line of lines) {
    for (const part of String(line).split(LINE_BREAK)) body.push(untagged(part.replace(CONTROL, ' ')));
  }
  for (const tag of tags) body.push(oneLineText(tag));
  while (body.length && !body[body.length - 1].trim()) body.pop();
  if (!body.length) return make('');
  const safe = body.map((l) => blockSafe(l).trimEnd());
  return make(`${indentBy}/**\n${safe.map((l) => `${indentBy} *${l ? ` ${l}` : ''}`).join('\n')}\n${indentBy} */\n`);
}

/**
 * Text that a writer function of this module produced and a caller kept as a string (the type
 * text of schema-to-typescript, composed only of `id`/`str`/`propertyName`/`docComment` pieces
 * and the plugin's own punctuation). Use nowhere else.
 */
export function emitted(text: string): Code {
  return make(text);
}
