// Issue 19.2: property-based. Specs whose every string that reaches generated code holds hostile
// text; every import must parse, never turn that text into code (no identifier of the payload in
// any syntax tree) and type-check with the real compiler. Fixed seed; TRAY_PROPERTY_RUNS=200 for a
// longer run (TRAY_PROPERTY_SEED picks another seed).
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOpenApi, type OpenApiDocument } from './load-spec';
import { codeIdentifiers, compileAndLoad, importedFiles, syntaxErrors, traySchemas } from './__fixtures__/imported-connector';

const RUNS = Number(process.env.TRAY_PROPERTY_RUNS || 5);
const SEED = Number(process.env.TRAY_PROPERTY_SEED || 19);
const SENTINEL = 'PWNED_BY_SPEC';

const fragments = [
  `*/${SENTINEL}()/*`,
  `**//${SENTINEL}()/**`,
  `\n${SENTINEL}()//`,
  `\r\n${SENTINEL}()//`,
  `\u2028${SENTINEL}()//`,
  `\u2029${SENTINEL}()//`,
  `\${${SENTINEL}()}`,
  `\`+${SENTINEL}()+\``,
  `'+${SENTINEL}()+'`,
  `"+${SENTINEL}()+"`,
  `\\'+${SENTINEL}()//`,
  `\0${SENTINEL}\u0000`,
  '@param x',
  'x'.repeat(3000),
];

/** Text made of hostile fragments and arbitrary characters. */
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 }), fc.constantFrom('{id}', '/', ' ')), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => parts.join(''));

const specArbitrary = fc.record({
  title: hostile,
  description: hostile,
  server: hostile,
  path: hostile,
  operationId: hostile,
  names: fc.record({ path: hostile, query: hostile, header: hostile, cookie: hostile, deep: hostile, scheme: hostile, prop: hostile }),
  text: fc.record({ enumValue: hostile, defaultValue: hostile, pattern: hostile, example: hostile, description: hostile }),
  schemeIn: fc.constantFrom('header', 'query', 'cookie', 'basic', 'bearer'),
});

type HostileSpec = typeof specArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Every generated .ts file parses and names no identifier made of spec text (the sentinel); returns the files. */
function expectSpecTextKeptAsData(files: Record<string, string>): Record<string, string> {
  for (const [rel, text] of Object.entries(files)) {
    if (!rel.endsWith('.ts')) continue;
    expect(syntaxErrors(text)).toEqual([]);
    expect(codeIdentifiers(text).has(SENTINEL) ? `${rel} runs spec text` : rel).toBe(rel);
  }
  return files;
}

/**
 * The connectors type-check, and loading every module (as Tray's runtime does) never calls the payload's
 * function: two operations' handlers per run.
 */
function expectLoadedWithoutRunningSpecText(connectors: Array<Record<string, string>>): void {
  const calls: string[] = [];
  (globalThis as Record<string, unknown>)[SENTINEL] = () => calls.push('called');
  try {
    const { errors, loaded } = compileAndLoad(connectors);
    expect(errors).toEqual([]);
    expect(loaded.filter((f) => f.endsWith('handler.js')).length).toBe(RUNS * 2);
  } finally {
    delete (globalThis as Record<string, unknown>)[SENTINEL];
  }
  expect(calls).toEqual([]);
}

/** The string schema and the body schema every hostile spec carries, whatever its OpenAPI version. */
function hostileSchemas(s: HostileSpec) {
  const str = {
    type: 'string',
    description: s.text.description,
    enum: [s.text.enumValue],
    default: s.text.defaultValue,
    pattern: s.text.pattern,
  };
  const body = {
    type: 'object',
    required: [s.names.prop],
    properties: { [s.names.prop]: { ...str, example: s.text.example, title: s.text.description } },
  };
  return { str, body };
}

