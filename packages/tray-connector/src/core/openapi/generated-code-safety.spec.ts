// Issue 19.1 / 19.5 / 22.7: spec text reaches generated TypeScript only as literals and comment words.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOpenApi, type OpenApiDocument } from './load-spec';
import { planImport } from './import-plan';
import { codeIdentifiers, importedFiles, syntaxErrors, typeErrors } from './__fixtures__/imported-connector';

const PAYLOAD = 'globalThis.PWNED_BY_SPEC=1';
const ok = { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };

function doc(extra: Partial<OpenApiDocument>): OpenApiDocument {
  return { openapi: '3.0.3', info: { title: 'Demo', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths: {}, ...extra };
}

/** The generated .ts files in which the payload became code (an identifier), or had a syntax error. */
function escapes(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([rel]) => rel.endsWith('.ts'))
    .flatMap(([rel, text]) => [
      ...(codeIdentifiers(text).has('PWNED_BY_SPEC') ? [`${rel}: the spec's text became code`] : []),
      ...syntaxErrors(text).map((e) => `${rel}: ${e}`),
    ]);
}

const hostile: Array<[string, OpenApiDocument]> = [
  ['a path key closing the JSDoc', doc({ paths: { [`/x*/;${PAYLOAD};/*`]: { get: { responses: ok } } } })],
  ['an operationId closing the comment', doc({ paths: { '/a': { get: { operationId: `list*/;${PAYLOAD};/*`, responses: ok } } } })],
  [
    'a newline in an operationId ending the // line',
    doc({ paths: { '/b': { get: { operationId: `list\n${PAYLOAD};//`, responses: ok } } } }),
  ],
  [
    'U+2028 in an operationId ending the // line',
    doc({ paths: { '/c': { get: { operationId: `list\u2028${PAYLOAD};//`, responses: ok } } } }),
  ],
  [
    'a cookie parameter name in a template literal',
    doc({
      paths: { '/d': { get: { parameters: [{ name: `s\${${PAYLOAD}}`, in: 'cookie', schema: { type: 'string' } }], responses: ok } } },
    }),
  ],
  [
    'a header parameter name',
    doc({
      paths: { '/e': { get: { parameters: [{ name: `h'\${${PAYLOAD}}`, in: 'header', schema: { type: 'string' } }], responses: ok } } },
    }),
  ],
  [
    'a deepObject query name in a template literal',
    doc({
      paths: {
        '/f': {
          get: {
            parameters: [
              {
                name: `q\${${PAYLOAD}}`,
                in: 'query',
                style: 'deepObject',
                schema: { type: 'object', properties: { a: { type: 'string' } } },
              },
            ],
            responses: ok,
          },
        },
      },
    }),
  ],
  [
    'an apiKey cookie scheme name in a template literal',
    doc({
      paths: { '/g': { get: { responses: ok } } },
      components: { securitySchemes: { key: { type: 'apiKey', in: 'cookie', name: `k\${${PAYLOAD}}` } } },
    }),
  ],
  [
    'an error answer closing the JSDoc of its type',
    doc({
      paths: {
        '/e2': {
          get: {
            responses: {
              ...ok,
              [`404`]: {
                description: `*/;${PAYLOAD};/**`,
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      description: `**//;${PAYLOAD};/*`,
                      properties: { message: { type: 'string', description: `*/${PAYLOAD}` }, [`m*/;${PAYLOAD};/*`]: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    }),
  ],
  [
    'a basic-auth title bypassing the */ filter with **//',
    doc({
      info: { title: `Demo **//;${PAYLOAD};/**`, version: '1' },
      paths: { '/h': { get: { responses: ok } } },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
    }),
  ],
];

hostile.push(
  [
    'a multipart file part name and field name in a template literal (29.4)',
    doc({
      paths: {
        '/u': {
          post: {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    properties: {
                      [`f'\${${PAYLOAD}}`]: { type: 'string', format: 'binary', description: `*/${PAYLOAD}/*` },
                      [`n\`\${${PAYLOAD}}`]: { type: 'string' },
                    },
                  },
                },
              },
            },
            responses: ok,
          },
        },
      },
    }),
  ],
  [
    'an octet-stream media type and an apiKey header name the test checks (29.3, 29.4)',
    doc({
      paths: { '/o': { put: { requestBody: { content: { [`image/x'\${${PAYLOAD}}`]: {} } }, responses: ok } } },
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: `X'\${${PAYLOAD}}` } } },
    }),
  ],
  [
    'OAuth 2 URLs and scopes, and error words of the declared error schema (29.2, 29.3)',
    doc({
      paths: {
        '/e': {
          get: {
            responses: {
              ...ok,
              [`4XX`]: {
                description: `*/${PAYLOAD}/*`,
                content: { 'application/json': { schema: { properties: { message: { type: 'string', description: `*/${PAYLOAD}` } } } } },
              },
            },
          },
        },
      },
      components: {
        securitySchemes: {
          o: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `https://x*/${PAYLOAD}/*`, scopes: { [`s*/${PAYLOAD}`]: '' } } } },
        },
      },
    }),
  ],
);

