import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './support/paths';

// The test run itself (root jest.config.ts): no temp folder left behind, unit results first.
const { ENV, createRunTempRoot, removeRunTempRoot } = require(path.join(REPO_ROOT, 'tools/jest/temp-root.js'));
const UnitFirstSequencer = require(path.join(REPO_ROOT, 'tools/jest/unit-first-sequencer.js'));
const SlowestSuitesReporter = require(path.join(REPO_ROOT, 'tools/jest/slowest-suites-reporter.js'));

describe('the test run', () => {
  it("puts every temp folder of this run under one folder that jest's global teardown removes", () => {
    const root = process.env[ENV];
    expect(root).toMatch(/tray-connector-test-run-/);
    expect(fs.existsSync(root!)).toBe(true);
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-deploy-'));
    expect(path.relative(root!, made).startsWith('..')).toBe(false);
    fs.rmSync(made, { recursive: true });
  });

  it('starts no install script that reports usage over the network (@scarf/scarf, a dependency of @trayio/cdk-dsl)', () => {
    // Every command a test starts inherits the run's environment (tools/jest/global-setup.js) ...
    expect(process.env.SCARF_ANALYTICS).toBe('false');
    // ... and the e2e, bench and demo workspaces get it from nxEnv, the one environment they run nx and npm with.
    const { nxEnv } = require(path.join(REPO_ROOT, 'tools/workspace/connector-files.js'));
    expect(nxEnv('/tmp/ws', {}, {}).SCARF_ANALYTICS).toBe('false');
    expect(fs.readFileSync(path.join(REPO_ROOT, 'tools/demo/run.js'), 'utf8')).toContain(
      "env: nxEnv(cwd, { npm_config_prefer_offline: 'true', ...env })",
    );
    // This repository's own `npm ci` (CI, a newcomer's setup), without that variable: scarf's install
    // script reads the root package.json, skips its `npm ls` and reports nothing.
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: REPO_ROOT, SCARF_VERBOSE: 'true' };
    delete env.SCARF_ANALYTICS;
    const r = spawnSync(process.execPath, [require.resolve('@scarf/scarf/report.js', { paths: [REPO_ROOT] })], { env, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('skipping dependency tree traversal');
    expect(r.stdout + r.stderr).toContain('User has opted out');
  });

  it('removes that folder with everything in it, and keeps it with E2E_KEEP_WORKSPACE', () => {
    const env: NodeJS.ProcessEnv = { TMPDIR: os.tmpdir() };
    const root = createRunTempRoot(env);
    fs.mkdirSync(path.join(root, 'tray-404-x', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tray-404-x', 'deep', 'c.zip'), 'zip');
    expect(env.TMPDIR).toBe(root);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      removeRunTempRoot({ ...env, E2E_KEEP_WORKSPACE: '1' });
    } finally {
      stderr.mockRestore();
    }
    expect(fs.existsSync(root)).toBe(true);
    removeRunTempRoot(env);
    expect(fs.existsSync(root)).toBe(false);
  });

  it('runs the unit-test projects before the e2e suites, so results show from the start', async () => {
    const test = (file: string, name: string) => ({
      path: path.join(REPO_ROOT, file),
      duration: 1,
      context: { config: { displayName: { name }, cacheDirectory: os.tmpdir() }, hasteFS: { getSize: () => 1 } },
    });
    const tests = [
      test('e2e/tray-connector-e2e/src/affected.spec.ts', 'e2e'),
      test('packages/tray-connector/src/core/tray-api/regions.spec.ts', 'tray-connector'),
      test('e2e/tray-connector-e2e/src/generators.spec.ts', 'e2e'),
      test('packages/tray-api-emulator/src/emulator.spec.ts', 'tray-api-emulator'),
    ];
    const sorted = await new UnitFirstSequencer({ contexts: [] }).sort(tests);
    expect(sorted.map((t: { context: { config: { displayName: { name: string } } } }) => t.context.config.displayName.name)).toEqual([
      expect.not.stringMatching(/^e2e$/),
      expect.not.stringMatching(/^e2e$/),
      'e2e',
      'e2e',
    ]);
  });

  it('starts the longest e2e suites first in a run with no timings of its own (a fresh clone), from e2e-seconds.json', async () => {
    const seconds: Record<string, number> = require(path.join(REPO_ROOT, 'tools/jest/e2e-seconds.json'));
    // Every e2e spec file has its estimate: a new one without would run first, whatever its length.
    const specs = (dir: string): string[] =>
      fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        return e.isDirectory() ? specs(rel) : e.name.endsWith('.spec.ts') ? [rel] : [];
      });
    expect(Object.keys(seconds).sort()).toEqual(specs('e2e/tray-connector-e2e/src').sort());

    // Jest's own order here would be by file size: create-nx-workspace.spec.ts, one of the longest, is one of the smallest.
    const test = (file: string, size: number) => ({
      path: path.join(REPO_ROOT, file),
      context: { config: { displayName: { name: 'e2e' }, cacheDirectory: os.tmpdir() }, hasteFS: { getSize: () => size } },
    });
    const files = ['revert.spec.ts', 'create-nx-workspace.spec.ts', 'ci-workflow.spec.ts', 'affected.spec.ts'].map(
      (f) => `e2e/tray-connector-e2e/src/${f}`,
    );
    const bySize = (file: string) =>
      ({ 'create-nx-workspace.spec.ts': 1, 'revert.spec.ts': 3, 'affected.spec.ts': 4 })[path.basename(file)] ?? 5;
    const order = async (sequencer: { sort(t: unknown[]): Promise<Array<{ path: string }>> }) =>
      (await sequencer.sort(files.map((f) => test(f, bySize(f))))).map((t) => path.basename(t.path));
    // Longest first by e2e-seconds.json, whatever the figures of the day.
    const longestFirst = [...files].sort((a, b) => seconds[b] - seconds[a]).map((f) => path.basename(f));
    expect(longestFirst.slice(2)).toEqual(['affected.spec.ts', 'revert.spec.ts']);
    expect(await order(new UnitFirstSequencer({ contexts: [] }))).toEqual(longestFirst);
    // Where jest has timings of its own (earlier runs on this machine), they count instead.
    const recorded = new UnitFirstSequencer({ contexts: [] });
    recorded._getCache = () => ({ [path.join(REPO_ROOT, files[0])]: [1, 900_000] });
    expect((await order(recorded))[0]).toBe('revert.spec.ts');
  });

  it('prints the slowest test files at the end, slowest first, as many as configured', () => {
    const result = (file: string, start: number, end: number, project?: string) => ({
      testFilePath: path.join(REPO_ROOT, file),
      perfStats: { start, end },
      displayName: project ? { name: project } : undefined,
    });
    const testResults = [
      result('packages/tray-connector/src/core/settled.spec.ts', 1000, 1500, 'tray-connector'),
      result('e2e/tray-connector-e2e/src/affected.spec.ts', 1000, 301_000, 'e2e'),
      result('e2e/tray-connector-e2e/src/revert.spec.ts', 2000, 122_000, 'e2e'),
      // a file that failed to run has no timings: not listed
      result('e2e/tray-connector-e2e/src/broken.spec.ts', 0, 0, 'e2e'),
    ];
    const reporter = new SlowestSuitesReporter({ rootDir: REPO_ROOT }, { count: 2 });
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      reporter.onRunComplete(new Set(), { testResults, startTime: Date.now() - 400_000 });
    } finally {
      stderr.mockRestore();
    }
    const lines = written.join('').trim().split('\n');
    expect(lines[0]).toMatch(/^Slowest test files \(whole run \d+\.\d s\):$/);
    expect(lines.slice(1)).toEqual([
      '  300.0 s  e2e/tray-connector-e2e/src/affected.spec.ts  [e2e]',
      '  120.0 s  e2e/tray-connector-e2e/src/revert.spec.ts  [e2e]',
    ]);
  });

  it('prints nothing about slow files when no file ran', () => {
    expect(SlowestSuitesReporter.formatSlowest(SlowestSuitesReporter.slowestSuites([], 10, REPO_ROOT))).toEqual([]);
  });
});
