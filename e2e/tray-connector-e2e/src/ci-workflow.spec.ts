import AdmZip from 'adm-zip';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator, type Emulator, type EmulatorDeployment } from 'tray-api-emulator';
import { runJob, readJob, type JobRun, type WorkflowStep } from './support/github-workflow-runner';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 12.1 and 11.4/11.5: `nx g tray-connector:ci-workflow --provider=github` in a monorepo of three
 * connectors, and the generated workflow's `run:` steps executed in order, in a fresh clone per run
 * (as a GitHub runner gets it), with GitHub's environment simulated and the emulator as Tray:
 *   1. a pull request changing the three connectors: install, test contexts, build+test, deploy dry run;
 *   2. its merge to main: every connector deployed to its own regions, results in the log, in
 *      .tray/deploy-result.json and in the job summary;
 *   3. a merge that fails in one region, then 4. a merge that changes nothing: the failed connector is
 *      deployed again, because nx-set-shas' base is the last successful run;
 *   5. a merge that deletes a connector: nothing to deploy, no failure;
 *   6. a merge that changes nothing deployable; 7. a merge of thousands of files (over Linux's 128 KB
 *      for one argument or variable) and a file name with a comma: only the changed connector deploys.
 * After each deploy, `tray-connector results` prints one line per connector and region, and
 * `npx tray-connector results --json` is JSON and nothing else.
 * nx-set-shas is an action, not a run step: the test exports the NX_BASE/NX_HEAD it would (pull
 * request: merge-base with origin/main; push: the commit of the last successful run on main).
 */

const WORKFLOW = '.github/workflows/tray-connectors.yml';
const CONNECTORS = [
  { name: 'alpha', regions: 'us', auth: 'token' },
  { name: 'beta', regions: 'us,eu', auth: 'none' },
  { name: 'gamma', regions: 'eu,apac', auth: 'none' },
] as const;
const CTX_SECRET_TOKEN = 'ci-secret-access-token-7781';
const DEPLOY_STEP = 'Deploy the affected connectors, each to its regions';
const stepOutput = (job: JobRun, label: string) => {
  const step = job.steps.find((s) => s.label.startsWith(label));
  if (!step) throw new Error(`no step ${label} ran:\n${job.output}`);
  return step.output;
};

