import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { minimalConnector, tempDir, writeFiles } from '../../core/__fixtures__/temp-connector';
import batchBuild, { BatchTaskResult } from './batch';
import runExecutor from './executor';
import { stripAnsi } from '../shared/color';
import { batchContext, batchTaskGraph, collectBatch, projectRootOf } from '../shared/__fixtures__/batch-run';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(180_000);

const PROJECTS = ['acme-crm', 'beta-crm', 'broken-crm'];

/** The context of `nx run-many -t build --batch` over PROJECTS (as Nx's batch runner makes it: no projectName). */
const contextFor = (root: string): ExecutorContext =>
  batchContext(root, Object.fromEntries(PROJECTS.map((name) => [name, { root: projectRootOf(name), name }])));

const taskGraphFor = (projects: string[]) => batchTaskGraph('build', projects);

async function collect(iterator: AsyncIterableIterator<BatchTaskResult>): Promise<Record<string, BatchTaskResult['result']>> {
  return Object.fromEntries((await collectBatch(iterator)).map(({ task, result }) => [task, result]));
}

describe('build executor, batch implementation', () => {
  let ws: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    ws = tempDir('tc-build-batch-');
    for (const name of PROJECTS) {
      writeFiles(
        ws,
        Object.fromEntries(
          Object.entries(minimalConnector(name, ['list_contacts', 'get_contact'])).map(([k, v]) => [`connectors/${name}/${k}`, v]),
        ),
      );
    }
    writeFiles(ws, { 'connectors/broken-crm/src/get_contact/handler.ts': 'export const handler: number = "not a number";\n' });
    // Options the schemas can come from (strict and esModuleInterop, as Tray's builder): one shared program.
    for (const name of PROJECTS) {
      writeFiles(ws, {
        [`connectors/${name}/tsconfig.json`]: JSON.stringify({ compilerOptions: { strict: true, esModuleInterop: true } }),
      });
    }
    stdout = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('yields one result per task, with its own lines only; a failing task fails alone with the single executor message', async () => {
    const inputs = { 'acme-crm:build': {}, 'beta-crm:build': { outputPath: 'dist/beta.zip' }, 'broken-crm:build': {} };
    const results = await collect(batchBuild(taskGraphFor(PROJECTS), inputs, {}, contextFor(ws)));
    expect(Object.keys(results).sort()).toEqual(['acme-crm:build', 'beta-crm:build', 'broken-crm:build']);

    expect(results['acme-crm:build'].success).toBe(true);
    expect(results['acme-crm:build'].terminalOutput).toMatch(
      /^acme-crm 1\.0: 2 operations, .* \(\d+ bytes\), sha256 [0-9a-f]{64} -> connectors\/acme-crm\/\.tray\/connector\.zip\n$/,
    );
    expect(results['beta-crm:build'].success).toBe(true);
    expect(results['beta-crm:build'].terminalOutput).toMatch(/^beta-crm 1\.0: 2 operations, .* -> dist\/beta\.zip\n$/);
    expect(fs.existsSync(path.join(ws, 'dist/beta.zip'))).toBe(true);

    expect(results['broken-crm:build'].success).toBe(false);
    const failed = results['broken-crm:build'].terminalOutput;
    expect(failed).toMatch(/^broken-crm: build failed\n1 TypeScript error in the connector/);
    expect(failed).toContain(`${path.join(ws, 'connectors/broken-crm/src/get_contact/handler.ts')}:1:14 - error TS2322`);
    expect(failed).not.toContain('acme-crm');
    expect(fs.existsSync(path.join(ws, 'connectors/broken-crm/.tray/connector.zip'))).toBe(false);

    // The lines go to Nx in the results, not to this process's output (Nx prints them); progress goes to stderr.
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.mock.calls.map((c) => c[0])).toEqual([
      'tray-connector: building 3 connectors in one batch',
      'tray-connector: type-checking 3 connectors in one TypeScript program',
    ]);

    // The single executor prints the same error for the failing connector, and writes the same zip for the others.
    const batchZip = fs.readFileSync(path.join(ws, 'connectors/acme-crm/.tray/connector.zip'));
    const single = (project: string) => runExecutor({}, { ...contextFor(ws), projectName: project, targetName: 'build' });
    expect(await single('acme-crm')).toEqual({ success: true });
    expect(fs.readFileSync(path.join(ws, 'connectors/acme-crm/.tray/connector.zip')).equals(batchZip)).toBe(true);
    stderr.mockClear();
    expect(await single('broken-crm')).toEqual({ success: false });
    // (Plain text: Nx's logger colours the single executor's line when CI is set; Nx prints a batch task's text as is.)
    expect(`${stripAnsi(String(stderr.mock.calls[0][0]))}\n`).toBe(failed);
  });

  it('fails a task whose project is not in the workspace, and builds the others', async () => {
    const results = await collect(
      batchBuild(taskGraphFor(['acme-crm', 'gone']), { 'acme-crm:build': {}, 'gone:build': {} }, {}, contextFor(ws)),
    );
    expect(results['acme-crm:build'].success).toBe(true);
    expect(results['gone:build']).toMatchObject({
      success: false,
      terminalOutput: 'gone: build failed\nProject gone is not in the workspace configuration\n',
    });
  });
});
