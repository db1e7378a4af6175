import * as fs from 'fs';
import * as path from 'path';
import { writeConnectorFiles } from './support/connector-files';
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

/** A connector with an operation per entry (name → the input type's fields); `importsLibrary`: each input imports @acme/shared. */
function writeConnector(ws: TestWorkspace, name: string, operations: Record<string, string>, importsLibrary = false): void {
  const inputPrelude = importsLibrary ? "import { PageSize } from '@acme/shared';\n" : '';
  writeConnectorFiles(ws, name, {
    operations: Object.fromEntries(Object.entries(operations).map(([op, inputFields]) => [op, { inputFields, inputPrelude }])),
  });
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