describe('ci-workflow: the generated GitHub workflow, run step by step', () => {
  let emu: Emulator;
  let ws: TestWorkspace;
  let origin: string;
  let runs = 0;
  /** The commit of the last successful push run on main (what nx-set-shas finds). */
  let lastGreen: string;
  let secrets: Record<string, string>;

  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  /** A fresh clone of origin at `sha`, as actions/checkout with fetch-depth 0 gives it. */
  const checkout = (sha: string): string => {
    const dir = path.join(path.dirname(ws.root), `${path.basename(ws.root)}-run-${++runs}`);
    git(path.dirname(ws.root), 'clone', '-q', origin, dir);
    git(dir, 'checkout', '-q', '--detach', sha);
    return dir;
  };

  const linkNodeModules = (dir: string): string => {
    const run1 = `${ws.root}-run-1`;
    const lock = (d: string) => fs.readFileSync(path.join(d, 'package-lock.json'), 'utf8');
    if (lock(dir) !== lock(run1)) throw new Error('package-lock.json changed since run 1: this run must install for itself');
    execFileSync('cp', ['-al', path.join(run1, 'node_modules'), path.join(dir, 'node_modules')]);
    return 'node_modules hard-linked from run 1 (same package-lock.json)';
  };

  const runnerEnv = (dir: string): NodeJS.ProcessEnv => {
    const home = `${dir}-home`;
    fs.mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // A fresh runner: its own HOME, so no Nx cache is shared with earlier runs (Nx 24 shares the
      // local cache of every checkout of a repository under ~/.nx); npm's cache stays the real one.
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      NX_INTERACTIVE: 'false',
      FORCE_COLOR: '0',
      // actions/setup-node's `cache: npm` restores ~/.npm: here npm's own cache plays that part. Not with
      // prefer-offline: the runner's `npm ci` asks the registry whether what it has is current, as here. The
      // lock files of this machine hold no `resolved` URL (omit-lockfile-registry-resolved), so npm ci looks
      // each version up; with prefer-offline it took a cached list older than the lock (electron-to-chromium
      // publishes daily) and failed with ETARGET.
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // The emulator stands in for Tray: its URLs replace Tray's (the workflow itself sets none).
      TRAY_API_URL_US: emu.urlFor('us'),
      TRAY_API_URL_EU: emu.urlFor('eu'),
      TRAY_API_URL_APAC: emu.urlFor('apac'),
    };
    for (const key of Object.keys(env))
      if (/^(TRAY_API_TOKEN|TRAY_API_KEY|NX_BASE$|NX_HEAD$|GITHUB_|NX_SKIP_NX_CACHE)/.test(key)) delete env[key];
    return env;
  };

  async function run(
    event: 'push' | 'pull_request',
    sha: string,
    ref: string,
    vars: Record<string, string> = {},
  ): Promise<{ job: JobRun; dir: string; deployments: EmulatorDeployment[]; requests: number; reads: number }> {
    const dir = checkout(sha);
    const before = { deployments: emu.deployments.length, requests: emu.requests.length };
    const job = await runJob({
      workspace: dir,
      workflowFile: WORKFLOW,
      job: event === 'push' ? 'deploy' : 'pull-request',
      event,
      ref,
      sha,
      secrets,
      vars,
      env: runnerEnv(dir),
      // Run 1 runs the Install step (npm ci) itself; later runs, with the same lock file, link
      // run 1's installed node_modules instead, to keep the suite short.
      replaceSteps: runs > 1 ? { Install: () => linkNodeModules(dir) } : {},
      actions: {
        'actions/checkout': (step: WorkflowStep) => {
          expect(step.with?.['fetch-depth']).toBe(0); // the clone above has the whole history
          expect(step.with?.['persist-credentials']).toBe(false);
        },
        // .tray is a hidden folder: upload-artifact skips hidden files unless told otherwise.
        'actions/upload-artifact': (step: WorkflowStep) => {
          expect(step.with).toMatchObject({ 'include-hidden-files': true, path: expect.stringContaining('**/.tray/deploy-result.json') });
        },
        'actions/setup-node': () => undefined,
        'nrwl/nx-set-shas': () =>
          event === 'pull_request'
            ? { NX_BASE: git(dir, 'merge-base', 'origin/main', 'HEAD'), NX_HEAD: git(dir, 'rev-parse', 'HEAD') }
            : { NX_BASE: lastGreen, NX_HEAD: git(dir, 'rev-parse', 'HEAD') },
      },
    });
    if (event === 'push' && job.success) lastGreen = sha;
    const seen = emu.requests.slice(before.requests);
    const reads = seen.filter((q) => q.kind === 'operations' || q.kind === 'connectors').length;
    // requests: every request that is not a read of what a region serves (the breaking-change check)
    return { job, dir, deployments: emu.deployments.slice(before.deployments), requests: seen.length - reads, reads };
  }

  const deployed = (ds: EmulatorDeployment[]) => ds.map((d) => `${d.name}@${d.region}:${d.status}`).sort();
  const expectNoSecret = (text: string) => {
    for (const value of [...Object.values(emu.tokens), CTX_SECRET_TOKEN]) expect(text).not.toContain(value);
  };
  /** Adds an operation to a connector (a change of its zip) in the developer's clone. */
  const changeConnector = (name: string, operation: string) =>
    ws.mustRun(`npx nx g tray-connector:operation ${operation} --project=${name} --no-interactive`);

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 50 });
    secrets = {
      // Tray's example pipeline's secret names, mapped with --regions.
      TRAY_API_KEY_US: emu.tokens.us,
      TRAY_API_KEY_EU: emu.tokens.eu,
      TRAY_API_KEY_APAC: emu.tokens.apac,
      // The pull-request job's read-only tokens (--readTokens): the emulator has one token per region, so
      // they hold the same values; the workflow proves which secret each job names.
      TRAY_READ_KEY_US: emu.tokens.us,
      TRAY_READ_KEY_EU: emu.tokens.eu,
      TRAY_READ_KEY_APAC: emu.tokens.apac,
      TRAY_TEST_CTX: JSON.stringify({
        alpha: { auth: { authType: 'TOKEN', authId: 'ci', user: { access_token: CTX_SECRET_TOKEN }, app: {} } },
      }),
    };
    ws = createTestWorkspace('ci-workflow', {
      extraDevDependencies: {
        '@trayio/cdk-dsl': '4.65.0',
        '@trayio/cdk-runtime': '4.65.0',
        jest: '30.5.2',
        'ts-jest': '29.4.15',
        '@types/jest': '30.0.0',
        typescript: '5.9.3',
      },
    });
    ws.mustRun('npx nx g tray-connector:init --no-interactive');
    for (const c of CONNECTORS)
      ws.mustRun(`npx nx g tray-connector:new ${c.name} --regions=${c.regions} --auth=${c.auth} --no-interactive`);
    // beta commits a sample test context; alpha's comes from the secret; gamma has neither.
    ws.write('connectors/beta/test.ctx.example.json', '{}\n');
    ws.mustRun(
      'npx nx g tray-connector:ci-workflow --provider=github --regions=us=TRAY_API_KEY_US,eu=TRAY_API_KEY_EU,apac=TRAY_API_KEY_APAC ' +
        '--readTokens=us=TRAY_READ_KEY_US,eu=TRAY_READ_KEY_EU,apac=TRAY_READ_KEY_APAC --no-interactive',
    );
    ws.commit('three connectors and the CI workflow');
    origin = `${ws.root}-origin.git`;
    git(path.dirname(ws.root), 'clone', '-q', '--bare', ws.root, origin);
    git(ws.root, 'remote', 'add', 'origin', origin);
    git(ws.root, 'fetch', '-q', 'origin');
    // The repository's first commit counts as deployed: its own run is not the subject here.
    lastGreen = git(ws.root, 'rev-parse', 'HEAD');
  });

  afterAll(async () => {
    await emu?.close();
    if (!process.env.E2E_KEEP_WORKSPACE && ws) {
      for (let i = 1; i <= runs; i++)
        for (const suffix of ['', '-home']) fs.rmSync(`${ws.root}-run-${i}${suffix}`, { recursive: true, force: true });
      fs.rmSync(origin, { recursive: true, force: true });
    }
    ws?.cleanup();
  });

  it('the generator wrote a workflow whose jobs run only run: steps and the three known actions', () => {
    const pr = readJob(ws.root, WORKFLOW, 'pull-request');
    const deploy = readJob(ws.root, WORKFLOW, 'deploy');
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(deploy.if).toBe("github.event_name == 'push'");
    expect(deploy.steps.find((s) => s.name === DEPLOY_STEP)!.env).toMatchObject({ TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_KEY_US }}' });
    // A pull request never holds a deploy token (issue 27.7): its job names only the read-only secrets.
    expect(JSON.stringify(pr)).not.toMatch(/TRAY_API_KEY|TRAY_API_TOKEN/);
    expect(pr.steps.find((s) => s.name?.startsWith('Deploy dry run'))!.env).toEqual({
      TRAY_READ_TOKEN_US: '${{ secrets.TRAY_READ_KEY_US }}',
      TRAY_READ_TOKEN_EU: '${{ secrets.TRAY_READ_KEY_EU }}',
      TRAY_READ_TOKEN_APAC: '${{ secrets.TRAY_READ_KEY_APAC }}',
    });
    expect(ws.read('.gitignore')).toContain('*.ctx.json');
    expect(ws.exists('connectors/alpha/src/test.ctx.json')).toBe(true); // here, but not committed:
    expect(git(ws.root, 'ls-files', 'connectors/alpha/src')).not.toContain('test.ctx.json');
  });

  it('1. a pull request changing three connectors: fresh clone, test contexts, build and test, a dry run that sends nothing', async () => {
    git(ws.root, 'checkout', '-q', '-b', 'feature');
    for (const c of CONNECTORS) changeConnector(c.name, 'list_items');
    ws.commit('add list_items to every connector');
    git(ws.root, 'push', '-q', 'origin', 'feature');
    const { job, dir, requests, reads } = await run('pull_request', git(ws.root, 'rev-parse', 'HEAD'), 'refs/pull/1/merge');
    expect(job.success ? '' : job.output).toBe('');

    // test.ctx.json, git-ignored and so missing from the clone, was created: secret, sample, {}.
    const ctx = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'connectors', name, 'src/test.ctx.json'), 'utf8'));
    expect(ctx('alpha').auth.user.access_token).toBe(CTX_SECRET_TOKEN);
    expect(ctx('beta')).toEqual({});
    expect(ctx('gamma')).toEqual({});
    expect(job.output).toContain('connectors/beta/src/test.ctx.json: from connectors/beta/test.ctx.example.json');

    const buildTest = job.steps.find((s) => s.label === 'Build, test and type-check (tests included) the affected connectors')!;
    expect(buildTest.output).toMatch(/Successfully ran targets build, test, typecheck for 3 projects/);
    const dry = stepOutput(job, 'Deploy dry run');
    for (const [name, region] of [
      ['alpha', 'us'],
      ['beta', 'us'],
      ['beta', 'eu'],
      ['gamma', 'eu'],
      ['gamma', 'apac'],
    ]) {
      expect(dry).toContain(
        `[dry run] ${region}: POST ${emu.urlFor(region as 'us')}/cdk/v1/deployments/connectors/${name}/versions/1.0/deploy-connector-from-source`,
      );
    }
    // Only reads: the breaking-change check, one GET of the operations per connector and region, each answered 404
    // (1.0 is not deployed yet), and one GET of that region's connector list confirming it is not there (issue 28.5).
    expect(requests).toBe(0);
    expect(reads).toBe(10);
    expect(dry).toContain('breaking-change check: ');
    // The pull request holds no deploy token (issue 27.7): each region is listed without one, and the
    // breaking-change check above still read each region with the read-only tokens.
    expect(job.summary).toContain('Dry run of beta 1.0 (beta): 0/2 regions ok, 2 without a token');
    expect(dry).not.toContain('token from TRAY_API_TOKEN');
    for (const c of CONNECTORS) expect(job.summary).toContain(`Dry run of ${c.name} 1.0 (${c.name})`);
    expectNoSecret(job.output + job.summary);
  });

  it('2. the merge deploys the three connectors, each to its own regions; the log, deploy-result.json and the job summary show it', async () => {
    git(ws.root, 'checkout', '-q', 'main');
    git(ws.root, 'merge', '-q', '--no-ff', 'feature', '-m', 'Merge pull request #1 from feature');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const sha = git(ws.root, 'rev-parse', 'HEAD');
    const sharesBefore = emu.shares.length;
    // The repository variable TRAY_SHARE_WITH: every deployed connector is shared in each of its regions.
    const { job, dir, deployments } = await run('push', sha, 'refs/heads/main', { TRAY_SHARE_WITH: 'jane@acme.example,john@acme.example' });
    expect(job.success ? '' : job.output).toBe('');
    expect(deployed(deployments)).toEqual([
      'alpha@us:Deployed',
      'beta@eu:Deployed',
      'beta@us:Deployed',
      'gamma@apac:Deployed',
      'gamma@eu:Deployed',
    ]);
    expect(
      emu.shares
        .slice(sharesBefore)
        .map((sh) => `${sh.name}@${sh.region}:${sh.emails.join('+')}`)
        .sort(),
    ).toEqual(['alpha@us', 'beta@eu', 'beta@us', 'gamma@apac', 'gamma@eu'].map((d) => `${d}:jane@acme.example+john@acme.example`));
    for (const d of deployments) {
      // What was deployed is the zip this run built, with the operation the merge added.
      const zip = fs.readFileSync(path.join(dir, 'connectors', d.name, '.tray/connector.zip'));
      expect(d.zip.equals(zip)).toBe(true);
      expect(new AdmZip(zip).getEntry(`${d.name}/src/list_items/operation.json`)).toBeTruthy();
    }
    const deployLog = stepOutput(job, DEPLOY_STEP);
    const resultsLog = stepOutput(job, 'Results: one line per connector and region');
    for (const c of CONNECTORS) {
      const ids = deployments.filter((d) => d.name === c.name);
      // --output-style=stream: each deploy's summary table is in the log, not hidden as a successful task.
      expect(deployLog).toMatch(new RegExp(`Deploy of ${c.name} 1\\.0: ${ids.length}/${ids.length} regions? ok`));
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'connectors', c.name, '.tray/deploy-result.json'), 'utf8'));
      expect(result).toMatchObject({ connector: c.name, dryRun: false, success: true });
      expect(result.regions.map((r: { deploymentId: string }) => r.deploymentId).sort()).toEqual(ids.map((d) => d.id).sort());
      expect(job.summary).toContain(`Deploy of ${c.name} 1.0 (${c.name}): ${ids.length}/${ids.length} regions ok`);
      for (const d of ids) {
        expect(job.summary).toContain(`| ${d.region} | \`${d.id}\` | Deployed |`);
        // One line per connector and region, for a person.
        expect(resultsLog).toMatch(new RegExp(`^${c.name} +1\\.0 +${d.region} +ok +Deployed +${d.id} `, 'm'));
      }
    }
    // For a script: only JSON.
    const json = execFileSync('npx', ['tray-connector', 'results', '--json'], { cwd: dir, encoding: 'utf8', env: runnerEnv(dir) });
    const report = JSON.parse(json) as { rows: { connector: string; region: string; deploymentId: string; status: string }[] };
    expect(report.rows.map((r) => `${r.connector}@${r.region}:${r.status}:${r.deploymentId}`).sort()).toEqual(
      deployments.map((d) => `${d.name}@${d.region}:Deployed:${d.id}`).sort(),
    );
    expect(lastGreen).toBe(sha);
    expectNoSecret(job.output + job.summary);
  });

  it('3. a deploy that fails in one region fails the job; 4. the next merge, which changes nothing, deploys that connector again', async () => {
    changeConnector('beta', 'search_items');
    ws.commit('beta: search_items');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const failedSha = git(ws.root, 'rev-parse', 'HEAD');
    const greenBefore = lastGreen;
    emu.failDeployments(1, { region: 'eu', name: 'beta' });
    const failed = await run('push', failedSha, 'refs/heads/main');
    expect(failed.job.success).toBe(false);
    expect(deployed(failed.deployments)).toEqual(['beta@eu:Failed', 'beta@us:Deployed']);
    expect(failed.job.summary).toContain('❌ Deploy of beta 1.0 (beta): 1/2 regions ok');
    // The results are shown and uploaded after the failure too (if: always()); verify did not run.
    expect(failed.job.steps.map((st) => st.label).slice(-3)).toEqual([
      DEPLOY_STEP,
      'Results: one line per connector and region',
      'Upload the results (.tray/deploy-result.json, .tray/verify-result.json)',
    ]);
    expect(stepOutput(failed.job, 'Results')).toMatch(/^beta +1\.0 +eu +FAILED +Failed /m);
    expect(lastGreen).toBe(greenBefore);

    ws.write('README.md', '# connectors\n');
    ws.commit('README only');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const retried = await run('push', git(ws.root, 'rev-parse', 'HEAD'), 'refs/heads/main');
    expect(retried.job.success ? '' : retried.job.output).toBe('');
    expect(deployed(retried.deployments)).toEqual(['beta@eu:Deployed', 'beta@us:Deployed']);
  });

  it('5. a merge that deletes a connector: nothing to deploy, no failure', async () => {
    git(ws.root, 'rm', '-rq', 'connectors/gamma');
    fs.rmSync(path.join(ws.root, 'connectors/gamma'), { recursive: true, force: true });
    ws.commit('remove the gamma connector');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const { job, requests } = await run('push', git(ws.root, 'rev-parse', 'HEAD'), 'refs/heads/main');
    expect(job.success ? '' : job.output).toBe('');
    expect(requests).toBe(0);
    expect(job.output).not.toMatch(/gamma:(build|deploy)/);
  });

  it('6. a merge that changes nothing deployable: nothing sent, the job succeeds', async () => {
    ws.write('README.md', '# connectors\n\nDeployed by CI.\n');
    ws.commit('README again');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const { job, requests } = await run('push', git(ws.root, 'rev-parse', 'HEAD'), 'refs/heads/main');
    expect(job.success ? '' : job.output).toBe('');
    expect(requests).toBe(0);
    expect(job.summary).toBe('');
  });

  it('7. a merge of 2,500 files (over 128 KB of names) and a file name with a comma: no E2BIG, only beta deploys', async () => {
    for (let i = 0; i < 2500; i++)
      ws.write(`docs/imported-api/paths/repos-owner-repo-actions-runs-run-id-attempts-attempt-number-logs-${i}.md`, `# ${i}\n`);
    ws.write('connectors/beta/src/notes,v2.ts', 'export const notes = 2;\n');
    ws.commit('a large import of docs, and a file with a comma in beta');
    git(ws.root, 'push', '-q', 'origin', 'main');
    const { job, deployments } = await run('push', git(ws.root, 'rev-parse', 'HEAD'), 'refs/heads/main');
    expect(job.success ? '' : job.output).toBe('');
    expect(job.output).not.toMatch(/E2BIG/);
    expect(stepOutput(job, 'List the changed files')).toContain('2501 changed file(s) between');
    expect(deployed(deployments)).toEqual(['beta@eu:Deployed', 'beta@us:Deployed']);
  });
});
