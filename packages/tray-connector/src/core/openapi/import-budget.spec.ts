import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ImportBudget, ImportBudgetError } from './import-budget';
import { planImport } from './import-plan';
import { loadOpenApi } from './load-spec';

const BOMBS = path.join(__dirname, '__fixtures__', 'bombs');
const plan = (doc: Parameters<typeof planImport>[0], budget?: { nodes: number; bytes: number; values?: number }) =>
  planImport(doc, { connectorName: 'bomb', authType: 'BombAuth', baseUrlEnv: 'BOMB_BASE_URL', newConnector: true, budget });

describe('the import budget', () => {
  it('ends the 1.8 KB YAML alias bomb (12 levels x 10 aliases) with an error naming the operation', async () => {
    const doc = await loadOpenApi(path.join(BOMBS, 'alias-bomb.yaml'));
    expect(() => plan(doc)).toThrow(ImportBudgetError);
    expect(() => plan(doc)).toThrow(
      /^The import budget ran out at operation get_bomb \(GET \/bomb\): more than 1000000 schema nodes visited \(one budget for the whole spec: .*a YAML alias or \$ref bomb\?\): leave it out with --operations or --tags/,
    );
  });

  it('ends the 7 KB JSON $ref bomb the same way', async () => {
    const doc = await loadOpenApi(path.join(BOMBS, 'ref-bomb.json'));
    expect(() => plan(doc)).toThrow(
      /^The import budget ran out at operation post_bomb \(POST \/bomb\): more than 1000000 schema nodes visited/,
    );
  });

  it('writes a bomb whose samples stay small as named types, each level once', async () => {
    // The same 12 x 10 levels, but nothing required: the sample is {} and the types are all that grows.
    const text = fs.readFileSync(path.join(BOMBS, 'alias-bomb.yaml'), 'utf8').replace(/required: \[[a-j,]+\], /g, '');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bomb-'));
    try {
      fs.writeFileSync(path.join(dir, 'openapi.yaml'), text);
      const doc = await loadOpenApi(path.join(dir, 'openapi.yaml'));
      const output = plan(doc).operations[0].files['output.ts'];
      // YAML aliases have no name: Shared, Shared2... (a shared $ref is named after it: see schema-to-typescript.spec.ts).
      expect(output).toContain('export type GetBombOutput = {\n\ta?: Shared11;\n');
      expect(output).toContain('type Shared = {\n\ta?: string;\n');
      for (let i = 2; i <= 11; i++) expect(output).toContain(`type Shared${i} = {\n\ta?: Shared${i === 2 ? '' : i - 1};\n`);
      expect(output.match(/^type \w+ = /gm)).toHaveLength(11);
      expect(output.length).toBeLessThan(10_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts bytes too: a huge minLength or a long repeated description ends the import, naming the operation', () => {
    const doc = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: {
        '/a': { get: { operationId: 'fine', responses: { '204': { description: 'none' } } } },
        '/b': {
          post: {
            operationId: 'hugeSample',
            requestBody: { required: true, content: { 'application/json': { schema: { type: 'string', minLength: 1e12 } } } },
            responses: { '204': { description: 'none' } },
          },
        },
      },
    };
    expect(() => plan(doc)).toThrow(
      /^The import budget ran out at operation huge_sample \(POST \/b\): more than 67108864 bytes of code generated/,
    );
    expect(() => plan(doc, { nodes: 1_000_000, bytes: 1000 })).toThrow(/at operation fine \(GET \/a\): more than 1000 bytes/);
  });

  it('counts every enum value before writing it: a spec with 2,000,000 values (22 MB) ends naming the operation and the limit (28.6)', () => {
    const values = Array.from({ length: 2_000_000 }, (_, i) => `v${i}`);
    const doc = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: {
        '/e': {
          get: {
            operationId: 'hugeEnum',
            parameters: [{ name: 'kind', in: 'query', schema: { type: 'string', enum: values } }],
            responses: { '204': { description: 'none' } },
          },
        },
      },
    };
    expect(() => plan(doc)).toThrow(
      /^The import budget ran out at operation huge_enum \(GET \/e\): more than 1000000 values \(enum values, consts, defaults\) written \(one budget for the whole spec: 1000000 schema nodes, 1000000 values, 67108864 bytes of code\)/,
    );
    // The values of every operation count against one budget: consts, defaults and the test's sample values too (2 enum values, a default, a sample: 4).
    const small = { nodes: 1_000_000, bytes: 64 * 1024 * 1024, values: 4 };
    const few = {
      ...doc,
      paths: {
        '/e': {
          get: {
            ...doc.paths['/e'].get,
            parameters: [{ name: 'k', in: 'query', schema: { type: 'string', enum: ['a', 'b'], default: 'a' } }],
          },
        },
      },
    };
    expect(() => plan(few, small)).not.toThrow();
    const withConst = {
      ...few,
      paths: {
        ...few.paths,
        '/c': {
          get: {
            operationId: 'c',
            parameters: [{ name: 'k', in: 'query', schema: { const: 'x' } }],
            responses: { '204': { description: 'none' } },
          },
        },
      },
    };
    expect(() => plan(withConst, small)).toThrow(/at operation c \(GET \/c\): more than 4 values/);
  });

  it('ends an allOf bomb (which the output wrapper walks too)', () => {
    const schemas: Record<string, object> = { L0: { type: 'object', properties: { a: { type: 'string' } } } };
    for (let i = 1; i <= 12; i++)
      schemas[`L${i}`] = { allOf: Array.from({ length: 10 }, () => ({ $ref: `#/components/schemas/L${i - 1}` })) };
    const levels: Record<string, any> = {};
    // Dereferenced by hand the way the loader does it: every $ref to a level is the same object.
    for (let i = 0; i <= 12; i++) levels[i] = i === 0 ? schemas.L0 : { allOf: Array.from({ length: 10 }, () => levels[i - 1]) };
    const doc = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: {
        '/c': {
          get: {
            operationId: 'allOfBomb',
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: levels[12] } } } },
          },
        },
      },
    };
    expect(() => plan(doc)).toThrow(/^The import budget ran out at operation all_of_bomb \(GET \/c\)/);
  });

  it('runs nested work as the operation and restores the one before', () => {
    const budget = new ImportBudget({ nodes: 2, bytes: 100 });
    expect(budget.run('a', () => budget.run('b', () => budget.operation))).toBe('b');
    expect(budget.operation).toBeUndefined();
    expect(
      budget.run(
        'c',
        () => 'abc',
        (r) => r.length,
      ),
    ).toBe('abc');
    expect(budget.bytes).toBe(3);
    budget.visit();
    budget.visit();
    expect(() => budget.run('d', () => budget.visit())).toThrow(/at operation d: more than 2 schema nodes visited/);
  });
});
