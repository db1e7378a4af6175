import { type Tree, updateNxJson, readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { affectedFilesScript, ciWorkflowGenerator, parseRegionSecrets, testContextScript } from './generator';

const VALIDATOR = path.join(__dirname, '__fixtures__', 'validate-github-workflow.mjs');

/** GitHub's own parser (@actions/workflow-parser) on the YAML: its errors and the job ids. */
function validateWithGithubParser(yamlText: string, name = 'workflow.yml'): { errors: string[]; jobs: string[] } {
  const out = execFileSync(process.execPath, [VALIDATOR, name], { input: yamlText, encoding: 'utf8', cwd: __dirname });
  return JSON.parse(out);
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

describe('ci-workflow generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  const github = async (options: Record<string, unknown> = {}) => {
    await ciWorkflowGenerator(tree, { provider: 'github', skipFormat: true, ...options });
    const file = tree.listChanges().find((c) => c.path.startsWith('.github/workflows/'))!.path;
    return { file, text: tree.read(file, 'utf-8')! };
  };

  it("writes .github/workflows/<name>.yml that GitHub's own parser accepts", async () => {
    const { file, text } = await github();
    expect(file).toBe('.github/workflows/tray-connectors.yml');
    expect(validateWithGithubParser(text, file)).toEqual({ errors: [], jobs: ['pull-request', 'deploy'] });
  });

  it("the validation is real: GitHub's parser reports a broken workflow", () => {
    const broken = validateWithGithubParser(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n        bogus: 1\n',
    );
    expect(broken.errors.join('\n')).toMatch(/Unexpected value 'bogus'/);
    expect(validateWithGithubParser('on: push\njobs:\n  a:\n    steps: []\n').errors.join('\n')).toMatch(/runs-on/);
  });

  it('pull requests: install, nx-set-shas, test contexts, affected build+test, deploy dry run', async () => {
    const wf = parse((await github()).text);
    expect(wf.name).toBe('Tray connectors');
    expect(Object.keys(wf.on)).toEqual(['push', 'pull_request']);
    expect(wf.on.push.branches).toEqual(['main']);
    expect(wf.permissions).toEqual({ contents: 'read', actions: 'read' });
    const pr = wf.jobs['pull-request'];
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(pr.concurrency['cancel-in-progress']).toBe(true);
    const steps: Step[] = pr.steps;
    expect(steps.map((s) => s.uses ?? s.run!.split('\n')[0])).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      'nrwl/nx-set-shas@v4',
      "node - <<'NODE'",
      'files="$(',
      'if [ -z "$TRAY_AFFECTED_FILES" ]; then echo "No changed file (besides deleted connectors): nothing to build or test."; exit 0; fi',
      'if [ -z "$TRAY_AFFECTED_FILES" ]; then echo "No changed file (besides deleted connectors): nothing to deploy."; exit 0; fi',
    ]);
    expect(steps[5].run).toContain('echo "TRAY_AFFECTED_FILES=$files" >> "$GITHUB_ENV"');
    expect(steps[6].run).toContain('npx nx affected -t build test --batch --files="$TRAY_AFFECTED_FILES" --output-style=stream');
    expect(steps[7].run).toContain('npx nx affected -t deploy --dryRun --batch --files="$TRAY_AFFECTED_FILES" --output-style=stream');
    expect(steps[0].with).toEqual({ 'fetch-depth': 0 });
    expect(steps[4].env).toEqual({ TRAY_TEST_CTX: '${{ secrets.TRAY_TEST_CTX }}' });
    // No token reaches a pull request's job.
    expect(JSON.stringify(pr)).not.toMatch(/TRAY_API_TOKEN|TRAY_API_KEY/);
  });

  it('push to main: one deploy at a time, never cancelled, tokens per region from secrets, shareWith from a variable', async () => {
    const wf = parse((await github()).text);
    const deploy = wf.jobs.deploy;
    expect(deploy.if).toBe("github.event_name == 'push'");
    expect(deploy.concurrency).toEqual({ group: '${{ github.workflow }}-deploy-${{ github.ref }}', 'cancel-in-progress': false });
    const steps: Step[] = deploy.steps;
    const setShas = steps.find((s) => s.uses === 'nrwl/nx-set-shas@v4')!;
    expect(setShas.with).toEqual({ 'main-branch-name': 'main' });
    const deployIndex = steps.findIndex((s) => s.run?.includes('-t deploy'));
    const deployStep = steps[deployIndex];
    expect(deployStep.run!.split('\n')[1]).toBe(
      'npx nx affected -t deploy --batch --files="$TRAY_AFFECTED_FILES" --output-style=stream ${TRAY_SHARE_WITH:+"--shareWith=$TRAY_SHARE_WITH"}',
    );
    expect(deployStep.env).toEqual({
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_TOKEN_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_TOKEN_EU }}',
      TRAY_API_TOKEN_APAC: '${{ secrets.TRAY_API_TOKEN_APAC }}',
      TRAY_SHARE_WITH: '${{ vars.TRAY_SHARE_WITH }}',
    });
    // Tests run before anything is deployed.
    expect(steps.findIndex((s) => s.run?.includes('-t build test'))).toBeLessThan(deployIndex);
  });

  it('push to main: after the deploy, verify reads what each region serves, with the same tokens (nothing to verify without changes)', async () => {
    const wf = parse((await github()).text);
    const steps: Step[] = wf.jobs.deploy.steps;
    const deployIndex = steps.findIndex((s) => s.run?.includes('-t deploy'));
    const verify = steps[steps.length - 1];
    expect(deployIndex).toBe(steps.length - 2);
    expect(verify.run!.split('\n')).toEqual([
      'if [ -z "$TRAY_AFFECTED_FILES" ]; then echo "No changed file (besides deleted connectors): nothing to verify."; exit 0; fi',
      'npx nx affected -t verify --files="$TRAY_AFFECTED_FILES" --output-style=stream',
      '',
    ]);
    expect(verify.env).toEqual({
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_TOKEN_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_TOKEN_EU }}',
      TRAY_API_TOKEN_APAC: '${{ secrets.TRAY_API_TOKEN_APAC }}',
    });
    // The pull-request job verifies nothing: nothing of it was deployed.
    const pr: Step[] = wf.jobs['pull-request'].steps;
    expect(pr.some((s) => s.run?.includes('-t verify'))).toBe(false);
  });

  it("--name, --mainBranch, --regions with Tray's secret names, and the variable names", async () => {
    const { file, text } = await github({
      name: 'Deploy Connectors',
      mainBranch: 'trunk',
      regions: 'us=TRAY_API_KEY_US,eu=TRAY_API_KEY_EU',
      shareWithVariable: 'SHARE_EMAILS',
      testContextSecret: 'CONNECTOR_TEST_CTX',
    });
    expect(file).toBe('.github/workflows/deploy-connectors.yml');
    expect(validateWithGithubParser(text, file).errors).toEqual([]);
    const wf = parse(text);
    expect(wf.on.push.branches).toEqual(['trunk']);
    const steps: Step[] = wf.jobs.deploy.steps;
    expect(steps.find((s) => s.uses === 'nrwl/nx-set-shas@v4')!.with).toEqual({ 'main-branch-name': 'trunk' });
    expect(steps[steps.length - 2].env).toEqual({
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_KEY_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_KEY_EU }}',
      SHARE_EMAILS: '${{ vars.SHARE_EMAILS }}',
    });
    expect(steps[steps.length - 1].env).toEqual({
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_KEY_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_KEY_EU }}',
    });
    expect(steps.find((s) => s.env?.CONNECTOR_TEST_CTX)!.run).toContain('process.env.CONNECTOR_TEST_CTX');
  });

  it('takes the main branch from nx.json defaultBase', async () => {
    updateNxJson(tree, { ...readNxJson(tree), defaultBase: 'develop' });
    expect(parse((await github()).text).on.push.branches).toEqual(['develop']);
  });

  it("uses the workspace's package manager", async () => {
    tree.write('pnpm-lock.yaml', 'lockfileVersion: 9.0\n');
    tree.delete('package-lock.json');
    const { text } = await github();
    expect(validateWithGithubParser(text).errors).toEqual([]);
    const steps: Step[] = parse(text).jobs.deploy.steps;
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual([
      'actions/checkout@v4',
      'pnpm/action-setup@v4',
      'actions/setup-node@v4',
      'nrwl/nx-set-shas@v4',
    ]);
    expect(steps.find((s) => s.name === 'Install')!.run).toMatch(/^pnpm install --frozen-lockfile/);
    expect(steps[steps.length - 2].run).toMatch(/\npnpm exec nx affected -t deploy/);
    expect(steps[steps.length - 1].run).toMatch(/\npnpm exec nx affected -t verify/);
  });

  it('refuses unknown providers, regions and bad names, naming the option', async () => {
    await expect(ciWorkflowGenerator(tree, { provider: 'jenkins' as never })).rejects.toThrow(
      'Unknown --provider "jenkins": use github or gitlab',
    );
    await expect(github({ regions: 'us,mars' })).rejects.toThrow('Unknown region "mars" in --regions');
    await expect(github({ regions: 'us=bad-name' })).rejects.toThrow('Invalid secret name in --regions "us=bad-name"');
    await expect(github({ regions: 'us,us1' })).rejects.toThrow('Region us is given twice in --regions');
    await expect(github({ shareWithVariable: 'a b' })).rejects.toThrow('--shareWithVariable "a b" is not a valid variable name');
    await expect(github({ mainBranch: 'main; rm -rf /' })).rejects.toThrow('--mainBranch');
    expect(tree.listChanges().filter((c) => c.path.startsWith('.github'))).toEqual([]);
  });

  it('parses region=SECRET mappings', () => {
    expect(parseRegionSecrets(undefined).map((r) => `${r.region}:${r.env}<-${r.secret}`)).toEqual([
      'us:TRAY_API_TOKEN_US<-TRAY_API_TOKEN_US',
      'eu:TRAY_API_TOKEN_EU<-TRAY_API_TOKEN_EU',
      'apac:TRAY_API_TOKEN_APAC<-TRAY_API_TOKEN_APAC',
    ]);
    expect(parseRegionSecrets(['ap1=TRAY_API_KEY_APAC'])).toEqual([
      { region: 'apac', env: 'TRAY_API_TOKEN_APAC', secret: 'TRAY_API_KEY_APAC' },
    ]);
  });

  describe('gitlab', () => {
    const gitlab = async (options: Record<string, unknown> = {}) => {
      await ciWorkflowGenerator(tree, { provider: 'gitlab', skipFormat: true, ...options });
      // GitLab's own `!reference` tag is left unresolved: the script list it points at is checked on its own.
      return parse(tree.read('.gitlab/ci/tray-connectors.gitlab-ci.yml', 'utf-8')!, { logLevel: 'error' });
    };

    it('writes the same pipeline: merge requests with the merge-base, deploys on the main branch one at a time', async () => {
      const ci = await gitlab({ regions: 'us=TRAY_API_KEY_US,eu' });
      expect(parse(tree.read('.gitlab-ci.yml', 'utf-8')!)).toEqual({ include: [{ local: '.gitlab/ci/tray-connectors.gitlab-ci.yml' }] });
      expect(ci.stages).toEqual(['test', 'deploy']);
      const setup = ci['.tray-connectors-setup'];
      expect(setup.before_script[0]).toBe('npm ci');
      expect(setup.before_script[1]).toContain('process.env.TRAY_TEST_CTX');
      const mr = ci['tray-connectors:merge-request'];
      expect(mr.extends).toBe('.tray-connectors-setup');
      expect(mr.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
      expect(mr.script.join('\n')).toContain('git merge-base FETCH_HEAD HEAD');
      expect(mr.script).toContain('npx nx affected -t deploy --dryRun --batch --files="$TRAY_AFFECTED_FILES" --output-style=stream');
      expect(ci['.tray-connectors-files'].script[0]).toContain("node - <<'NODE'");
      const deploy = ci['tray-connectors:deploy'];
      expect(deploy.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main" && $CI_PIPELINE_SOURCE == "push"' }]);
      expect(deploy.resource_group).toBe('tray-connectors-deploy-main');
      expect(deploy.variables).toEqual({ TRAY_API_TOKEN_US: '$TRAY_API_KEY_US', GIT_DEPTH: 0 });
      expect(deploy.script[deploy.script.length - 1]).toBe(
        'npx nx affected -t verify --files="$TRAY_AFFECTED_FILES" --output-style=stream',
      );
      expect(deploy.script[deploy.script.length - 2]).toBe(
        'npx nx affected -t deploy --batch --files="$TRAY_AFFECTED_FILES" --output-style=stream ${TRAY_SHARE_WITH:+"--shareWith=$TRAY_SHARE_WITH"}',
      );
    });

    it('leaves an existing .gitlab-ci.yml alone', async () => {
      tree.write('.gitlab-ci.yml', 'stages: [build]\n');
      await gitlab();
      expect(tree.read('.gitlab-ci.yml', 'utf-8')).toBe('stages: [build]\n');
    });
  });

  describe('the test-context script', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-ctx-'));
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir });
      git('init', '-q');
      for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
        fs.mkdirSync(path.join(dir, 'connectors', name, 'src'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'connectors', name, 'connector.json'), JSON.stringify({ name, version: '1.0' }));
      }
      fs.writeFileSync(path.join(dir, 'connectors/beta/test.ctx.example.json'), '{"auth":{"user":{"access_token":"sample"}}}\n');
      fs.writeFileSync(path.join(dir, 'connectors/delta/src/test.ctx.json'), '{"local":true}\n');
      git('add', '-A');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync('bash', ['-e', '-c', testContextScript('TRAY_TEST_CTX')], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
    const ctx = (name: string) => fs.readFileSync(path.join(dir, 'connectors', name, 'src/test.ctx.json'), 'utf8');

    it('secret entry, else committed sample, else {}; an existing file is kept; the secret is never printed', () => {
      const r = run({ TRAY_TEST_CTX: JSON.stringify({ alpha: { auth: { user: { access_token: 'from-the-secret-42' } } } }) });
      expect(r.status).toBe(0);
      expect(JSON.parse(ctx('alpha'))).toEqual({ auth: { user: { access_token: 'from-the-secret-42' } } });
      expect(ctx('beta')).toBe('{"auth":{"user":{"access_token":"sample"}}}\n');
      expect(ctx('gamma')).toBe('{}\n');
      expect(ctx('delta')).toBe('{"local":true}\n');
      expect(r.stdout).toContain('connectors/alpha/src/test.ctx.json: from TRAY_TEST_CTX');
      expect(r.stdout).toContain('connectors/beta/src/test.ctx.json: from connectors/beta/test.ctx.example.json');
      expect(r.stdout).toContain('connectors/gamma/src/test.ctx.json: {} (no TRAY_TEST_CTX entry, no test.ctx.example.json)');
      expect(r.stdout).toContain('connectors/delta/src/test.ctx.json: kept');
      expect(r.stdout + r.stderr).not.toContain('from-the-secret-42');
      expect(fs.statSync(path.join(dir, 'connectors/alpha/src/test.ctx.json')).mode & 0o777).toBe(0o600);
    });

    it('a secret that is not JSON fails, naming the secret, without printing it', () => {
      const r = run({ TRAY_TEST_CTX: 'not-json-secret-99' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('TRAY_TEST_CTX is not JSON');
      expect(r.stdout + r.stderr).not.toContain('not-json-secret-99');
    });
  });

  describe('the changed-files script', () => {
    let dir: string;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-files-'));
      git('init', '-q');
      git('config', 'user.email', 't@example.com');
      git('config', 'user.name', 't');
      git('config', 'commit.gpgsign', 'false');
      for (const name of ['alpha', 'beta', 'gamma']) {
        write(`connectors/${name}/connector.json`, JSON.stringify({ name, version: '1.0' }));
        write(`connectors/${name}/project.json`, '{}');
        write(`connectors/${name}/src/op/operation.json`, '{}');
      }
      git('add', '-A');
      git('commit', '-qm', 'base');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = () => {
      const r = spawnSync('bash', ['-e', '-c', affectedFilesScript()], {
        cwd: dir,
        env: { ...process.env, NX_BASE: git('rev-parse', 'HEAD~1'), NX_HEAD: 'HEAD' },
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      return { files: r.stdout ? r.stdout.split(',').sort() : [], log: r.stderr };
    };

    it('leaves out every file of a deleted connector (Nx would count it as a change of all projects), keeps the others', () => {
      git('rm', '-rq', 'connectors/gamma');
      fs.rmSync(path.join(dir, 'connectors/beta/src/op'), { recursive: true });
      write('connectors/alpha/src/op/input.ts', 'export type OpInput = {};');
      git('add', '-A');
      git('commit', '-qm', 'change');
      const { files, log } = run();
      expect(files).toEqual(['connectors/alpha/src/op/input.ts', 'connectors/beta/src/op/operation.json']);
      expect(log).toContain('deleted connector connectors/gamma/: nothing to build or deploy for it');
    });

    it('a merge that only deletes a connector leaves nothing; a moved connector counts as new', () => {
      git('rm', '-rq', 'connectors/gamma');
      git('commit', '-qm', 'delete');
      expect(run().files).toEqual([]);
      git('mv', 'connectors/beta', 'connectors/beta-moved');
      git('commit', '-qm', 'move');
      expect(run().files).toEqual([
        'connectors/beta-moved/connector.json',
        'connectors/beta-moved/project.json',
        'connectors/beta-moved/src/op/operation.json',
      ]);
    });

    it('without NX_BASE it fails, naming it', () => {
      const r = spawnSync('bash', ['-e', '-c', affectedFilesScript()], {
        cwd: dir,
        env: { ...process.env, NX_BASE: '' },
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('NX_BASE is not set');
    });
  });
});
