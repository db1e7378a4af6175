import { jsDoc, propertyKey, sampleValue, schemaToType, type Schema, type TypeWalk } from './schema-to-typescript';

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
    expect(schemaToType({ type: 'integer', format: 'int64' }, input())).toBe('number');
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
    expect(schemaToType({ type: ['string', 'integer'] }, input())).toBe('string | number');
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
    expect(flat(schemaToType(schema, input()))).toBe("{ id: number; tags: Array<string>; owner?: { name: string; 'e-mail'?: string; }; }");
  });

  it('maps maps (additionalProperties) to Record', () => {
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'integer' } }, input())).toBe('Record<string, number>');
    expect(schemaToType({ type: 'object' }, input())).toBe('Record<string, unknown>');
  });

  it('maps oneOf/anyOf to unions and allOf to intersections', () => {
    const a = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
    const b = { type: 'object', properties: { b: { type: 'number' } } };
    expect(flat(schemaToType({ oneOf: [a, b] }, input()))).toBe('{ a: string; } | { b?: number; }');
    expect(flat(schemaToType({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, input()))).toBe('string | number');
    expect(flat(schemaToType({ allOf: [a, b] }, input()))).toBe('{ a: string; } & { b?: number; }');
    expect(flat(schemaToType({ oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true }, input()))).toBe(
      '(string | number) | null',
    );
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
    expect(flat(schemaToType(node, walk))).toBe('{ name?: string; children?: Array<Record<string, unknown>>; }');
    expect(walk.notes).toEqual(['a recursive schema (Node) is typed Record<string, unknown> where it repeats']);
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
      '\t/**\n\t * When it happened.\n\t * In UTC.\n\t * @format date-time\n\t * @default "now"\n\t */\n\twhen?: string;',
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
