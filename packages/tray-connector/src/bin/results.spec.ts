import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toDeployResult, writeDeployResult } from '../core/deploy/deploy-result';
import { formatResults, readResults, VERIFY_RESULT_FILE } from './results';
import { main } from './tray-connector';

describe('tray-connector results', () => {
  let dir: string;
  const connector = (name: string) => {
    fs.mkdirSync(path.join(dir, 'connectors', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'connectors', name, 'connector.json'), JSON.stringify({ name, version: '1.0' }));
  };
  const at = new Date('2026-12-03T08:00:00.000Z');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-results-'));
    for (const name of ['alpha', 'beta', 'gamma']) connector(name);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', '-A'], { cwd: dir });
    // What deploy writes, through deploy's own writer.
    writeDeployResult(
      path.join(dir, 'connectors/alpha'),
      toDeployResult({
        project: 'alpha',
        connector: 'alpha',
        version: '1.0',
        dryRun: false,
        startedAt: at,
        finishedAt: at,
        regions: [
          { region: 'us', ok: true, status: 'Deployed', deploymentId: 'dep-us-1', durationMs: 1200 },
          {
            region: 'eu',
            ok: false,
            status: 'Failed',
            deploymentId: 'dep-eu-2',
            durationMs: 900,
            message: 'build failed at Tray\n\u001b[31mred',
          },
        ],
      }),
    );
    writeDeployResult(
      path.join(dir, 'connectors/beta'),
      toDeployResult({
        project: 'beta',
        connector: 'beta',
        version: '2.0',
        dryRun: true,
        startedAt: at,
        finishedAt: at,
        regions: [
          { region: 'apac', ok: true, status: 'dry run', durationMs: 0 },
          { region: 'eu', ok: true, status: 'Dry run: no token', durationMs: 0 },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'connectors/alpha', VERIFY_RESULT_FILE),
      JSON.stringify({
        checkedAt: '2026-12-03T08:05:00.000Z',
        regions: [
          { region: 'us', status: 'in sync' },
          { region: 'eu', status: 'drift' },
        ],
      }),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('one line per connector and region with status, deployment id and verify, for a person', () => {
    const text = formatResults(readResults(dir));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^CONNECTOR\s+VERSION\s+REGION\s+RESULT\s+STATUS\s+DEPLOYMENT ID\s+VERIFY\s+FINISHED$/);
    expect(lines[1]).toMatch(/^alpha\s+1\.0\s+us\s+ok\s+Deployed\s+dep-us-1\s+in sync\s+2026-12-03T08:00:00\.000Z$/);
    expect(lines[2]).toMatch(/^alpha\s+1\.0\s+eu\s+FAILED\s+Failed\s+dep-eu-2\s+drift\s+2026-12-03T08:00:00\.000Z$/);
    expect(lines[3]).toMatch(/^beta\s+2\.0\s+apac\s+dry run ok\s+dry run\s+-\s+-\s+2026/);
    // A pull request's dry run without a token (allowMissingTokens) is not shown as ok.
    expect(lines[4]).toMatch(/^beta\s+2\.0\s+eu\s+dry run, no token\s+Dry run: no token\s+-\s+-\s+2026/);
    // The failure's message on one line, the terminal escape it carried shown as text.
    expect(text).toContain('alpha eu: build failed at Tray\\u000a\\u001b[31mred');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('gamma');
  });

  it('`tray-connector results --json` prints only JSON, which JSON.parse reads', async () => {
    let out = '';
    let err = '';
    const code = await main(['results', '--json'], { cwd: dir, env: {}, out: (t) => (out += t), err: (t) => (err += t) });
    expect(code).toBe(0);
    expect(err).toBe('');
    const report = JSON.parse(out);
    expect(
      report.rows.map(
        (r: { connector: string; region: string; status: string; deploymentId: string | null }) =>
          `${r.connector}@${r.region}:${r.status}:${r.deploymentId}`,
      ),
    ).toEqual(['alpha@us:Deployed:dep-us-1', 'alpha@eu:Failed:dep-eu-2', 'beta@apac:dry run:null', 'beta@eu:Dry run: no token:null']);
    expect(report.connectors.map((c: { root: string }) => c.root)).toEqual(['connectors/alpha', 'connectors/beta']);
    expect(report.connectors[0].deploy.success).toBe(false);
  });

  it('a result file that is not JSON is named, the others still shown; no results at all says what to run', () => {
    fs.writeFileSync(path.join(dir, 'connectors/beta/.tray/deploy-result.json'), '{"truncated');
    const text = formatResults(readResults(dir));
    expect(text).toContain('connectors/beta/.tray/deploy-result.json: ');
    expect(text).toMatch(/alpha\s+1\.0\s+us\s+ok/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-results-empty-'));
    try {
      expect(formatResults(readResults(empty))).toContain('No results yet');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  // Issue 27: results before the first commit, newest first, an older verify marked.
  describe('issue 27', () => {
    const deployed = (name: string, finishedAt: string, dryRun = false) =>
      writeDeployResult(
        path.join(dir, 'connectors', name),
        toDeployResult({
          project: name,
          connector: name,
          version: '1.0',
          dryRun,
          startedAt: new Date(finishedAt),
          finishedAt: new Date(finishedAt),
          regions: [
            {
              region: 'us',
              ok: true,
              status: dryRun ? 'dry run' : 'Deployed',
              deploymentId: dryRun ? undefined : `dep-${name}`,
              durationMs: 5,
            },
          ],
        }),
      );
    const verified = (name: string, checkedAt: string) =>
      fs.writeFileSync(
        path.join(dir, 'connectors', name, VERIFY_RESULT_FILE),
        JSON.stringify({ checkedAt, regions: [{ region: 'us', state: 'in-sync' }] }),
      );

    it('shows the results in a repository with no commit and nothing added to git yet', () => {
      fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
      execFileSync('git', ['init', '-q'], { cwd: dir });
      const text = formatResults(readResults(dir));
      expect(text).not.toContain('No results yet');
      expect(text).toMatch(/^alpha\s+1\.0\s+us\s+ok\s+Deployed\s+dep-us-1/m);
      expect(text).toMatch(/^beta\s+2\.0\s+apac\s+dry run ok/m);
      // An ignored folder's connector is not shown as one (git's rules, as for the committed ones).
      fs.writeFileSync(path.join(dir, '.gitignore'), 'connectors/beta/\n');
      expect(formatResults(readResults(dir))).not.toMatch(/^beta/m);
    });

    it('lists the newest result first', () => {
      deployed('gamma', '2026-12-04T09:00:00.000Z');
      deployed('beta', '2026-12-04T07:00:00.000Z');
      const rows = readResults(dir).rows.map((r) => `${r.connector}@${r.region}`);
      expect(rows).toEqual(['gamma@us', 'beta@us', 'alpha@us', 'alpha@eu']);
      const lines = formatResults(readResults(dir)).split('\n');
      expect(lines[1]).toMatch(/^gamma\s/);
      expect(lines[2]).toMatch(/^beta\s/);
    });

    it('marks a verify older than the last deploy "(older)", and not one made after it or beside a dry run', () => {
      deployed('gamma', '2026-12-04T09:00:00.000Z');
      verified('gamma', '2026-12-04T08:00:00.000Z');
      deployed('beta', '2026-12-04T09:00:00.000Z', true);
      verified('beta', '2026-12-04T08:00:00.000Z');
      const report = readResults(dir);
      const row = (name: string) => report.rows.find((r) => r.connector === name && r.region === 'us')!;
      expect([row('gamma').verifyOlder, row('beta').verifyOlder, row('alpha').verifyOlder]).toEqual([true, false, false]);
      const text = formatResults(report);
      expect(text).toMatch(/^gamma\s+1\.0\s+us\s+ok\s+Deployed\s+dep-gamma\s+in-sync \(older\)\s+2026-12-04T09:00:00\.000Z$/m);
      expect(text).toMatch(/^alpha\s+1\.0\s+us\s+ok\s+Deployed\s+dep-us-1\s+in sync\s+2026/m);
      expect(text).toContain(
        'gamma: (older) its verify result (2026-12-04T08:00:00.000Z) is from before its last deploy (2026-12-04T09:00:00.000Z)',
      );
      // A verify without a time cannot be told current.
      fs.writeFileSync(
        path.join(dir, 'connectors/alpha', VERIFY_RESULT_FILE),
        JSON.stringify({ regions: [{ region: 'us', status: 'in sync' }] }),
      );
      expect(readResults(dir).rows.find((r) => r.connector === 'alpha' && r.region === 'us')!.verifyOlder).toBe(true);
    });
  });
});
