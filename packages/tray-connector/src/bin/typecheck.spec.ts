import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildConnector } from '../core/build/build-connector';
import { createRecordingLogger } from '../core/logger';
import { createWorkspaceTree } from '../generators/__fixtures__/tree';
import { newGenerator } from '../generators/new/generator';
import { operationGenerator } from '../generators/operation/generator';
import { typecheckTarget } from '../plugin/targets';
import { main } from './tray-connector';
import { findWorkspaceRoot } from './typecheck';

// Real TypeScript programs over Tray's DSL types: room on a busy machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

const REPO_NODE_MODULES = path.resolve(__dirname, '../../../../node_modules');

/**
 * The typecheck target, run as Nx runs it: its command (`tray-connector typecheck`) in the connector folder
 * (its cwd), on a connector exactly as `new` writes it, on disk in an Nx workspace with path aliases. jest only
 * transpiles the tests and the build leaves them out, so this is the one check a test's type error meets.
 */
describe('the typecheck target (tray-connector typecheck)', () => {
  let ws: string;
  let connectorDir: string;
  let sampleTest: string;

  beforeEach(async () => {
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-typecheck-')));
    const tree = createWorkspaceTree();
    await newGenerator(tree, { name: 'acme-crm', regions: ['us'], skipInstall: true });
    // Every kind of operation the generators write, each with its test as written.
    await operationGenerator(tree, { name: 'list_items', project: 'acme-crm', kind: 'http', skipFormat: true });
    await operationGenerator(tree, { name: 'sum_items', project: 'acme-crm', kind: 'composite', skipFormat: true });
    for (const change of tree.listChanges()) {
      if (change.type === 'DELETE' || !change.content) continue;
      fs.mkdirSync(path.dirname(path.join(ws, change.path)), { recursive: true });
      fs.writeFileSync(path.join(ws, change.path), change.content);
    }
    fs.symlinkSync(REPO_NODE_MODULES, path.join(ws, 'node_modules'));
    const changes = tree.listChanges().map((c) => c.path);
    connectorDir = path.join(ws, path.dirname(changes.find((p) => p.endsWith('/connector.json'))!));
    sampleTest = path.join(ws, changes.find((p) => p.endsWith('/handler.test.ts'))!);
    // A test that imports workspace libraries through the workspace's path aliases (exact and wildcard).
    write(
      path.join(connectorDir, 'src/uses-library.test.ts'),
      "import { shout } from '@ws/shared';\nimport { twice } from '@ws/wild/twice';\n\nit('runs library code', () => {\n  expect(shout(twice('a'))).toBe('AA!');\n});\n",
    );
    write(path.join(ws, 'libs/shared/src/index.ts'), 'export const shout = (s: string): string => `${s.toUpperCase()}!`;\n');
    write(path.join(ws, 'libs/wild/src/twice.ts'), 'export const twice = (s: string): string => s + s;\n');
    write(
      path.join(ws, 'tsconfig.base.json'),
      JSON.stringify({
        compilerOptions: { baseUrl: '.', paths: { '@ws/shared': ['libs/shared/src/index.ts'], '@ws/wild/*': ['libs/wild/src/*'] } },
      }),
    );
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }

  /** The target's command, run where Nx runs it (options.cwd is the project root): exit code and output. */
  async function runTarget(): Promise<{ code: number; out: string; err: string }> {
    const { command, cwd } = typecheckTarget().options as { command: string; cwd: string };
    expect(cwd).toBe('{projectRoot}');
    const [bin, ...args] = command.split(' ');
    expect(bin).toBe('tray-connector');
    let out = '';
    let err = '';
    const code = await main(args, { cwd: connectorDir, env: {}, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  it('passes a clean connector as `new` and `operation` (http, composite) write it, with a test importing workspace libraries by path alias', async () => {
    const r = await runTarget();
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^acme-crm: \d+ files type-checked \(4 tests among them\), no errors\n$/);
    expect(r.code).toBe(0);
  });

  it("fails on a type error in a handler.test.ts, naming the file, line and column (the build's check leaves tests out)", async () => {
    const lines = fs.readFileSync(sampleTest, 'utf8').split('\n').length;
    fs.appendFileSync(sampleTest, "\nexport const notANumber: number = 'forty-two';\n");
    const r = await runTarget();
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('tray-connector: 1 TypeScript error in the connector, its tests included');
    expect(r.err).toContain(`${sampleTest}:${lines + 1}:14 - error TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(r.err).toContain('jest runs the tests without a type check');
    // Why the target exists: the build passes with that test in the zip.
    const built = await buildConnector({
      connectorDir,
      workspaceRoot: ws,
      outputPath: path.join(ws, 'out.zip'),
      logger: createRecordingLogger(),
    });
    expect(built.name).toBe('acme-crm');
  });

  it('reports a type error in a workspace library a test imports, and an alias the workspace does not have', async () => {
    write(path.join(ws, 'libs/wild/src/twice.ts'), 'export const twice = (s: string): string => s.length;\n');
    write(
      path.join(connectorDir, 'src/missing.test.ts'),
      "import { nothing } from '@ws/missing';\n\nit('x', () => expect(nothing).toBe(1));\n",
    );
    const r = await runTarget();
    expect(r.code).toBe(1);
    expect(r.err).toContain('2 TypeScript errors in the connector');
    expect(r.err).toContain(`${path.join(ws, 'libs/wild/src/twice.ts')}:1:45 - error TS2322`);
    expect(r.err).toContain(`${path.join(connectorDir, 'src/missing.test.ts')}:1:25 - error TS2307: Cannot find module '@ws/missing'`);
  });

  it("gives the tests jest's globals when the connector's package.json does not declare @types/jest", async () => {
    const pkgFile = path.join(connectorDir, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    delete pkg.devDependencies['@types/jest'];
    fs.writeFileSync(pkgFile, JSON.stringify(pkg));
    const r = await runTarget();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('says so outside a connector folder, and takes one folder at most', async () => {
    let err = '';
    const io = { cwd: ws, env: {}, out: () => undefined, err: (t: string) => (err += t) };
    expect(await main(['typecheck'], io)).toBe(1);
    expect(err).toContain(`${path.join(ws, 'connector.json')} not found`);
    err = '';
    expect(await main(['typecheck', 'a', 'b'], io)).toBe(1);
    expect(err).toContain('typecheck takes one connector folder at most');
  });
});

describe('findWorkspaceRoot', () => {
  it('is the nearest folder holding nx.json, else the folder itself', () => {
    const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-ws-root-')));
    try {
      fs.mkdirSync(path.join(ws, 'a/b'), { recursive: true });
      expect(findWorkspaceRoot(path.join(ws, 'a/b'))).toBe(path.join(ws, 'a/b'));
      fs.writeFileSync(path.join(ws, 'nx.json'), '{}');
      expect(findWorkspaceRoot(path.join(ws, 'a/b'))).toBe(ws);
      expect(findWorkspaceRoot(ws)).toBe(ws);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
