import * as fs from 'fs';
import * as path from 'path';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 14, point 1: `nx run-many -t build --batch` builds every connector of the batch from one
 * TypeScript program. In a fresh workspace with the packed plugin: four connectors (two with the same
 * operation names, one importing a workspace library) and one with a type error. The batch fails only
 * the broken task, with its own message; the others' zips are byte-identical to the single builds';
 * a warm `--batch` run is all cache hits.
 */

jest.setTimeout(15 * 60 * 1000);

const GOOD = ['alpha', 'beta', 'gamma', 'delta'];
const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

function writeConnector(ws: TestWorkspace, name: string, operations: Record<string, string>, importsLibrary = false): void {
  const dir = `connectors/${name}`;
  const auth = `${pascal(name)}Auth`;
  ws.write(
    `${dir}/connector.json`,
    JSON.stringify(
      { name, version: '1.0', title: name, description: name, service: { name, version: '1' }, tags: ['service'], isTrigger: false },
      null,
      2,
    ) + '\n',
  );
  ws.write(
    `${dir}/package.json`,
    JSON.stringify({ name, version: '1.0.0', private: true, dependencies: { '@trayio/cdk-dsl': '4.65.0' } }, null, 2) + '\n',
  );
  ws.write(
    `${dir}/tsconfig.json`,
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2021',
          module: 'commonjs',
          rootDir: './src',
          outDir: './dist',
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
        },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ) + '\n',
  );
  ws.write(
    `${dir}/src/${auth}.ts`,
    "import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';\n" +
      `export type ${auth} = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;\n`,
  );
  for (const [op, fields] of Object.entries(operations)) {
    const P = pascal(op);
    ws.write(`${dir}/src/${op}/operation.json`, JSON.stringify({ name: op, title: P, description: op }, null, 2) + '\n');
    ws.write(
      `${dir}/src/${op}/input.ts`,
      `${importsLibrary ? "import { PageSize } from '@acme/shared';\n" : ''}export type ${P}Input = {\n${fields}};\n`,
    );
    ws.write(`${dir}/src/${op}/output.ts`, `export type ${P}Output = {\n  items: { id: string }[];\n};\n`);
    ws.write(
      `${dir}/src/${op}/handler.ts`,
      [
        "import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';",
        "import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';",
        `import { ${auth} } from '../${auth}';`,
        `import { ${P}Input } from './input';`,
        `import { ${P}Output } from './output';`,
        '',
        `export const ${op}Handler = OperationHandlerSetup.configureHandler<${auth}, ${P}Input, ${P}Output>((handler) =>`,
        '  handler.usingComposite(async () => OperationHandlerResult.success({ items: [] })),',
        ');',
        '',
      ].join('\n'),
    );
  }
}

describe('nx run-many -t build --batch', () => {
  let ws: TestWorkspace;
  const zipOf = (name: string) => path.join(ws.root, 'connectors', name, '.tray/connector.zip');

  beforeAll(() => {
    ws = createTestWorkspace('batch-build', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive');
    ws.write(
      'tsconfig.base.json',
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@acme/shared': ['libs/shared/src/index.ts'] } } }, null, 2) + '\n',
    );
    ws.write('libs/shared/project.json', JSON.stringify({ name: 'shared', projectType: 'library' }) + '\n');
    ws.write('libs/shared/src/index.ts', '/** Page size. */\nexport type PageSize = 10 | 50 | 100;\n');
    writeConnector(ws, 'alpha', { list_contacts: '  /** Alpha */\n  query: string;\n', get_contact: '  id: string;\n' });
    writeConnector(ws, 'beta', { list_contacts: '  page?: number;\n', get_contact: '  id: number;\n' });
    writeConnector(ws, 'gamma', { list_contacts: '  page_size: PageSize;\n' }, true);
    writeConnector(ws, 'delta', { search: '  q: string;\n' });
    writeConnector(ws, 'broken', { list_contacts: '  id: string;\n' });
    ws.write('connectors/broken/src/oops.ts', 'export const n: number = "not a number";\n');
    ws.commit('five connectors');
  });
  afterAll(() => ws?.cleanup());

  let batchZips: Record<string, Buffer>;

  it('fails only the broken task, with its own message; the others are built', () => {
    const r = ws.nx('run-many -t build --batch --outputStyle=static');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('tray-connector: type-checking 5 connectors in one TypeScript program');
    expect(r.output).toMatch(/broken: build failed\n\s*1 TypeScript error in the connector/);
    expect(r.output).toContain(`${path.join('connectors', 'broken', 'src', 'oops.ts')}:1:14 - error TS2322`);
    const failed = r.output.slice(r.output.lastIndexOf('Failed tasks:'));
    expect(failed).toMatch(/- broken:build/);
    for (const name of GOOD) {
      expect(failed).not.toContain(`- ${name}:build`);
      expect(r.output).toMatch(new RegExp(`${name} 1\\.0: \\d operations?, .* -> connectors/${name}/\\.tray/connector\\.zip`));
    }
    expect(fs.existsSync(zipOf('broken'))).toBe(false);
    batchZips = Object.fromEntries(GOOD.map((name) => [name, fs.readFileSync(zipOf(name))]));
  });

  it('writes the zips the single builds write, byte for byte', () => {
    for (const name of GOOD) fs.rmSync(zipOf(name));
    const r = ws.nx(`run-many -t build --projects=${GOOD.join(',')} --skip-nx-cache --outputStyle=static`);
    expect(r.code).toBe(0);
    expect(r.output).not.toContain('in one TypeScript program');
    for (const name of GOOD) expect(fs.readFileSync(zipOf(name)).equals(batchZips[name])).toBe(true);
  });

  it('a warm --batch run is all cache hits', () => {
    const r = ws.nx(`run-many -t build --projects=${GOOD.join(',')} --batch --outputStyle=static`);
    expect(r.code).toBe(0);
    for (const name of GOOD)
      expect(r.output).toMatch(new RegExp(`nx run ${name}:build\\s+\\[(local cache|existing outputs match the cache)`));
    expect(r.output).not.toContain('in one TypeScript program');
  });
});
