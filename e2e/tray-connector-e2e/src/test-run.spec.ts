import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './support/paths';

// The test run itself (root jest.config.ts): no temp folder left behind, unit results first.
const { ENV, createRunTempRoot, removeRunTempRoot } = require(path.join(REPO_ROOT, 'tools/jest/temp-root.js'));
const UnitFirstSequencer = require(path.join(REPO_ROOT, 'tools/jest/unit-first-sequencer.js'));

describe('the test run', () => {
  it("puts every temp folder of this run under one folder that jest's global teardown removes", () => {
    const root = process.env[ENV];
    expect(root).toMatch(/tray-connector-test-run-/);
    expect(fs.existsSync(root!)).toBe(true);
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-deploy-'));
    expect(path.relative(root!, made).startsWith('..')).toBe(false);
    fs.rmSync(made, { recursive: true });
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
});
