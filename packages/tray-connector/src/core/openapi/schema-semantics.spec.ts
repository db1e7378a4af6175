// Issue 29.1: the schema Tray keeps (the build's input.json/output.json, made by the real build of
// what the importer writes) means what the spec's schema means. Every schema shape the importer
// writes is compared on sample values with a JSON Schema validator (ajv) on both sides: what the
// spec accepts, Tray's schema accepts; where Tray's rules can express it (`exact`), what the spec
// refuses, Tray refuses too. Fixed probes plus fast-check values (fixed seed).
import Ajv from 'ajv';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { loadOpenApi, type OpenApiDocument } from './load-spec';
import { importedFiles, traySchemas, typeErrors } from './__fixtures__/imported-connector';

const RUNS = Number(process.env.TRAY_PROPERTY_RUNS || 200);
const SEED = Number(process.env.TRAY_PROPERTY_SEED || 29);

interface Shape {
  name: string;
  /** The schema as the spec writes it (OpenAPI 3.0, or 3.1 where marked). */
  schema: Record<string, unknown>;
  /** Tray refuses exactly what the spec refuses (else Tray's schema may accept more). */
  exact: boolean;
  /** What Tray's schema must say, beyond accepting the same values. */
  tray?: Record<string, unknown>;
  /** The spec's meaning as plain JSON Schema, where a converter would need OpenAPI's rules (a discriminator). */
  meaning?: Record<string, unknown>;
  /** Values Tray's schema must refuse even where it is not `exact`. */
  refuses?: unknown[];
}

/** Two branches alike but for the discriminator: only the discriminator tells them apart. */
const COMPONENTS = {
  schemas: {
    Cat: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' }, name: { type: 'string' } } },
    Dog: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' }, name: { type: 'string' } } },
  },
};
const branch = (kinds: string[]) => ({
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { enum: kinds }, name: { type: 'string' } },
});

