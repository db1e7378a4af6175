import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { loadOpenApi } from './load-spec';
import { jsDoc, namedTypes, propertyKey, sampleValue, schemaToType, type Schema, type TypeWalk } from './schema-to-typescript';

const input = (): TypeWalk => ({ mode: 'input', notes: [] });
const flat = (t: string) =>
  t
    .replace(/\s+/g, ' ')
    .replace(/\/\*\*.*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('schemaToType', () => {
  it('maps scalar types and formats', () => {
    expect(schemaToType({ type: 'string' }, input())).toBe('string');
    expect(schemaToType({ type: 'integer', format: 'int64' }, input())).toBe('Integer');
    expect(schemaToType({ type: 'number' }, input())).toBe('number');
    expect(schemaToType({ type: 'boolean' }, input())).toBe('boolean');
    expect(schemaToType(undefined, input())).toBe('unknown');
    expect(schemaToType({}, input())).toBe('unknown');
  });

  it('maps enums and const to literal unions', () => {
    expect(schemaToType({ type: 'string', enum: ['available', "it's"] }, input())).toBe("'available' | 'it\\'s'");
    expect(schemaToType({ type: 'integer', enum: [1, 2] }, input())).toBe('1 | 2');
    expect(schemaToType({ const: 'x' }, input())).toBe("'x'");
  });

  it('maps nullable (3.0) and type lists with null (3.1)', () => {
    expect(schemaToType({ type: 'string', nullable: true }, input())).toBe('string | null');
    expect(schemaToType({ type: ['string', 'null'] }, input())).toBe('string | null');
    expect(schemaToType({ type: ['string', 'integer'] }, input())).toBe('string | Integer');
    expect(schemaToType({ type: ['integer', 'number'] }, input())).toBe('number');
    expect(schemaToType({ type: 'string', enum: ['a', null], nullable: true }, input())).toBe("'a' | null");
  });

  it('maps arrays and nested objects with required and optional properties', () => {
    const schema: Schema = {
      type: 'object',
      required: ['id', 'tags'],
      properties: {
        id: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
        owner: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, 'e-mail': { type: 'string' } } },
      },
    };
    expect(flat(schemaToType(schema, input()))).toBe("{ id: Integer; tags: Array<string>; owner?: { name: string; 'e-mail'?: string; }; }");
  });

  it('maps maps (additionalProperties) to index signatures', () => {
    // An index signature, which Tray's rules keep open (Record<string, X> is additionalProperties: false there): 29.1.
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'integer' } }, input())).toBe('{\n\t[key: string]: Integer;\n}');
    expect(schemaToType({ type: 'object' }, input())).toBe('{ [key: string]: unknown }');
    expect(schemaToType({ type: 'object', additionalProperties: false }, input())).toBe('Record<string, never>');
  });

  it('maps oneOf/anyOf to unions and allOf to intersections', () => {
    const a = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
    const b = { type: 'object', properties: { b: { type: 'number' } } };
    expect(flat(schemaToType({ oneOf: [a, b] }, input()))).toBe('{ a: string; } | { b?: number; }');
    expect(flat(schemaToType({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, input()))).toBe('string | Integer');
    // A part with nothing TypeScript can say is left out (`Integer & unknown` would lose the alias).
    expect(schemaToType({ allOf: [{ type: 'integer' }, { minimum: 0 }] }, input())).toBe('Integer');
    expect(flat(schemaToType({ allOf: [a, b] }, input()))).toBe('{ a: string; } & { b?: number; }');
    expect(flat(schemaToType({ oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true }, input()))).toBe(
      '(string | number) | null',
    );
  });

  it('keeps a union inside an intersection in parentheses when a description holds an apostrophe or a bar', () => {
    // A doc comment's text is not part of the type: "user's" once hid the `|` after it, and `A | B & C` means `A | (B & C)`.
    for (const description of ["the user's id", 'one | two', "it's a | b & c */ or '"]) {
      const a = { type: 'object', properties: { a: { type: 'string', description } } };
      const type = schemaToType(
        { allOf: [{ oneOf: [a, { type: 'string' }] }, { type: 'object', properties: { b: { type: 'string' } } }] },
        input(),
      );
      expect(flat(type)).toBe('({ a?: string; } | string) & { b?: string; }');
    }
    expect(
      flat(
        schemaToType({ allOf: [{ anyOf: [{ type: 'string', enum: ["it's", 'b|c'] }, { type: 'number' }] }, { type: 'object' }] }, input()),
      ),
    ).toMatch(/^\(\('it\\'s' \| 'b\|c'\) \| number\) & /);
  });

  it('declares Integer (a number whose TJS tag makes Tray say integer) in a file that uses it, and only then', () => {
    const walk = input();
    expect(schemaToType({ type: 'array', items: { type: 'array', items: { type: 'integer' } } }, walk)).toBe('Array<Array<Integer>>');
    expect(namedTypes(walk)).toBe(
      '\n// A whole number: Tray\'s schema says "integer" wherever this type is used (TypeScript has only number).\n' +
        '/**\n * @TJS-type "integer"\n */\ntype Integer = number & {};\n',
    );
    const none = input();
    schemaToType({ type: 'number' }, none);
    expect(namedTypes(none)).toBe('');
  });

  it('never names a shared schema Integer or FileReference (names the file already has)', () => {
    const walk = input();
    const integerSchema = {
      type: 'object',
      title: 'Integer',
      properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } },
    };
    const file = { ...integerSchema, title: 'File reference' };
    const root = { type: 'object', properties: { a: integerSchema, b: integerSchema, c: file, d: file, n: { type: 'integer' } } };
    schemaToType(root, walk);
    expect(namedTypes(walk).match(/^type \w+/gm)).toEqual(['type IntegerType', 'type FileReferenceType', 'type Integer']);
  });

  it('leaves readOnly properties out of inputs and writeOnly ones out of outputs', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'string', readOnly: true }, password: { type: 'string', writeOnly: true } },
    };
    expect(flat(schemaToType(schema, input()))).toBe('{ password?: string; }');
    expect(flat(schemaToType(schema, { mode: 'output', notes: [] }))).toBe('{ id?: string; }');
  });

  it('cuts recursion with a note instead of looping', () => {
    const node: Schema = { type: 'object', title: 'Node', properties: { name: { type: 'string' } } };
    node.properties.children = { type: 'array', items: node };
    const walk = input();
    expect(flat(schemaToType(node, walk))).toBe('{ name?: string; children?: Array<{ [key: string]: unknown }>; }');
    expect(walk.notes).toEqual(['a recursive schema (Node) is typed { [key: string]: unknown } where it repeats']);
  });

  it('writes descriptions and keywords as JSDoc that typescript-json-schema reads', () => {
    const text = schemaToType(
      {
        type: 'object',
        properties: { when: { type: 'string', format: 'date-time', description: 'When it happened.\nIn UTC.', default: 'now' } },
      },
      input(),
    );
    expect(text).toContain(
      '\t/**\n\t * When it happened.\n\t * In UTC.\n\t * @format "date-time"\n\t * @default "now"\n\t */\n\twhen?: string;',
    );
    expect(jsDoc({ description: 'ends */ early' }, '')).toBe('/**\n * ends *\\/ early\n */\n');
    expect(jsDoc({ description: '@mention at line start' }, '')).toContain(' * ＠mention');
    expect(jsDoc({}, '')).toBe('');
  });

  it('quotes keys that are not identifiers', () => {
    expect(propertyKey('id')).toBe('id');
    expect(propertyKey('X-Request-ID')).toBe("'X-Request-ID'");
  });
});

