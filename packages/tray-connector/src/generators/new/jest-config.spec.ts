import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testTarget } from '../../plugin/targets';
import { operationGenerator } from '../operation/generator';
import { newGenerator } from './generator';

// A real jest run in a child process: room on a busy machine (timings are benchmarked, not asserted).
jest.setTimeout(180_000);

const REPO_NODE_MODULES = path.resolve(__dirname, '../../../../../node_modules');

/**
 * Issue 27.3: a connector that imports a workspace library through a tsconfig path alias passes its own tests
 * as `new` generates them: its jest.config.js resolves what the build resolves (before, ts-jest said
 * "TS2307: Cannot find module '@ws/shared'"). The generated files are written to disk and jest runs them.
 */
describe('the jest.config.js of a new connector', () => {
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-jest-config-'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  async function writeConnector(operations: Array<'http' | 'composite'> = []): Promise<string> {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    for (const kind of operations) await operationGenerator(tree, { name: `list_${kind}`, project: 'acme-crm', kind });
    for (const change of tree.listChanges()) {
      if (change.type === 'DELETE' || !change.content) continue;
      fs.mkdirSync(path.dirname(path.join(ws, change.path)), { recursive: true });
      fs.writeFileSync(path.join(ws, change.path), change.content);
    }
    fs.symlinkSync(REPO_NODE_MODULES, path.join(ws, 'node_modules'));
    const root = path.dirname(tree.listChanges().find((c) => c.path.endsWith('/connector.json'))!.path);
    fs.writeFileSync(
      path.join(ws, root, 'src/uses-library.test.ts'),
      "import { shout } from '@ws/shared';\nimport { twice } from '@ws/wild/twice';\n\nit('runs library code', () => {\n  expect(shout(twice('a'))).toBe('AA!');\n});\n",
    );
    fs.mkdirSync(path.join(ws, 'libs/shared/src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'libs/shared/src/index.ts'), 'export const shout = (s: string): string => `${s.toUpperCase()}!`;\n');
    fs.mkdirSync(path.join(ws, 'libs/wild/src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'libs/wild/src/twice.ts'), 'export const twice = (s: string): string => s + s;\n');
    return path.join(ws, root);
  }
  const runJest = (dir: string) =>
    spawnSync(process.execPath, [path.join(REPO_NODE_MODULES, 'jest/bin/jest.js'), '--config', './jest.config.js', 'uses-library'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });

  it('resolves the workspace path aliases, exact and wildcard, in the type check and at run time', async () => {
    const dir = await writeConnector();
    fs.writeFileSync(
      path.join(ws, 'tsconfig.base.json'),
      JSON.stringify({
        compilerOptions: { baseUrl: '.', paths: { '@ws/shared': ['libs/shared/src/index.ts'], '@ws/wild/*': ['libs/wild/src/*'] } },
      }),
    );
    const r = runJest(dir);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(r.status).toBe(0);
  });

  it("passes its own tests, with an http and a composite operation, as its test target runs them (the target's NODE_OPTIONS)", async () => {
    const dir = await writeConnector(['http', 'composite']);
    fs.rmSync(path.join(dir, 'src/uses-library.test.ts'));
    const { command, env } = testTarget().options;
    // The target runs `tray-connector test-context && jest ...`; `new` writes src/test.ctx.json itself.
    const jestArgs = String(command).split(' && jest ')[1].split(' ');
    expect(jestArgs).toEqual(['--config', 'jest.config.js', '--passWithNoTests']);
    expect(env.NODE_OPTIONS).toMatch(/^--max-old-space-size=\d+$/);
    const r = spawnSync(process.execPath, [path.join(REPO_NODE_MODULES, 'jest/bin/jest.js'), ...jestArgs], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', ...env },
    });
    const output = `${r.stdout}${r.stderr}`;
    expect(output).toMatch(/Test Suites:\s+(\d+) passed, \1 total/);
    expect(output).toContain('list_http');
    expect(output).toContain('list_composite');
    expect(r.status).toBe(0);
  });

  it('without aliases in the workspace (as in the zip), is the plain ts-jest config: the import fails as it should', async () => {
    const dir = await writeConnector();
    const r = runJest(dir);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("Cannot find module '@ws/shared'");
  });
});