const integer = { type: 'integer' };
const SHAPES: Shape[] = [
  { name: 'string', schema: { type: 'string' }, exact: true },
  { name: 'integer with a minimum', schema: { type: 'integer', minimum: 1, format: 'int32' }, exact: true, tray: { type: 'integer' } },
  { name: 'number', schema: { type: 'number' }, exact: true },
  { name: 'boolean', schema: { type: 'boolean' }, exact: true },
  { name: 'nullable string (3.0)', schema: { type: 'string', nullable: true }, exact: true },
  { name: 'string or null (3.1)', schema: { type: ['string', 'null'] }, exact: true },
  { name: 'null (3.1)', schema: { type: 'null' }, exact: true, tray: { type: 'null' } },
  // Tray's builder lists a union's types in TypeScript's order (null first): the same schema.
  { name: 'nullable integer', schema: { type: 'integer', nullable: true }, exact: true, tray: { type: ['null', 'integer'] } },
  { name: 'array of integers', schema: { type: 'array', items: integer }, exact: true, tray: { items: { type: 'integer' } } },
  { name: 'array of nullable integers', schema: { type: 'array', items: { type: ['integer', 'null'] } }, exact: true },
  {
    name: 'map of strings',
    schema: { type: 'object', additionalProperties: { type: 'string' } },
    exact: true,
    tray: { additionalProperties: { type: 'string' } },
  },
  { name: 'map of integers', schema: { type: 'object', additionalProperties: integer }, exact: true },
  {
    name: 'map of objects',
    schema: { type: 'object', additionalProperties: { type: 'object', required: ['x'], properties: { x: integer } } },
    exact: true,
  },
  { name: 'any object (no declared properties)', schema: { type: 'object' }, exact: true },
  { name: 'object that takes no key', schema: { type: 'object', additionalProperties: false }, exact: true },
  {
    name: 'declared properties and more',
    schema: { type: 'object', required: ['id'], properties: { id: integer }, additionalProperties: true },
    exact: true,
  },
  {
    name: 'declared properties (closed, as Tray closes them)',
    schema: { type: 'object', required: ['id'], properties: { id: integer, note: { type: 'string', nullable: true } } },
    exact: true,
  },
  { name: 'nullable object', schema: { type: 'object', nullable: true, properties: { id: integer } }, exact: true },
  { name: 'string enum', schema: { type: 'string', enum: ['a', 'b'] }, exact: true },
  { name: 'integer enum', schema: { type: 'integer', enum: [1, 2] }, exact: true },
  { name: 'nullable enum', schema: { type: 'string', enum: ['a', null], nullable: true }, exact: true },
  { name: 'const (3.1)', schema: { const: 'x' }, exact: true, tray: { const: 'x' } },
  { name: 'date-time format', schema: { type: 'string', format: 'date-time' }, exact: true, tray: { format: 'date-time' } },
  // Integers wherever the spec says integer (29.1): inside unions, nested arrays, nullable maps, arrays of unions.
  { name: 'oneOf string or integer', schema: { oneOf: [{ type: 'string' }, integer] }, exact: true },
  { name: 'anyOf integer or string', schema: { anyOf: [integer, { type: 'string' }] }, exact: true },
  { name: 'integer or string (a type list)', schema: { type: ['integer', 'string'] }, exact: true, tray: { type: ['string', 'integer'] } },
  { name: 'integer, string or null (a type list)', schema: { type: ['integer', 'string', 'null'] }, exact: true },
  { name: 'oneOf integer or null (3.1)', schema: { oneOf: [integer, { type: 'null' }] }, exact: true },
  { name: 'array of arrays of integers', schema: { type: 'array', items: { type: 'array', items: integer } }, exact: true },
  { name: 'nullable array of integers', schema: { type: 'array', nullable: true, items: integer }, exact: true },
  { name: 'array of integer-or-string', schema: { type: 'array', items: { oneOf: [integer, { type: 'string' }] } }, exact: true },
  { name: 'nullable map of integers', schema: { type: 'object', nullable: true, additionalProperties: integer }, exact: true },
  { name: 'map of nullable integers', schema: { type: 'object', additionalProperties: { type: 'integer', nullable: true } }, exact: true },
  {
    name: 'map of arrays of integers',
    schema: { type: 'object', additionalProperties: { type: 'array', items: integer } },
    exact: true,
  },
  // The bound of a part without a type is not kept (Tray accepts -2), the integer is.
  { name: 'allOf of an integer and its bounds', schema: { allOf: [integer, { minimum: 0 }] }, exact: false, refuses: [2.5, -2.5] },
  {
    name: 'oneOf of an object with an integer or a string',
    schema: { oneOf: [{ type: 'object', required: ['x'], properties: { x: integer } }, { type: 'string' }] },
    exact: true,
  },
  {
    name: 'oneOf with a discriminator',
    schema: {
      oneOf: [
        { type: 'object', required: ['kind', 'name'], properties: { kind: { type: 'string', enum: ['cat'] }, name: { type: 'string' } } },
        { type: 'object', required: ['kind', 'bark'], properties: { kind: { type: 'string', enum: ['dog'] }, bark: { type: 'boolean' } } },
      ],
      discriminator: { propertyName: 'kind' },
    },
    exact: true,
  },
  {
    name: 'oneOf by a discriminator mapping alone',
    schema: {
      oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
      discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat', kitten: '#/components/schemas/Cat' } },
    },
    // OpenAPI: the mapping's keys name Cat, and Dog (not mapped) is named by its schema name.
    meaning: { oneOf: [branch(['cat', 'kitten']), branch(['Dog'])] },
    exact: true,
  },
  {
    name: 'allOf of two objects',
    schema: {
      allOf: [
        { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
        { type: 'object', properties: { b: integer } },
      ],
    },
    exact: true,
  },
];

/** The spec's schema as plain JSON Schema for ajv: 3.0's nullable as a null type, declared objects closed (Tray's builder closes them). */
function specJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(specJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const s: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'discriminator' && k !== 'nullable') s[k] = specJsonSchema(v);
  if (Array.isArray(s.allOf) && (s.allOf as Array<Record<string, any>>).every((p) => p.type === 'object' || p.properties)) {
    const parts = s.allOf as Array<Record<string, any>>;
    delete s.allOf;
    s.type = 'object';
    s.properties = Object.assign({}, ...parts.map((p) => p.properties));
    s.required = parts.flatMap((p) => p.required ?? []);
  }
  if (s.properties && !('additionalProperties' in s)) s.additionalProperties = false;
  if ((schema as Record<string, unknown>).nullable === true) {
    if (typeof s.type === 'string') s.type = [s.type, 'null'];
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  }
  return s;
}