describe('sampleValue', () => {
  it('fills required properties only, first enum value, first union branch, allOf merged', () => {
    const schema: Schema = {
      type: 'object',
      required: ['status', 'kind', 'both', 'when', 'n'],
      properties: {
        status: { type: 'string', enum: ['sold', 'available'] },
        kind: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
        both: {
          allOf: [
            { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
            { type: 'object', required: ['b'], properties: { b: { type: 'boolean' } } },
          ],
        },
        when: { type: 'string', format: 'date' },
        n: { type: 'integer', minimum: 5 },
        optional: { type: 'string' },
      },
    };
    expect(sampleValue(schema, 'input')).toEqual({ status: 'sold', kind: 1, both: { a: 'a 1', b: true }, when: '2024-01-02', n: 5 });
  });

  it('is deterministic and stops at recursion', () => {
    const node: Schema = { type: 'object', required: ['child'], properties: {} };
    node.properties.child = node;
    expect(sampleValue(node, 'input')).toEqual({ child: {} });
    expect(sampleValue({ type: 'array', items: { type: 'string' }, minItems: 2 }, 'input', 'tag')).toEqual(['tag 1', 'tag 1']);
  });
});

describe('shared schemas become named types', () => {
  /** The few globals the generated types use, instead of the whole default lib (slow to load on a busy machine). */
  const LIB = `interface Array<T> { length: number; [n: number]: T }
interface Boolean {} interface CallableFunction {} interface Function {} interface IArguments {} interface NewableFunction {}
interface Number {} interface Object {} interface RegExp {} interface String {}
type Record<K extends keyof any, T> = { [P in K]: T };
`;
  /** Type-checks `files` (name -> source) with the real compiler, strict; returns the diagnostics as text. */
  function typeCheck(sources: Record<string, string>): string[] {
    const files: Record<string, string> = { ...sources, '/virtual/lib.d.ts': LIB };
    const options: ts.CompilerOptions = { strict: true, noEmit: true, noLib: true, module: ts.ModuleKind.CommonJS, types: [] };
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) => (name in files ? ts.createSourceFile(name, files[name], version) : read(name, version));
    host.fileExists = (
      (exists) => (name: string) =>
        name in files || exists(name)
    )(host.fileExists.bind(host));
    const program = ts.createProgram(Object.keys(files), options, host);
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  it('writes a $ref used twice once, named after the $ref, and the sample type-checks against it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-shared-'));
    try {
      const address = {
        type: 'object',
        required: ['street', 'city'],
        properties: { street: { type: 'string' }, city: { type: 'string' }, zip: { type: 'string' } },
      };
      fs.writeFileSync(
        path.join(dir, 'openapi.json'),
        JSON.stringify({
          openapi: '3.0.3',
          info: { title: 'Shop', version: '1' },
          components: { schemas: { 'Postal-address': address } },
          paths: {
            '/orders': {
              post: {
                requestBody: {
                  required: true,
                  content: {
                    'application/json': {
                      schema: {
                        type: 'object',
                        required: ['billing', 'shipping'],
                        properties: {
                          billing: { $ref: '#/components/schemas/Postal-address' },
                          shipping: { $ref: '#/components/schemas/Postal-address' },
                          previous: { type: 'array', items: { $ref: '#/components/schemas/Postal-address' } },
                        },
                      },
                    },
                  },
                },
                responses: { '204': { description: 'none' } },
              },
            },
          },
        }),
      );
      const doc = await loadOpenApi(path.join(dir, 'openapi.json'));
      const body = doc.paths!['/orders'].post.requestBody.content['application/json'].schema;
      const walk = input();
      const type = schemaToType(body, walk);
      expect(flat(type)).toBe('{ billing: PostalAddress; shipping: PostalAddress; previous?: Array<PostalAddress>; }');
      expect(namedTypes(walk)).toBe('\ntype PostalAddress = {\n\tstreet: string;\n\tcity: string;\n\tzip?: string;\n};\n');
      const sample = sampleValue(body, 'input');
      expect(sample).toEqual({ billing: { street: 'street 1', city: 'city 1' }, shipping: { street: 'street 1', city: 'city 1' } });
      const source = `export type Body = ${type};\n${namedTypes(walk)}\nexport const sample: Body = ${JSON.stringify(sample)};\n`;
      expect(typeCheck({ '/virtual/body.ts': source })).toEqual([]);
      // The check is real: a sample missing a required property is an error.
      expect(typeCheck({ '/virtual/wrong.ts': source.replace(',"city":"city 1"', '') })).toEqual([
        expect.stringContaining("Property 'city' is missing"),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps recursion and short shared types inline, and names never clash with the file or the globals it uses', () => {
    const tag = { type: 'string', maxLength: 5 };
    const node: Schema = { type: 'object', properties: { name: tag, label: tag } };
    node.properties.children = { type: 'array', items: node };
    const walk = input();
    expect(flat(schemaToType({ type: 'object', properties: { a: node, b: node } }, walk))).toBe(
      '{ a?: { name?: string; label?: string; children?: Array<{ [key: string]: unknown }>; }; b?: { name?: string; label?: string; children?: Array<{ [key: string]: unknown }>; }; }',
    );
    expect(namedTypes(walk)).toBe('');
    const record: Schema = {
      type: 'object',
      title: 'Record',
      properties: { x: { type: 'number' } },
      description: 'long enough to be named',
    };
    const output: Schema = { type: 'object', title: 'ListInput', properties: { y: { type: 'number' }, z: { type: 'string' } } };
    const named = input();
    schemaToType({ type: 'object', properties: { a: record, b: record, c: output, d: output, e: { ...output } } }, named);
    expect(namedTypes(named).match(/^type \w+/gm)).toEqual(['type RecordType', 'type ListInputType']);
  });

  it('samples a schema nested deeper than the inline type goes, and the sample still fits the type', () => {
    let schema: Schema = { type: 'string' };
    for (let i = 0; i < 15; i++) schema = { type: 'object', required: ['next'], properties: { next: schema } };
    const walk = input();
    const type = schemaToType(schema, walk);
    const source = `export type Deep = ${type};\n${namedTypes(walk)}\nexport const sample: Deep = ${JSON.stringify(sampleValue(schema, 'input'))};\n`;
    expect(typeCheck({ '/virtual/deep.ts': source })).toEqual([]);
  });
});