describe('generated code keeps spec text as data (19.1)', () => {
  it.each(hostile)('%s stays a literal or comment text', (_what, spec) => {
    expect(escapes(importedFiles(spec))).toEqual([]);
  });
});

describe('names that break checkouts or tests (19.5)', () => {
  it('gives Windows reserved names a suffix (any case)', () => {
    const paths: Record<string, object> = {};
    ['CON', 'prn', 'Aux', 'NUL', 'com1', 'LPT9'].forEach((opId, i) => (paths[`/r${i}`] = { get: { operationId: opId, responses: ok } }));
    const folders = new Set(Object.keys(importedFiles(doc({ paths }))).map((rel) => rel.split('/')[1]));
    for (const reserved of ['con', 'prn', 'aux', 'nul', 'com1', 'lpt9']) {
      expect(folders.has(reserved)).toBe(false);
      expect(folders.has(`${reserved}_op`)).toBe(true);
    }
  });

  it('path-item parameters reach every method, in the handler and in its test', () => {
    const files = importedFiles(
      doc({
        paths: {
          '/pets/{petId}': {
            parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
            get: { operationId: 'getPet', responses: ok },
            delete: { operationId: 'deletePet', responses: { 204: { description: 'gone' } } },
          },
        },
      }),
    );
    for (const op of ['get_pet', 'delete_pet']) {
      expect(files[`src/${op}/input.ts`]).toContain('petId: string;');
      expect(files[`src/${op}/handler.test.ts`]).toContain("expect(request.url).toBe('/pets/petId%20x%201');");
    }
  });

  it('parameters and properties named __proto__, constructor or prototype type-check (with the rest, by tsc)', () => {
    const inherited = ['__proto__', 'constructor', 'prototype'];
    const connectors = [
      ...hostile.map(([, spec]) => importedFiles(spec)),
      importedFiles(
        doc({
          paths: {
            '/p': {
              post: {
                parameters: inherited.map((name) => ({ name, in: 'query', required: true, schema: { type: 'string' } })),
                requestBody: {
                  required: true,
                  content: {
                    'application/json': {
                      schema: {
                        type: 'object',
                        required: inherited,
                        properties: Object.fromEntries(inherited.map((n) => [n, { type: 'string' }])),
                      },
                    },
                  },
                },
                responses: ok,
              },
            },
          },
        }),
      ),
    ];
    expect(typeErrors(connectors)).toEqual([]);
  });
});

describe('names that break generated requests or tests (28.10)', () => {
  it('optional properties named like Object.prototype members (constructor, toString...) type-check in the generated test', () => {
    // __proto__ has its own test (19.5): a sample holding it is written as JSON.parse, untyped.
    const members = Object.getOwnPropertyNames(Object.prototype).filter((n) => n !== '__proto__');
    const body = { type: 'object', properties: Object.fromEntries(members.map((n) => [n, { type: 'integer' }])) };
    const json = (schema: object) => ({ 'application/json': { schema } });
    const files = importedFiles(
      doc({
        paths: {
          '/p': {
            post: {
              operationId: 'p',
              requestBody: {
                required: true,
                content: json({ type: 'object', required: ['nested'], properties: { nested: body, ...body.properties } }),
              },
              responses: { 200: { description: 'ok', content: json(body) } },
            },
          },
        },
      }),
    );
    expect(files['src/p/handler.test.ts']).toContain('constructor: 1');
    expect(typeErrors([files])).toEqual([]);
  });

  it('leaves out a header parameter or an API-key scheme whose name is not an HTTP header name, saying which', () => {
    const bad = 'X Api:Key';
    const spec = doc({
      components: { securitySchemes: { badKey: { type: 'apiKey', in: 'header', name: bad }, token: { type: 'http', scheme: 'bearer' } } },
      paths: {
        '/opt': { get: { operationId: 'opt', parameters: [{ name: bad, in: 'header', schema: { type: 'string' } }], responses: ok } },
        '/req': {
          get: {
            operationId: 'req',
            parameters: [{ name: 'x\u00e9', in: 'header', required: true, schema: { type: 'string' } }],
            responses: ok,
          },
        },
      },
    });
    const plan = planImport(spec, { connectorName: 'demo', authType: 'DemoAuth', baseUrlEnv: 'DEMO_BASE_URL', newConnector: true });
    expect(plan.auth).toMatchObject({ via: 'bearer', scheme: 'token' });
    expect(plan.notes).toContain(
      `security scheme badKey: "X Api:Key" is not a valid HTTP header name (RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~ only), so no request could carry it`,
    );
    expect(plan.operations.map((o) => o.name)).toEqual(['opt']);
    expect(plan.operations[0].files['input.ts']).not.toContain('Api:Key');
    expect(plan.operations[0].notes.join('\n')).toContain(
      'optional header parameter "X Api:Key" is left out of the input: its name is not a valid HTTP header name',
    );
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        path: '/req',
        reason: expect.stringContaining('header "x\u00e9": its name is not a valid HTTP header name (RFC 9110 token'),
      }),
    ]);
  });
});

