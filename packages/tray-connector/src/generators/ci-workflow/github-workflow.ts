import type { NormalizedCiWorkflowOptions } from './normalized-options';

/**
 * The GitHub Actions workflow as data (the generator stringifies it with the `yaml` library, which
 * quotes every value as YAML needs). Every option value was validated before it gets here; none is
 * ever pasted into YAML text or a shell line except names checked against a strict pattern.
 */

/** Current majors (December 2026): actions/checkout v7, actions/setup-node v7, actions/upload-artifact v7. */
export const ACTIONS = {
  checkout: 'actions/checkout@v7',
  setupNode: 'actions/setup-node@v7',
  uploadArtifact: 'actions/upload-artifact@v7',
  setShas: 'nrwl/nx-set-shas@v4',
  pnpm: 'pnpm/action-setup@v4',
} as const;

/** Where the changed-file list lives during a job (never in a variable or an argument). */
export const CHANGED_FILES_LIST = '"$RUNNER_TEMP/tray-changed-files.txt"';

type Step = Record<string, unknown>;

function setupSteps(o: NormalizedCiWorkflowOptions, setShasName: string): Step[] {
  const bin = `${o.exec} tray-connector`;
  return [
    // No credentials stay in .git/config: no step pushes, and nothing after checkout may reuse them.
    { uses: ACTIONS.checkout, with: { 'fetch-depth': 0, 'persist-credentials': false } },
    ...(o.packageManager === 'pnpm' ? [{ uses: ACTIONS.pnpm }] : []),
    {
      uses: ACTIONS.setupNode,
      with: { 'node-version': o.nodeVersion, ...(o.packageManager !== 'bun' ? { cache: o.packageManager } : {}) },
    },
    { name: 'Install', run: o.install },
    { name: setShasName, uses: ACTIONS.setShas, with: { 'main-branch-name': o.mainBranch } },
    {
      name: `Create each connector's src/test.ctx.json (secret ${o.testContextSecret}, else its test.ctx.example.json)`,
      env: { [o.testContextSecret]: `\${{ secrets.${o.testContextSecret} }}` },
      run: `${bin} ci test-contexts --secret-env ${o.testContextSecret}`,
    },
    {
      name: 'List the changed files in a file (a deleted connector is no change to the others)',
      run: `${bin} ci changed-files --output ${CHANGED_FILES_LIST}`,
    },
    {
      name: 'Build, test and type-check (tests included) the affected connectors',
      run: `${bin} ci run --files-from ${CHANGED_FILES_LIST} --targets build,test,typecheck -- --batch --output-style=stream`,
    },
  ];
}

function resultSteps(o: NormalizedCiWorkflowOptions, artifact: string): Step[] {
  return [
    { name: 'Results: one line per connector and region', if: 'always()', run: `${o.exec} tray-connector results` },
    {
      name: 'Upload the results (.tray/deploy-result.json, .tray/verify-result.json)',
      if: 'always()',
      uses: ACTIONS.uploadArtifact,
      with: {
        name: artifact,
        path: '**/.tray/deploy-result.json\n**/.tray/verify-result.json\n!node_modules/**\n',
        'include-hidden-files': true,
        'if-no-files-found': 'ignore',
      },
    },
  ];
}

/** The deploy tokens: only the deploy job on the main branch (and its environment) gets them. */
function tokenEnv(o: NormalizedCiWorkflowOptions): Record<string, string> {
  return Object.fromEntries(o.regions.map((r) => [r.env, `\${{ secrets.${r.secret} }}`]));
}

/** The read-only tokens (--readTokens), which are all the pull-request job ever gets; none by default. */
function readTokenEnv(o: NormalizedCiWorkflowOptions): Record<string, string> {
  return Object.fromEntries(o.readTokens.map((r) => [r.env, `\${{ secrets.${r.secret} }}`]));
}

/** The dry run's flags that point its breaking-change check at the read-only tokens. */
export function connectivityFlags(o: NormalizedCiWorkflowOptions): string {
  return o.readTokens.map((r) => ` --connectivityTokenEnv.${r.region}=${r.env}`).join('');
}

export function githubWorkflow(o: NormalizedCiWorkflowOptions): Record<string, unknown> {
  const bin = `${o.exec} tray-connector`;
  const share = o.shareWithVariable;
  return {
    name: o.name,
    on: { push: { branches: [o.mainBranch] }, pull_request: null },
    permissions: { contents: 'read', actions: 'read' },
    jobs: {
      'pull-request': {
        if: "github.event_name == 'pull_request'",
        'runs-on': 'ubuntu-latest',
        concurrency: { group: '${{ github.workflow }}-pr-${{ github.ref }}', 'cancel-in-progress': true },
        steps: [
          ...setupSteps(o, `Set the affected base and head (the merge-base with ${o.mainBranch})`),
          {
            name: 'Deploy dry run: what each region would be sent, and what deploy would refuse (sends nothing)',
            // A pull request never holds a deploy token (a same-repository pull request controls the lock file
            // npx runs from): at most the read-only tokens of --readTokens, for the breaking-change check.
            // Without them each region is listed as 'Dry run: no token'.
            ...(o.readTokens.length ? { env: readTokenEnv(o) } : {}),
            run: `${bin} ci run --files-from ${CHANGED_FILES_LIST} --targets deploy -- --dryRun --allowMissingTokens${connectivityFlags(o)} --batch --output-style=stream`,
          },
          ...resultSteps(o, 'tray-dry-run-results'),
        ],
      },
      deploy: {
        if: "github.event_name == 'push'",
        'runs-on': 'ubuntu-latest',
        ...(o.environment ? { environment: o.environment } : {}),
        'timeout-minutes': o.timeoutMinutes,
        concurrency: { group: '${{ github.workflow }}-deploy-${{ github.ref }}', 'cancel-in-progress': false },
        steps: [
          ...setupSteps(o, `Set the affected base (the last successful run of this workflow on ${o.mainBranch}) and head`),
          {
            name: 'Deploy the affected connectors, each to its regions',
            env: { ...tokenEnv(o), [share]: `\${{ vars.${share} }}` },
            run: `${bin} ci run --files-from ${CHANGED_FILES_LIST} --targets deploy -- --batch --output-style=stream \${${share}:+"--shareWith=$${share}"}`,
          },
          {
            name: 'Verify: what each region runs is what was built (never cached)',
            env: tokenEnv(o),
            run: `${bin} ci run --files-from ${CHANGED_FILES_LIST} --select-by deploy --targets verify -- --output-style=stream`,
          },
          ...resultSteps(o, 'tray-deploy-results'),
        ],
      },
    },
  };
}