async function shapeSpec(openapi: string): Promise<OpenApiDocument> {
  const properties = Object.fromEntries(SHAPES.map((shape, i) => [`v${i}`, shape.schema]));
  const body = { type: 'object', required: Object.keys(properties), properties };
  const document = {
    openapi,
    info: { title: 'Shapes', version: '1' },
    components: COMPONENTS,
    paths: {
      '/shapes': {
        post: {
          operationId: 'echo',
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: { 200: { description: 'ok', content: { 'application/json': { schema: body } } } },
        },
      },
    },
  };
  // Loaded as the import loads a spec: its $refs resolved, each branch remembering its name.
  const dir = tempDir('tc-shapes-');
  try {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document));
    return await loadOpenApi(path.join(dir, 'openapi.json'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PROBES: unknown[] = [
  null,
  true,
  0,
  1,
  2,
  7,
  -2,
  2.5,
  '',
  'x',
  'a',
  'b',
  '2024-01-02T03:04:05Z',
  [],
  [1, 2],
  [1.5],
  ['a'],
  [null],
  [1, null],
  {},
  { a: 1 },
  { a: 1.5 },
  { a: 'x' },
  { a: null },
  { a: { x: 1 } },
  { a: { x: 1.5 } },
  { a: { x: 1, y: 2 } },
  { id: 1 },
  { id: 1.5 },
  { id: 1, extra: 2 },
  { id: 1, note: null },
  { id: 1, note: 'n' },
  { kind: 'cat', name: 'x' },
  { kind: 'dog', bark: true },
  { kind: 'dog', name: 'x' },
  { kind: 'cat', name: 'x', bark: true },
  { kind: 'kitten' },
  { kind: 'Dog', name: 'x' },
  { kind: 'dog' },
  { kind: 'x' },
  { a: 'x', b: 2 },
  { a: 'x', b: 2.5 },
  { b: 2 },
  [[1, 2], []],
  [[1.5]],
  [[1], [2.5]],
  [1, 'a'],
  ['a', 2.5],
  { a: [1] },
  { a: [1.5] },
  { a: 1, b: null },
  { x: 1 },
  { x: 2.5 },
];

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });

describe('Tray schemas mean what the spec means (29.1, ajv on both sides)', () => {
  const built: Record<string, Record<string, any>> = {};
  beforeAll(async () => {
    for (const version of ['3.0.3', '3.1.0']) built[version] = traySchemas(importedFiles(await shapeSpec(version)));
  });
  const values = fc.sample(
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.integer(), fc.double(), fc.string()))),
    { numRuns: RUNS, seed: SEED },
  );

  it.each(['3.0.3', '3.1.0'])(
    'OpenAPI %s: keeps an integer response wrapped in value or items (a Tray output is an object) an integer, and a query parameter',
    async (openapi) => {
      const response = (schema: object) => ({ 200: { description: 'ok', content: { 'application/json': { schema } } } });
      const either = { oneOf: [integer, { type: 'string' }] };
      const document = {
        openapi,
        info: { title: 'Counts', version: '1' },
        paths: {
          '/count': { get: { operationId: 'count', responses: response({ type: 'integer', minimum: 0 }) } },
          '/ids': { get: { operationId: 'ids', responses: response({ type: 'array', items: integer }) } },
          '/grid': { get: { operationId: 'grid', responses: response({ type: 'array', items: { type: 'array', items: integer } }) } },
          '/mixed': { get: { operationId: 'mixed', responses: response({ type: 'array', items: either }) } },
          '/either': { get: { operationId: 'either', responses: response(either) } },
          '/maybe': { get: { operationId: 'maybe', responses: response({ type: 'integer', nullable: true }) } },
          '/page': {
            get: {
              operationId: 'page',
              parameters: [
                { name: 'ids', in: 'query', required: true, schema: { type: 'array', items: { oneOf: [integer, { type: 'string' }] } } },
                { name: 'size', in: 'query', required: true, schema: { anyOf: [integer, { type: 'string', enum: ['all'] }] } },
              ],
              responses: response({ type: 'object', properties: { n: integer } }),
            },
          },
        },
      };
      const schemas = traySchemas(importedFiles(document));
      const refuses = (schema: object, value: unknown) => !ajv.compile(schema)(value);
      expect(schemas['count/output.json'].properties.value).toMatchObject({ type: 'integer', minimum: 0 });
      expect(schemas['ids/output.json'].properties.items).toMatchObject({ type: 'array', items: { type: 'integer' } });
      expect(refuses(schemas['grid/output.json'].properties.items, [[1, 2.5]])).toBe(true);
      expect(refuses(schemas['mixed/output.json'].properties.items, [1, 2.5])).toBe(true);
      expect(refuses(schemas['either/output.json'].properties.value, 2.5)).toBe(true);
      expect(refuses(schemas['maybe/output.json'].properties.value, 2.5)).toBe(true);
      expect(refuses(schemas['page/input.json'].properties.ids, [1, 2.5])).toBe(true);
      expect(refuses(schemas['page/input.json'].properties.size, 2.5)).toBe(true);
      expect(refuses(schemas['page/input.json'].properties.size, 'all')).toBe(false);
    },
  );

  it("gives, through Tray's own builder (@trayio/tray-schema: its typescript-json-schema and TypeScript), the same schemas byte for byte", async () => {
    // The Integer alias must survive Tray's older TypeScript too (`number & {}` keeps it where `number` alone would not).
    const files = importedFiles(await shapeSpec('3.1.0'));
    const dir = tempDir('tc-shapes-tray-');
    try {
      writeFiles(dir, { 'input.ts': files['src/echo/input.ts'], 'output.ts': files['src/echo/output.ts'] });
      const { TJSTraySchemaGenerator } = require('@trayio/tray-schema/schema/TJSTraySchemaGenerator');
      for (const [kind, type] of [
        ['input', 'EchoInput'],
        ['output', 'EchoOutput'],
      ]) {
        const theirs = new TJSTraySchemaGenerator().generateFromType(type, path.join(dir, `${kind}.ts`));
        expect(theirs._tag).toBe('Right');
        expect(JSON.stringify(theirs.right)).toBe(JSON.stringify(built['3.1.0'][`echo/${kind}.json`]));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a connector of every shape that type-checks, its generated test (sample values) included', async () => {
    expect(typeErrors([importedFiles(await shapeSpec('3.1.0'))])).toEqual([]);
  });

  for (const version of ['3.0.3', '3.1.0'] as const) {
    for (const kind of ['input', 'output'] as const) {
      it.each(SHAPES.map((shape, i) => [shape.name, i] as const))(`OpenAPI ${version} ${kind}: %s`, (_name, i) => {
        const shape = SHAPES[i];
        const root = built[version][`echo/${kind}.json`];
        const tray = (kind === 'input' ? root.properties.body : root).properties[`v${i}`];
        if (shape.tray) expect(tray).toMatchObject(shape.tray);
        const spec = ajv.compile((shape.meaning ?? specJsonSchema(shape.schema)) as object);
        const trayCheck = ajv.compile(tray);
        const differences: string[] = [];
        for (const value of [...PROBES, ...values]) {
          const [specSays, traySays] = [spec(value), trayCheck(value)];
          if (specSays && !traySays) differences.push(`Tray refuses ${JSON.stringify(value)}`);
          if (shape.exact && !specSays && traySays) differences.push(`Tray accepts ${JSON.stringify(value)}`);
        }
        for (const value of shape.refuses ?? []) if (trayCheck(value)) differences.push(`Tray accepts ${JSON.stringify(value)}`);
        expect({ tray, differences }).toEqual({ tray, differences: [] });
      });
    }
  }
});