describe('requests exactly as the spec describes them (22.2)', () => {
  it('sends a content: application/json query parameter as one JSON value (Directus filter), tested with every parameter', () => {
    const files = importedFiles(
      doc({
        paths: {
          '/items': {
            get: {
              operationId: 'readItems',
              parameters: [
                { name: 'filter', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } },
                { name: 'limit', in: 'query', schema: { type: 'integer' } },
              ],
              responses: ok,
            },
          },
        },
      }),
    );
    expect(files['src/read_items/handler.ts']).toContain("content: 'json'");
    expect(files['src/read_items/handler.test.ts']).toContain("expect(request.url).toBe('/items?filter=%7B%7D&limit=1');");
  });

  it('lists a parameter it cannot serialize faithfully instead of sending it wrongly', () => {
    const exploded = { name: 'ids', in: 'cookie', explode: true, schema: { type: 'array', items: { type: 'string' } } };
    const optional = importedFiles(doc({ paths: { '/c': { get: { operationId: 'c', parameters: [exploded], responses: ok } } } }));
    expect(optional['src/c/input.ts']).not.toContain('ids');
    const plan = planImport(
      doc({ paths: { '/c': { get: { operationId: 'c', parameters: [{ ...exploded, required: true }], responses: ok } } } }),
      {
        connectorName: 'demo',
        authType: 'DemoAuth',
        baseUrlEnv: 'DEMO_BASE_URL',
        newConnector: true,
      },
    );
    expect(plan.skipped[0].reason).toMatch(/cookie "ids": an exploded array or object in a cookie has no defined form/);
  });
});

describe('small things (22.7)', () => {
  it('maps a text-like response (application/text, text/csv, x+text) to text, not a file', () => {
    for (const mediaType of ['application/text', 'text/csv', 'application/vnd.acme+text']) {
      const files = importedFiles(
        doc({
          paths: { '/t': { get: { operationId: 'getText', responses: { 200: { description: 'ok', content: { [mediaType]: {} } } } } } },
        }),
      );
      expect(files['src/get_text/output.ts']).toContain('text: string;');
    }
  });

  it('imported handlers share one helper file instead of a copy of text() each', () => {
    const paths: Record<string, object> = {};
    for (let i = 0; i < 3; i++)
      paths[`/things${i}/{id}`] = {
        get: {
          operationId: `getThing${i}`,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: ok,
        },
      };
    const files = importedFiles(doc({ paths }));
    for (let i = 0; i < 3; i++) {
      expect(files[`src/get_thing${i}/handler.ts`]).not.toMatch(/const text =/);
      expect(files[`src/get_thing${i}/handler.ts`]).toContain("from '../http-parameters';");
    }
    expect(files['src/http-parameters.ts']).toContain('export function withParameters');
  });
});

