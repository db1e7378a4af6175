import { isWindowsReservedName } from '../shared/names';
import { type Tree, updateNxJson, readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ciWorkflowGenerator, parseRegionSecrets } from './generator';

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
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

const FILES = '"$RUNNER_TEMP/tray-changed-files.txt"';

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

  describe('--name and every other value come out exactly as given (issue 19.6)', () => {
    it.each([
      'Tray: deploy #1',
      "it's *deploy",
      'Tray #1',
      "'quoted",
      'Tray: deploy',
      '&anchor *alias !tag %directive @at `tick` | > {a: b} [c] ? - ,',
      '"double" & <html> &#39; $HOME ${x} {{ y }}',
      'yes',
      '123',
      'null',
    ])('%s', async (name) => {
      const { text } = await github({ name, environment: 'prod eu/1' });
      expect(parse(text).name).toBe(name);
      expect(parse(text).jobs.deploy.environment).toBe('prod eu/1');
      expect(validateWithGithubParser(text).errors).toEqual([]);
    });

    it('refuses a --name holding a GitHub expression (${{ ... }}), which GitHub would evaluate', async () => {
      await expect(github({ name: 'Tray ${{ secrets.TRAY_API_TOKEN_US }}' })).rejects.toThrow(
        '--name "Tray ${{ secrets.TRAY_API_TOKEN_US }}" holds "${{", which GitHub would evaluate as an expression',
      );
    });

    it.each([
      ['name', 'Tray\non:\n  pull_request_target:'],
      ['name', 'Tray\r\njobs: {}'],
      ['name', 'Tray\u2028x'],
      ['name', 'bell\u0007'],
      ['environment', 'prod\nsecrets: inherit'],
      ['mainBranch', 'main\n      - other'],
    ])('refuses --%s with a line break or control character, naming the option, writing nothing', async (option, value) => {
      await expect(github({ [option]: value })).rejects.toThrow(
        `--${option} ${JSON.stringify(value)} holds a line break or control character`,
      );
      expect(tree.listChanges().filter((c) => c.path.startsWith('.github'))).toEqual([]);
    });
  });

  it('pull requests: checkout without credentials, install, nx-set-shas, then only short tray-connector commands', async () => {
    const wf = parse((await github()).text);
    expect(wf.name).toBe('Tray connectors');
    expect(Object.keys(wf.on)).toEqual(['push', 'pull_request']);
    expect(wf.on.push.branches).toEqual(['main']);
    expect(wf.permissions).toEqual({ contents: 'read', actions: 'read' });
    const pr = wf.jobs['pull-request'];
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(pr.concurrency['cancel-in-progress']).toBe(true);
    const steps: Step[] = pr.steps;
    expect(steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@v7',
      'actions/setup-node@v7',
      'npm ci',
      'nrwl/nx-set-shas@v4',
      'npx tray-connector ci test-contexts --secret-env TRAY_TEST_CTX',
      `npx tray-connector ci changed-files --output ${FILES}`,
      `npx tray-connector ci run --files-from ${FILES} --targets build,test,typecheck -- --batch --output-style=stream`,
      `npx tray-connector ci run --files-from ${FILES} --targets deploy -- --dryRun --allowMissingTokens --batch --output-style=stream`,
      'npx tray-connector results',
      'actions/upload-artifact@v7',
    ]);
    expect(steps[0].with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    expect(steps[1].with).toEqual({ 'node-version': '24', cache: 'npm' });
    expect(steps[4].env).toEqual({ TRAY_TEST_CTX: '${{ secrets.TRAY_TEST_CTX }}' });
    // No Tray token at all by default (issue 27.7): the dry run lists each region as 'Dry run: no token'.
    expect(steps.filter((st) => /TRAY_API_TOKEN|TRAY_API_KEY|TRAY_READ/.test(JSON.stringify(st)))).toEqual([]);
    expect(steps.filter((st) => st.env && !st.env.TRAY_TEST_CTX)).toEqual([]);
  });

  describe('pull requests never hold deploy tokens (issue 27.7)', () => {
    /** Every secret or variable a job's steps name, read from the parsed YAML. */
    const secretsOf = (job: { steps: Step[] }) =>
      [...JSON.stringify(job.steps).matchAll(/\$\{\{\s*secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);

    it.each([
      [{}, []],
      [{ readTokens: 'us,eu' }, ['TRAY_READ_TOKEN_US', 'TRAY_READ_TOKEN_EU']],
      [{ regions: 'us=TRAY_API_KEY_US,eu=TRAY_API_KEY_EU', readTokens: ['eu=TRAY_READ_KEY_EU'] }, ['TRAY_READ_KEY_EU']],
    ])('%j: the pull-request job names only read tokens, the deploy job every deploy token', async (options, readSecrets) => {
      const { text } = await github({ environment: 'tray-production', ...options });
      expect(validateWithGithubParser(text).errors).toEqual([]);
      const wf = parse(text);
      const deploySecrets = secretsOf(wf.jobs.deploy).filter((n) => n !== 'TRAY_TEST_CTX');
      expect(deploySecrets.length).toBeGreaterThan(0);
      const prSecrets = secretsOf(wf.jobs['pull-request']);
      expect(prSecrets.filter((n) => n !== 'TRAY_TEST_CTX').sort()).toEqual([...readSecrets].sort());
      for (const secret of deploySecrets) expect(prSecrets).not.toContain(secret);
      // Nor does the pull-request job set a deploy token variable by another name, or reach the deploy environment.
      expect(JSON.stringify(wf.jobs['pull-request'])).not.toMatch(/TRAY_API_TOKEN|TRAY_API_KEY/);
      expect(wf.jobs['pull-request'].environment).toBeUndefined();
      expect(wf.jobs.deploy.environment).toBe('tray-production');
      expect(wf.jobs.deploy.if).toBe("github.event_name == 'push'");
      expect(wf.on.push.branches).toEqual(['main']);
    });

    it('the dry run reads with the read tokens through --connectivityTokenEnv', async () => {
      const wf = parse((await github({ readTokens: 'us,eu=TRAY_READ_KEY_EU' })).text);
      const dry = (wf.jobs['pull-request'].steps as Step[]).find((st) => st.run?.includes('--dryRun'))!;
      expect(dry.env).toEqual({
        TRAY_READ_TOKEN_US: '${{ secrets.TRAY_READ_TOKEN_US }}',
        TRAY_READ_TOKEN_EU: '${{ secrets.TRAY_READ_KEY_EU }}',
      });
      expect(dry.run).toBe(
        `npx tray-connector ci run --files-from ${FILES} --targets deploy -- --dryRun --allowMissingTokens --connectivityTokenEnv.us=TRAY_READ_TOKEN_US --connectivityTokenEnv.eu=TRAY_READ_TOKEN_EU --batch --output-style=stream`,
      );
    });

    it('refuses a read token that is a deploy token, a region not deployed to, or a bad name', async () => {
      await expect(github({ readTokens: 'us=TRAY_API_TOKEN_US' })).rejects.toThrow(
        '--readTokens "us=TRAY_API_TOKEN_US" names TRAY_API_TOKEN_US, which holds the us deploy token',
      );
      await expect(github({ regions: 'us=KEY_US', readTokens: 'us=KEY_US' })).rejects.toThrow('which holds the us deploy token');
      await expect(github({ regions: 'us', readTokens: 'eu' })).rejects.toThrow(
        'Region eu in --readTokens is not one the workflow deploys to',
      );
      await expect(github({ readTokens: 'us=a-b' })).rejects.toThrow('Invalid secret name in --readTokens "us=a-b"');
      await expect(github({ readTokens: 'mars' })).rejects.toThrow('Unknown region "mars" in --readTokens');
      expect(tree.listChanges().filter((c) => c.path.startsWith('.github'))).toEqual([]);
    });
  });

  it('no step passes the changed files through GITHUB_ENV, GITHUB_OUTPUT, a variable or an argument (issue 22.6, 19.6)', async () => {
    const { text } = await github();
    const wf = parse(text);
    for (const job of Object.values(wf.jobs) as { steps: Step[] }[]) {
      for (const step of job.steps) {
        expect(step.run ?? '').not.toMatch(/GITHUB_ENV|GITHUB_OUTPUT|--files[= ]|TRAY_AFFECTED_FILES|node - <</);
        // The YAML stays short: every command is one line; the logic is in the plugin.
        expect((step.run ?? '').split('\n')).toHaveLength(1);
      }
    }
    expect(text.split('\n').length).toBeLessThan(130);
  });

  it('push to main: one deploy at a time, timeout, tokens only in the deploy and verify steps, verify after deploy, results uploaded', async () => {
    const wf = parse((await github()).text);
    const deploy = wf.jobs.deploy;
    expect(deploy.if).toBe("github.event_name == 'push'");
    expect(deploy.concurrency).toEqual({ group: '${{ github.workflow }}-deploy-${{ github.ref }}', 'cancel-in-progress': false });
    expect(deploy['timeout-minutes']).toBe(30);
    expect(deploy.environment).toBeUndefined();
    expect(deploy.env).toBeUndefined();
    const steps: Step[] = deploy.steps;
    expect(steps[0].with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    expect(steps.find((s) => s.uses === 'nrwl/nx-set-shas@v4')!.with).toEqual({ 'main-branch-name': 'main' });
    // A test with a type error stops the deploy, as a failing test does (the typecheck target: jest only transpiles).
    expect(steps.map((s) => s.run)).toContain(
      `npx tray-connector ci run --files-from ${FILES} --targets build,test,typecheck -- --batch --output-style=stream`,
    );
    const tail = steps.slice(-4);
    expect(tail.map((s) => s.run ?? s.uses)).toEqual([
      `npx tray-connector ci run --files-from ${FILES} --targets deploy -- --batch --output-style=stream \${TRAY_SHARE_WITH:+"--shareWith=$TRAY_SHARE_WITH"}`,
      `npx tray-connector ci run --files-from ${FILES} --select-by deploy --targets verify -- --output-style=stream`,
      'npx tray-connector results',
      'actions/upload-artifact@v7',
    ]);
    const tokens = {
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_TOKEN_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_TOKEN_EU }}',
      TRAY_API_TOKEN_APAC: '${{ secrets.TRAY_API_TOKEN_APAC }}',
    };
    expect(tail[0].env).toEqual({ ...tokens, TRAY_SHARE_WITH: '${{ vars.TRAY_SHARE_WITH }}' });
    expect(tail[1].env).toEqual(tokens);
    const withTokens = steps.filter((s) => JSON.stringify(s).includes('TRAY_API_TOKEN'));
    expect(withTokens).toEqual([tail[0], tail[1]]);
    // Results are shown and uploaded even when the deploy failed.
    expect(tail[2].if).toBe('always()');
    expect(tail[3]).toEqual({
      name: 'Upload the results (.tray/deploy-result.json, .tray/verify-result.json)',
      if: 'always()',
      uses: 'actions/upload-artifact@v7',
      with: {
        name: 'tray-deploy-results',
        path: '**/.tray/deploy-result.json\n**/.tray/verify-result.json\n!node_modules/**\n',
        'include-hidden-files': true,
        'if-no-files-found': 'ignore',
      },
    });
  });

  it('--environment and --timeoutMinutes set the deploy job; bad values are refused naming the option', async () => {
    const { text } = await github({ environment: 'tray-production', timeoutMinutes: 45, nodeVersion: '24.11' });
    expect(validateWithGithubParser(text).errors).toEqual([]);
    const wf = parse(text);
    expect(wf.jobs.deploy.environment).toBe('tray-production');
    expect(wf.jobs.deploy['timeout-minutes']).toBe(45);
    expect(wf.jobs['pull-request'].environment).toBeUndefined();
    expect(wf.jobs.deploy.steps[1].with['node-version']).toBe('24.11');
    await expect(github({ environment: '${{ github.actor }}' })).rejects.toThrow(
      '--environment "${{ github.actor }}" is not an environment name',
    );
    await expect(github({ timeoutMinutes: 0 })).rejects.toThrow('--timeoutMinutes "0" is not a whole number of minutes');
    await expect(github({ timeoutMinutes: 'soon' })).rejects.toThrow('--timeoutMinutes "soon"');
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
    expect(steps[steps.length - 4].env).toEqual({
      TRAY_API_TOKEN_US: '${{ secrets.TRAY_API_KEY_US }}',
      TRAY_API_TOKEN_EU: '${{ secrets.TRAY_API_KEY_EU }}',
      SHARE_EMAILS: '${{ vars.SHARE_EMAILS }}',
    });
    expect(steps.find((s) => s.env?.CONNECTOR_TEST_CTX)!.run).toBe('npx tray-connector ci test-contexts --secret-env CONNECTOR_TEST_CTX');
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
      'actions/checkout@v7',
      'pnpm/action-setup@v4',
      'actions/setup-node@v7',
      'nrwl/nx-set-shas@v4',
      'actions/upload-artifact@v7',
    ]);
    expect(steps.find((s) => s.name === 'Install')!.run).toMatch(/^pnpm install --frozen-lockfile/);
    expect(steps[steps.length - 4].run).toMatch(/^pnpm exec tray-connector ci run .* --targets deploy /);
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

  it.each(['con', 'CON', 'Nul', 'aux', 'prn', 'com1', 'LPT9'])(
    'refuses a --name whose file name Windows reserves (%s), writing nothing (issue 28 minor)',
    async (name) => {
      await expect(github({ name })).rejects.toThrow(`makes the file name "${name.toLowerCase()}", which Windows reserves`);
      await expect(ciWorkflowGenerator(tree, { provider: 'gitlab', name })).rejects.toThrow('which Windows reserves');
      expect(tree.listChanges().filter((c) => c.path.startsWith('.github') || c.path.includes('gitlab'))).toEqual([]);
    },
  );

  it('Windows reserved names are matched in any case and with any extension, and only as the whole stem', () => {
    for (const name of ['con', 'CON.yml', 'nul.txt', 'Com1.gitlab-ci.yml', 'lpt0', 'aux.', 'com\u00b9.yml']) {
      expect([name, isWindowsReservedName(name)]).toEqual([name, true]);
    }
    expect(['console', 'con-deploy', 'icon', 'com10', 'lpt', 'tray-connectors'].map(isWindowsReservedName)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
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
    const FILE = '.gitlab/ci/tray-connectors.gitlab-ci.yml';
    const gitlab = async (options: Record<string, unknown> = {}) => {
      await ciWorkflowGenerator(tree, { provider: 'gitlab', skipFormat: true, ...options });
      // GitLab's own `!reference` tag is left unresolved: the script list it points at is checked on its own.
      return parse(tree.read(FILE, 'utf-8')!, { logLevel: 'error' });
    };

    it('writes the same pipeline: merge requests with the merge-base, deploys then verifies on the main branch one at a time', async () => {
      const ci = await gitlab({ regions: 'us=TRAY_API_KEY_US,eu', environment: 'tray production', timeoutMinutes: 20 });
      expect(parse(tree.read('.gitlab-ci.yml', 'utf-8')!)).toEqual({ include: [{ local: FILE }] });
      expect(tree.read(FILE, 'utf-8')).toContain('- !reference [ .tray-connectors-files, script ]');
      expect(ci.stages).toEqual(['test', 'deploy']);
      const setup = ci['.tray-connectors-setup'];
      expect(setup.image).toBe('node:24');
      expect(setup.before_script).toBeUndefined();
      expect(setup.after_script).toEqual(['npx tray-connector results']);
      const mr = ci['tray-connectors:merge-request'];
      for (const job of [mr, ci['tray-connectors:deploy']])
        expect(job.before_script.slice(1)).toEqual(['npm ci', 'npx tray-connector ci test-contexts --secret-env TRAY_TEST_CTX']);
      expect(mr.extends).toBe('.tray-connectors-setup');
      expect(mr.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
      expect(mr.script.join('\n')).toContain('git merge-base FETCH_HEAD HEAD');
      const list = '"$CI_PROJECT_DIR/.tray-ci/changed-files.txt"';
      expect(mr.script).toContain(
        `npx tray-connector ci run --files-from ${list} --targets deploy -- --dryRun --allowMissingTokens --batch --output-style=stream`,
      );
      for (const job of [mr, ci['tray-connectors:deploy']])
        expect(job.script).toContain(
          `npx tray-connector ci run --files-from ${list} --targets build,test,typecheck -- --batch --output-style=stream`,
        );
      expect(ci['.tray-connectors-files'].script).toEqual([`npx tray-connector ci changed-files --output ${list}`]);
      const deploy = ci['tray-connectors:deploy'];
      expect(deploy.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main" && $CI_PIPELINE_SOURCE == "push"' }]);
      expect(deploy.resource_group).toBe('tray-connectors-deploy-main');
      expect(deploy.environment).toEqual({ name: 'tray production' });
      expect(deploy.timeout).toBe('20 minutes');
      // No job-level token variables: npm ci and the tests would see them.
      expect(deploy.variables).toBeUndefined();
      expect(deploy.script.slice(-2)).toEqual([
        `TRAY_API_TOKEN_US="$tray_token_us" TRAY_API_TOKEN_EU="$tray_token_eu" npx tray-connector ci run --files-from ${list} --targets deploy -- --batch --output-style=stream \${TRAY_SHARE_WITH:+"--shareWith=$TRAY_SHARE_WITH"}`,
        `TRAY_API_TOKEN_US="$tray_token_us" TRAY_API_TOKEN_EU="$tray_token_eu" npx tray-connector ci run --files-from ${list} --select-by deploy --targets verify -- --output-style=stream`,
      ]);
      expect(deploy.artifacts).toEqual({
        name: 'tray-deploy-results',
        when: 'always',
        paths: ['**/.tray/deploy-result.json', '**/.tray/verify-result.json'],
        expire_in: '30 days',
      });
    });

    it('the tokens reach the deploy command and never the environment of npm ci or the tests (run in bash)', async () => {
      const ci = await gitlab({ regions: 'us=TRAY_API_KEY_US,eu' });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-gitlab-'));
      try {
        // GitLab runs before_script and script in one shell; install and npx are replaced by commands that record their environment.
        const script = [
          'npx() { env > "$1.env"; }',
          ci['tray-connectors:deploy'].before_script[0],
          'env > install.env',
          ci['tray-connectors:deploy'].script.at(-2).replace('npx tray-connector', 'npx deploy'),
          ci['tray-connectors:deploy'].script.at(-1).replace('npx tray-connector', 'npx verify'),
        ].join('\n');
        const r = spawnSync('bash', ['--norc', '--noprofile', '-e', '-c', script], {
          cwd: dir,
          env: { PATH: process.env.PATH, TRAY_API_KEY_US: 'us-secret-1', TRAY_API_TOKEN_EU: 'eu-secret-2' },
          encoding: 'utf8',
        });
        expect(r.stderr).toBe('');
        const install = fs.readFileSync(path.join(dir, 'install.env'), 'utf8');
        expect(install).not.toMatch(/us-secret-1|eu-secret-2/);
        for (const step of ['deploy', 'verify']) {
          const env = fs.readFileSync(path.join(dir, `${step}.env`), 'utf8');
          expect(env).toContain('TRAY_API_TOKEN_US=us-secret-1\n');
          expect(env).toContain('TRAY_API_TOKEN_EU=eu-secret-2\n');
          expect(env).not.toContain('TRAY_API_KEY_US');
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the merge-request job never holds a deploy token: only read tokens reach its dry run, run in bash (issue 27.7)', async () => {
      const ci = await gitlab({ regions: 'us=TRAY_API_KEY_US,eu', readTokens: 'eu=TRAY_READ_KEY_EU', environment: 'tray-production' });
      const mr = ci['tray-connectors:merge-request'];
      expect(mr.environment).toBeUndefined();
      expect(mr.before_script[0]).toMatch(/^unset TRAY_API_KEY_US TRAY_API_TOKEN_US TRAY_API_TOKEN_EU TRAY_READ_KEY_EU$/m);
      // Beyond the unset line, nothing in the job (or the setup it extends) names a deploy token.
      const jobText = JSON.stringify([mr, ci['.tray-connectors-setup']]).replace(/unset [A-Z_ ]+/g, '');
      expect(jobText).not.toMatch(/TRAY_API_KEY|TRAY_API_TOKEN|tray_token_/);
      const dry = mr.script.at(-1) as string;
      expect(dry).toMatch(
        /^TRAY_READ_TOKEN_EU="\$tray_read_eu" npx tray-connector ci run .* --dryRun .* --connectivityTokenEnv\.eu=TRAY_READ_TOKEN_EU$/,
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-gitlab-mr-'));
      try {
        const script = [
          'npx() { env > "$1.env"; }',
          mr.before_script[0],
          'env > install.env',
          dry.replace('npx tray-connector', 'npx dry'),
        ].join('\n');
        const r = spawnSync('bash', ['--norc', '--noprofile', '-e', '-c', script], {
          cwd: dir,
          env: { PATH: process.env.PATH, TRAY_API_KEY_US: 'us-secret-1', TRAY_API_TOKEN_EU: 'eu-secret-2', TRAY_READ_KEY_EU: 'eu-read-3' },
          encoding: 'utf8',
        });
        expect(r.stderr).toBe('');
        expect(fs.readFileSync(path.join(dir, 'install.env'), 'utf8')).not.toMatch(/secret-1|secret-2|read-3/);
        const env = fs.readFileSync(path.join(dir, 'dry.env'), 'utf8');
        expect(env).not.toMatch(/secret-1|secret-2/);
        expect(env).toContain('TRAY_READ_TOKEN_EU=eu-read-3\n');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('leaves an existing .gitlab-ci.yml alone', async () => {
      tree.write('.gitlab-ci.yml', 'stages: [build]\n');
      await gitlab();
      expect(tree.read('.gitlab-ci.yml', 'utf-8')).toBe('stages: [build]\n');
    });

    it('a --name that is not one line is refused for GitLab too', async () => {
      await expect(gitlab({ name: 'x\n.evil:\n  script: [env]' })).rejects.toThrow('--name');
      expect(tree.exists('.gitlab-ci.yml')).toBe(false);
    });
  });
});