function specFrom(s: HostileSpec): OpenApiDocument {
  const { str, body } = hostileSchemas(s);
  const scheme =
    s.schemeIn === 'basic' || s.schemeIn === 'bearer'
      ? { type: 'http', scheme: s.schemeIn }
      : { type: 'apiKey', in: s.schemeIn, name: s.names.scheme };
  return {
    openapi: '3.0.3',
    info: { title: s.title, description: s.description, version: '1' },
    servers: [{ url: s.server }],
    components: { securitySchemes: { [s.names.scheme]: scheme } },
    paths: {
      [`/a/{${s.names.path}}/${s.path}`]: {
        parameters: [{ name: s.names.path, in: 'path', required: true, description: s.description, schema: str }],
        post: {
          operationId: s.operationId,
          summary: s.title,
          description: s.description,
          parameters: [
            { name: s.names.query, in: 'query', required: true, schema: str },
            { name: s.names.header, in: 'header', schema: str },
            { name: s.names.cookie, in: 'cookie', schema: str },
            { name: s.names.deep, in: 'query', style: 'deepObject', schema: body },
            { name: `${s.names.query}j`, in: 'query', content: { 'application/json': { schema: body } } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: {
            200: { description: s.description, content: { 'application/json': { schema: { ...body, description: s.text.description } } } },
            // A typed error answer (29.2): its description and schema reach output.ts as comment words and types.
            default: {
              description: s.description,
              content: { 'application/json': { schema: { ...body, description: s.text.description } } },
            },
          },
        },
        get: { operationId: `${s.operationId}2`, responses: { 200: { description: s.description, content: { 'text/plain': {} } } } },
      },
    },
  };
}

/** The same hostile spec as Swagger 2.0 (issue 29.5): read from a file, converted by swagger2openapi, then imported. */
function swagger2From(s: HostileSpec): Record<string, unknown> {
  const { str, body } = hostileSchemas(s);
  const scheme =
    s.schemeIn === 'basic' ? { type: 'basic' } : { type: 'apiKey', in: s.schemeIn === 'query' ? 'query' : 'header', name: s.names.scheme };
  const param = (name: string, where: string, required = false) => ({ name, in: where, required, ...str });
  return {
    swagger: '2.0',
    info: { title: s.title, description: s.description, version: '1' },
    host: 'api.example.com',
    basePath: `/${s.server}`,
    schemes: ['https'],
    securityDefinitions: { [s.names.scheme]: scheme },
    security: [{ [s.names.scheme]: [] }],
    definitions: { Body: body },
    paths: {
      [`/a/{${s.names.path}}/${s.path}`]: {
        parameters: [{ ...param(s.names.path, 'path', true), description: s.description }],
        post: {
          operationId: s.operationId,
          summary: s.title,
          description: s.description,
          consumes: ['application/json'],
          produces: ['application/json'],
          parameters: [
            param(s.names.query, 'query', true),
            param(s.names.header, 'header'),
            { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Body' } },
          ],
          responses: {
            200: { description: s.description, schema: { ...body, description: s.text.description } },
            default: { description: s.description, schema: { $ref: '#/definitions/Body' } },
          },
        },
        put: {
          operationId: `${s.operationId}2`,
          consumes: ['application/x-www-form-urlencoded'],
          parameters: [param(s.names.deep, 'formData', true)],
          responses: { 200: { description: s.description, schema: { $ref: '#/definitions/Body' } } },
        },
      },
    },
  };
}

describe('import of hostile specs (property, 19.2)', () => {
  it(`Swagger 2.0: never turns spec text (through the converter) into code and always type-checks (${RUNS} runs, seed ${SEED})`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-property-swagger2-'));
    const connectors: Array<Record<string, string>> = [];
    try {
      await fc.assert(
        fc.asyncProperty(specArbitrary, async (s) => {
          const file = path.join(dir, 'swagger.json');
          fs.writeFileSync(file, JSON.stringify(swagger2From(s)));
          connectors.push(expectSpecTextKeptAsData(importedFiles(await loadOpenApi(file))));
        }),
        { numRuns: RUNS, seed: SEED },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expectLoadedWithoutRunningSpecText(connectors);
  });

  it(`never turns spec text into code and always type-checks (${RUNS} runs, seed ${SEED})`, () => {
    const connectors: Array<Record<string, string>> = [];
    fc.assert(
      fc.property(specArbitrary, (s) => {
        connectors.push(expectSpecTextKeptAsData(importedFiles(specFrom(s))));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Loading every module (as Tray's runtime does) must not call the payload's function.
    expectLoadedWithoutRunningSpecText(connectors);
  });
});

// Issue 28.3: JSDoc tags in every text field of the spec. The importer writes spec text into JSDoc,
// which typescript-json-schema (Tray's schema builder) reads for tags: a tag in a description, a
// title or a default must not change Tray's schema. Each run builds the connector for real
// (core/build) and compares its schemas with those of the same spec with plain words.
const TAGS = [
  '@ignore',
  '@type as documented.',
  '@TJS-type integer',
  '@TJS-ignore',
  '@lookupOperation list_x',
  '@lookupInput {}',
  '@enumLabels A, B',
  '@advanced true',
  '@items.type integer',
  '@additionalProperties true',
  '@minimum 5',
  '@format int32',
  '@pattern ^x$',
  '@default 1',
  '@title Other',
  '@description other',
  '@asType integer',
  '{@link Other}',
  'e.g. @octocat.',
  '(@me)',
  'jane@example.com',
  'require("./x.json")',
  '@',
  '@@x',
];
const taggedText = fc
  .array(
    fc.oneof(fc.constantFrom(...TAGS), fc.constantFrom(' ', '\n', '\n * ', ', ', '*'), fc.stringMatching(/^[A-Za-z0-9 .,:@-]{0,6}$/)),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join('').trim() || '@ignore');

const textArbitrary = fc.record({
  title: taggedText,
  description: taggedText,
  summary: taggedText,
  propDescription: taggedText,
  propTitle: taggedText,
  defaultValue: taggedText,
  pattern: taggedText,
  format: taggedText,
  enumValue: taggedText,
  paramDescription: taggedText,
  responseDescription: taggedText,
});
type SpecText = typeof textArbitrary extends fc.Arbitrary<infer T> ? T : never;

function textSpec(t: SpecText): OpenApiDocument {
  const body = {
    type: 'object',
    description: t.description,
    title: t.title,
    required: ['s', 'n'],
    properties: {
      s: {
        type: 'string',
        description: t.propDescription,
        title: t.propTitle,
        default: t.defaultValue,
        pattern: t.pattern,
        format: t.format,
      },
      n: { type: 'integer', description: t.propDescription, minimum: 1 },
      e: { type: 'string', description: t.propDescription, enum: [t.enumValue] },
      o: {
        type: 'object',
        description: t.description,
        properties: { deep: { type: 'boolean', description: t.propDescription, title: t.propTitle } },
      },
    },
  };
  return {
    openapi: '3.0.3',
    info: { title: t.title, description: t.description, version: '1' },
    paths: {
      '/things': {
        post: {
          operationId: 'makeThing',
          summary: t.summary,
          description: t.description,
          parameters: [
            { name: 'q', in: 'query', required: true, description: t.paramDescription, schema: { type: 'string', title: t.propTitle } },
          ],
          requestBody: { required: true, description: t.description, content: { 'application/json': { schema: body } } },
          responses: {
            200: { description: t.responseDescription, content: { 'application/json': { schema: body } } },
            '4XX': { description: t.responseDescription, content: { 'application/json': { schema: { ...body, title: t.title } } } },
          },
        },
      },
    },
  };
}

const PLAIN: SpecText = {
  title: 'T',
  description: 'D',
  summary: 'S',
  propDescription: 'P',
  propTitle: 'PT',
  defaultValue: 'dv',
  pattern: 'pa',
  format: 'fo',
  enumValue: 'ev',
  paramDescription: 'PD',
  responseDescription: 'RD',
};

/** A Tray schema with the spec's words taken out: each text value checked against `t` first, then a placeholder. */
function withoutText(node: unknown, t: SpecText, where: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n, i) => withoutText(n, t, [...where, String(i)]));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const at = [...where, key].join('.');
    if (key === 'description') {
      // Tray's description is the spec's words, every tag-starting @ as a full-width one.
      expect(typeof value).toBe('string');
      out[key] = '<description>';
    } else if (key === 'title' && typeof value === 'string') {
      expect([t.title, t.propTitle].map((x) => x.trim())).toContain(value);
      out[key] = '<title>';
    } else if (['default', 'pattern', 'format'].includes(key) && where[where.length - 1] === 's') {
      expect({ at, value }).toEqual({ at, value: { default: t.defaultValue, pattern: t.pattern, format: t.format }[key] });
      out[key] = `<${key}>`;
    } else if (key === 'const' || key === 'enum' || key === 'enumLabels') {
      if (key !== 'enumLabels') expect(value).toEqual(key === 'const' ? t.enumValue : [t.enumValue]);
      out[key] = `<${key}>`;
    } else out[key] = withoutText(value, t, [...where, key]);
  }
  return out;
}

const words = (text: string) =>
  text
    .replace(/(?<![A-Za-z0-9])@/g, '\uff20')
    .replace(/[\s*]+/g, ' ')
    .trim();

describe('spec text in JSDoc (property, 28.3)', () => {
  const plain = traySchemas(importedFiles(textSpec(PLAIN)));

  it("takes the repro texts as words: no tag reaches Tray's schema", () => {
    const built = traySchemas(
      importedFiles(
        textSpec({
          ...PLAIN,
          propDescription: 'The GitHub login, e.g. @octocat. Pick the kind with @type as documented.',
          propTitle: 'Account id @ignore @lookupOperation list_x @lookupInput {}',
          defaultValue: 'none @TJS-type integer',
        }),
      ),
    );
    const s = built['make_thing/input.json'].properties.body.properties.s;
    expect(s).toMatchObject({
      type: 'string',
      title: 'Account id @ignore @lookupOperation list_x @lookupInput {}',
      default: 'none @TJS-type integer',
      description: 'The GitHub login, e.g. \uff20octocat. Pick the kind with \uff20type as documented.',
    });
    expect(s.lookup).toBeUndefined();
    expect([...built['make_thing/input.json'].properties.body.required].sort()).toEqual(['n', 's']);
  });

  it(`leaves Tray's schema as the plain spec's but for the words (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(
      fc.property(textArbitrary, (t) => {
        const built = traySchemas(importedFiles(textSpec(t)));
        expect(Object.keys(built).sort()).toEqual(Object.keys(plain).sort());
        for (const file of Object.keys(plain)) expect(withoutText(built[file], t)).toEqual(withoutText(plain[file], PLAIN));
        const s = built['make_thing/input.json'].properties.body.properties.s;
        expect(words(s.description)).toBe(words(t.propDescription));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