describe('errors, auth and files type-check in every combination (issue 29.2-29.4)', () => {
  const error = (schema: object) => ({ description: 'e', content: { 'application/json': { schema } } });
  const paths = {
    '/files': {
      get: {
        responses: {
          ...ok,
          404: error({ properties: { error: { properties: { message: { type: 'string' }, code: { type: 'integer' } } } } }),
          default: error({ properties: { status: { type: 'integer' }, err: { type: 'string' } } }),
        },
      },
      post: {
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: { file: { type: 'string', format: 'binary' }, note: { type: 'string' }, n: { type: 'integer' } },
              },
            },
          },
        },
        responses: { 201: { description: 'made' }, '4XX': error({ properties: { message: { type: 'string' } } }) },
      },
      put: {
        requestBody: { required: true, content: { 'application/octet-stream': {} } },
        responses: { 204: { description: 'ok' }, default: error({ properties: { message: { type: 'string' } } }) },
      },
      patch: {
        requestBody: { content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          200: { description: 'text', content: { 'text/csv': {} } },
          default: error({ properties: { message: { type: 'string' } } }),
        },
      },
    },
  };
  const schemes: Record<string, object> = {
    bearer: { type: 'http', scheme: 'bearer' },
    basic: { type: 'http', scheme: 'basic' },
    header: { type: 'apiKey', in: 'header', name: 'X-Key' },
    query: { type: 'apiKey', in: 'query', name: 'key' },
    cookie: { type: 'apiKey', in: 'cookie', name: 'sid' },
    cc: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://t', scopes: {} } } },
  };

  it('every auth scheme with JSON, empty and text answers, multipart and file bodies (by tsc, strict)', () => {
    const connectors = Object.entries(schemes).map(([name, scheme]) =>
      importedFiles(doc({ paths, components: { securitySchemes: { [name]: scheme } } })),
    );
    const [bearer] = connectors;
    expect(
      Object.keys(bearer)
        .filter((f) => /^src\/[A-Za-z-]+\.ts$/.test(f))
        .sort(),
    ).toEqual(['src/DemoAuth.ts', 'src/GlobalConfig.ts', 'src/api-error.ts', 'src/http-files.ts']);
    expect(bearer['src/patch_files/handler.ts']).toContain('.withErrorHandling(() =>');
    expect(bearer['src/patch_files/handler.ts']).toContain(
      'input.body === undefined ? request.withoutBody() : request.withContentType(input.body.mime_type).withBodyAsFile(input.body)',
    );
    expect(bearer['src/put_files/handler.ts']).toContain('.parseWithBodyAsJson(() => OperationHandlerResult.success({}))');
    // Every declared error answer is typed (29.2); the handler reads the answer as that type where it reads it.
    expect(bearer['src/get_files/output.ts']).toContain('export type GetFilesError = GetFilesError404 | GetFilesErrorDefault;');
    expect(bearer['src/get_files/output.ts']).toContain('export type GetFilesErrorDefault = {\n\tstatus?: Integer;\n\terr?: string;\n};');
    expect(bearer['src/get_files/handler.ts']).toContain('const body = answer as unknown as GetFilesError;');
    expect(bearer['src/post_files/output.ts']).toContain('export type PostFilesError = {\n\tmessage?: string;\n};');
    expect(bearer['src/patch_files/output.ts']).toContain('export type PatchFilesError = {');
    expect(bearer['src/patch_files/handler.ts']).not.toContain('PatchFilesError');
    expect(typeErrors(connectors)).toEqual([]);
  });
});

describe('typed error answers (29.2)', () => {
  it('writes a schema that several error answers share ($ref) once, and the connector type-checks', async () => {
    const problem = { type: 'object', required: ['message'], properties: { message: { type: 'string' }, details: {} } };
    const ref = { description: 'e', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-errors-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'openapi.json'),
        JSON.stringify(
          doc({
            components: { schemas: { Problem: problem } },
            paths: { '/p': { get: { operationId: 'getP', responses: { ...ok, 400: ref, 404: ref, default: ref } } } },
          }),
        ),
      );
      const files = importedFiles(await loadOpenApi(path.join(dir, 'openapi.json')));
      const output = files['src/get_p/output.ts'];
      expect(output.match(/^export type \w+/gm)).toEqual(['export type GetPOutput', 'export type GetPError']);
      expect(output).toContain('(HTTP 400, 404, default), as the document declares it.');
      expect(files['src/get_p/handler.ts']).toContain('const body = answer as unknown as GetPError;');
      expect(typeErrors([files])).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one formatting style (29.8)', () => {
  it("indents every file the import writes with tabs, as the CDK's templates do (JSDoc continuations ' *' after them)", async () => {
    const kratos = await loadOpenApi(path.resolve(__dirname, '../../../../../e2e/tray-connector-e2e/fixtures/openapi/ory-kratos/api.json'));
    const nested = {
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'object', required: ['b'], properties: { b: { type: 'array', items: { type: 'integer' } } } } },
    };
    const basic = doc({
      components: { securitySchemes: { u: { type: 'http', scheme: 'basic' } } },
      paths: {
        '/n': {
          post: {
            operationId: 'n',
            parameters: [{ name: 'f', in: 'query', style: 'deepObject', required: true, schema: nested }],
            requestBody: { required: true, content: { 'application/json': { schema: nested } } },
            responses: { 200: { description: 'ok', content: { 'application/json': { schema: nested } } } },
          },
        },
      },
    });
    const files = {
      ...importedFiles(kratos),
      ...Object.fromEntries(Object.entries(importedFiles(basic)).map(([k, v]) => [`basic/${k}`, v])),
    };
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'src/http-parameters.ts',
        'src/GlobalConfig.ts',
        'test.ctx.example.json',
        'basic/src/test.ctx.json',
        'basic/src/DemoAuth.ts',
      ]),
    );
    const misindented = Object.entries(files).flatMap(([rel, text]) =>
      text
        .split('\n')
        .map((line, i) => [line, i] as const)
        .filter(([line]) => !/^\t*(\S|$| \*)/.test(line))
        .map(([line, i]) => `${rel}:${i + 1}: ${JSON.stringify(line.slice(0, 40))}`),
    );
    expect(misindented.slice(0, 10)).toEqual([]);
  });
});
