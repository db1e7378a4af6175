import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateSchemas } from '../build/schema/generate-schemas';
import { findOperations } from '../connector/connector-operations';
import { compareOperations } from './compatibility';
import { SCHEMA_KEYWORDS } from './schema-rules';

// Generating schemas compiles TypeScript: room on a busy machine (a deliberate limit, not a timing assertion).
jest.setTimeout(120_000);

/** typescript-json-schema 0.68.0's own validation keywords (its `validationKeywords`): each written through a JSDoc tag. */
const TJS_KEYWORDS = [
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxProperties',
  'minProperties',
  'additionalProperties',
  'enum',
  'type',
  'examples',
  'description',
  'format',
  'default',
  'id',
  '$id',
  '$comment',
  'title',
];

/** Operation types of every kind a connector writes: literals, unions, tuples, records, enums, recursion, every JSDoc keyword. */
const INPUT_TS = `
enum Color { Red = 'red', Green = 'green' }
enum Level { Low, High }
type Tree = { value: string; children?: Tree[] };
/** An input. */
export type KitchenInput = {
  /**
   * Text.
   * @title The text
   * @minLength 1
   * @maxLength 5
   * @pattern ^a
   * @format email
   * @default "abc"
   * @examples ["a"]
   * @$comment note
   * @id an-id
   * @$id an-$id
   */
  s: string;
  lit: 'a';
  lits: 'a' | 'b';
  mixed: 'a' | 1 | true | null;
  /** @TJS-type integer @minimum 0 @maximum 9 @exclusiveMinimum -1 @exclusiveMaximum 10 @multipleOf 2 */
  num: number;
  b: boolean;
  t: true;
  n: null;
  u?: string | undefined;
  /** @minItems 1 @maxItems 3 @uniqueItems true */
  arr: string[];
  tup: [string, number];
  tupOpt: [label: string, count?: number];
  tupRest: [string, ...number[]];
  rec: Record<string, number>;
  idx: { [k: string]: string; fixed: string };
  /** @minProperties 1 @maxProperties 3 */
  obj: { a: { b: string } };
  /** @additionalProperties true */
  open: { a: string };
  union: string | { a: string };
  inter: { a: string } & { b: number };
  color: Color;
  level: Level;
  date: Date;
  anything: any;
  unk: unknown;
  tree: Tree;
  /** @lookupOperation list @lookupInput {} @lookupAuthRequired true */
  lookup: string;
  /** @lookupOperation only_half */
  half: string;
  /** @enumLabels A, B */
  labelled: 'a' | 'b';
  /** @advanced true */
  adv?: string;
  /** @contains {"type":"string"} */
  contained: unknown[];
  /** @ignore */
  ignored?: string;
  templ: \`id-\${string}\`;
  objectType: object;
  numLit: 3;
  /** @type integer */
  typed: number;
  nested: { deep: Array<{ x: 'y' | 'z' }> };
  fn?: () => void;
};
`;

/** Every key of every schema node (properties, items, alternatives, definitions ... walked; values of enum/const/default not). */
function keywordsOf(schema: unknown, into = new Set<string>()): Set<string> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return into;
  const node = schema as Record<string, unknown>;
  for (const key of Object.keys(node)) into.add(key);
  const children = (value: unknown): unknown[] =>
    Array.isArray(value) ? value : typeof value === 'object' && value !== null ? [value] : [];
  for (const key of [
    'items',
    'additionalItems',
    'additionalProperties',
    'contains',
    'not',
    'if',
    'then',
    'else',
    'oneOf',
    'anyOf',
    'allOf',
  ]) {
    for (const child of children(node[key])) keywordsOf(child, into);
  }
  for (const key of ['properties', 'definitions', '$defs', 'patternProperties']) {
    const map = node[key];
    if (typeof map === 'object' && map !== null) for (const child of Object.values(map)) keywordsOf(child, into);
  }
  return into;
}

describe('the breaking-change rules know every keyword the build writes', () => {
  let dir: string;
  const written = new Set<string>();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-keywords-'));
    const op = path.join(dir, 'src', 'kitchen');
    fs.mkdirSync(op, { recursive: true });
    fs.writeFileSync(path.join(op, 'operation.json'), '{}');
    fs.writeFileSync(path.join(op, 'input.ts'), INPUT_TS);
    // The output is the input's type: the same keywords, walked by the output rules.
    fs.writeFileSync(path.join(op, 'output.ts'), `import { KitchenInput } from './input';\nexport type KitchenOutput = KitchenInput;\n`);
    for (const schema of generateSchemas(findOperations(dir))) keywordsOf(JSON.parse(schema.json), written);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the fixture makes the build write the keywords that matter (literals, tuples, alternatives, references, every TJS keyword)', () => {
    for (const keyword of ['const', 'enum', 'oneOf', 'items', 'additionalItems', '$ref', 'enumLabels', 'lookup', 'advanced', '$schema']) {
      expect(written).toContain(keyword);
    }
    expect(TJS_KEYWORDS.filter((k) => !written.has(k))).toEqual([]);
  });

  it('every keyword written is in SCHEMA_KEYWORDS (compared, or an annotation)', () => {
    expect([...written].filter((k) => !Object.prototype.hasOwnProperty.call(SCHEMA_KEYWORDS, k)).sort()).toEqual([]);
  });

  it('a keyword the rules do not know (@TJS-<anything>) counts as breaking when it changes, on either side', () => {
    const schema = (extra: Record<string, unknown>) => ({ type: 'object', properties: { a: { type: 'string', ...extra } } });
    const op = (inputSchema: unknown, outputSchema: unknown) => ({ name: 'op', inputSchema, outputSchema });
    const changed = compareOperations([op(schema({ 'x-rule': 1 }), schema({ 'x-rule': 1 }))], [op(schema({ 'x-rule': 2 }), schema({}))]);
    expect(changed.breaking.map((d) => `${d.path}: ${d.reason}`)).toEqual([
      '$.inputSchema.properties.a["x-rule"]: keyword "x-rule" changed: the guard does not know it, so it counts as breaking',
      '$.outputSchema.properties.a["x-rule"]: keyword "x-rule" changed: the guard does not know it, so it counts as breaking',
    ]);
  });
});
