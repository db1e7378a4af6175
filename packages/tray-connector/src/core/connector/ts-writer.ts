/**
 * The one writer of generated TypeScript (SECURITY.md: untrusted input stays data).
 *
 * Generated source is a `Code` value. The only ways to make one are:
 * - the `code` tag, whose literal parts are the plugin's own source text and whose interpolations
 *   must themselves be `Code` (a plain string is refused at compile time and at run time);
 * - `id` (an identifier the plugin made, checked against a strict pattern and the reserved words);
 * - `str` / `value` (string, number, boolean, null, array and object literals printed by
 *   TypeScript's own factory and printer: every quote, backslash, line terminator including
 *   U+2028/U+2029, NUL and non-ASCII character escaped, `__proto__` keys computed);
 * - `lineComment` / `docComment` (text that cannot end or close its comment).
 * So text from a spec, a generator option or a server answer can reach a file only as a literal's
 * value or a comment's words, never as code; nothing here emits a template literal.
 */
import * as ts from 'typescript';

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

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });
const scratch = ts.createSourceFile('generated.ts', '', ts.ScriptTarget.ES2021, false, ts.ScriptKind.TS);
const print = (node: ts.Node): string => printer.printNode(ts.EmitHint.Unspecified, node, scratch);
const f = ts.factory;

/** A single-quoted string literal, escaped by TypeScript's printer (line terminators, NUL, quotes, non-ASCII). */
export function str(value: string): Code {
  return make(print(f.createStringLiteral(String(value), true)));
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`ts-writer: ${n} is not a finite number`);
  return String(n);
}

/**
 * A JSON-like value as a TypeScript literal (objects and arrays over several lines). A value with a
 * `__proto__` key anywhere is written as `JSON.parse('...')`: an object literal cannot give itself
 * an own `__proto__` property that TypeScript also sees.
 */
export function value(v: unknown): Code {
  if (hasProtoKey(v)) return make(`JSON.parse(${str(JSON.stringify(v)).text})`);
  return make(print(literalNode(v)));
}

function hasProtoKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasProtoKey);
  if (typeof v !== 'object' || v === null) return false;
  return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey((v as Record<string, unknown>)[k]));
}

function literalNode(v: unknown): ts.Expression {
  if (v === null || v === undefined) return f.createNull();
  if (typeof v === 'string') return f.createStringLiteral(v, true);
  if (typeof v === 'boolean') return v ? f.createTrue() : f.createFalse();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return f.createNull();
    const n = f.createNumericLiteral(Math.abs(v));
    return v < 0 || Object.is(v, -0) ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, n) : n;
  }
  if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(literalNode), v.length > 0);
  if (typeof v === 'object') {
    const props = Object.entries(v as Record<string, unknown>).map(([k, item]) =>
      f.createPropertyAssignment(propertyNameNode(k), literalNode(item)),
    );
    return f.createObjectLiteralExpression(props, props.length > 0);
  }
  return f.createNull();
}

function propertyNameNode(name: string, where: 'value' | 'type' = 'value'): ts.PropertyName {
  // `{ __proto__: x }` and `{ '__proto__': x }` set the prototype; a computed key makes an own property.
  // In a type, a quoted `'__proto__'` is an ordinary property name.
  if (name === '__proto__')
    return where === 'type' ? f.createStringLiteral(name, true) : f.createComputedPropertyName(f.createStringLiteral(name, true));
  return IDENTIFIER_PATTERN.test(name) ? f.createIdentifier(name) : f.createStringLiteral(name, true);
}

/** A property name in an object literal (`id`, `'x-request-id'`, `['__proto__']`) or a type (`'__proto__'`). */
export function propertyName(name: string, where: 'value' | 'type' = 'value'): Code {
  return make(print(propertyNameNode(name, where)));
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
 * A JSDoc block at `indentBy`, or empty code when there are no lines. Lines may hold several
 * lines of text; none can close the comment. Lines from a spec that start with `@` keep it as a
 * full-width `＠` unless the caller made the tag (`tags`).
 */
export function docComment(lines: readonly string[], indentBy = '', tags: readonly string[] = []): Code {
  if (!/^[\t ]*$/.test(indentBy)) throw new TypeError('ts-writer: indent is not white space');
  const body: string[] = [];
  for (const line of lines) {
    for (const part of String(line).split(LINE_BREAK)) body.push(part.replace(CONTROL, ' ').replace(/^(\s*)@/, '$1＠'));
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
