import { Document, type Node as YamlNode } from 'yaml';
import type { NormalizedCiWorkflowOptions } from './normalized-options';

/**
 * The GitLab CI pipeline as data, stringified by the generator with the `yaml` library.
 * Tokens: GitLab gives every CI/CD variable to the whole job (npm ci's install scripts and the tests
 * included). The deploy job's first script line copies each region's token into a shell variable that
 * is not exported and removes the variable from the environment, before anything else runs; only the
 * deploy and verify commands get the tokens back, on their own command line. The merge-request job
 * never holds a deploy token (issue 27.7): its first line removes any it was given, and only the
 * read-only tokens of --readTokens reach its dry run.
 */

export const CHANGED_FILES_LIST = '"$CI_PROJECT_DIR/.tray-ci/changed-files.txt"';

/** `tray_token_us`: the shell variable (never exported) a region's token is held in. */
const held = (region: string) => `tray_token_${region}`;

function holdTokens(o: NormalizedCiWorkflowOptions): string {
  const lines = [
    '# Tray tokens: held in unexported shell variables, out of the environment of npm ci and the tests;',
    '# only the deploy and verify commands get them back (protect and mask these variables in GitLab).',
  ];
  for (const r of o.regions) lines.push(`${held(r.region)}="\${${r.secret}:-}"`);
  lines.push(`unset ${[...new Set(o.regions.map((r) => r.secret))].join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function withTokens(o: NormalizedCiWorkflowOptions, command: string): string {
  return `${o.regions.map((r) => `${r.env}="$${held(r.region)}"`).join(' ')} ${command}`;
}

/** `tray_read_us`: the shell variable (never exported) a region's read-only token is held in. */
const heldRead = (region: string) => `tray_read_${region}`;

/**
 * The merge-request job's first script line: it never holds a deploy token. Any deploy-token variable
 * GitLab still gave the job (one not protected, or not scoped to the deploy environment) is removed from
 * the environment at once; only the read-only tokens (--readTokens) are held, for the dry run.
 */
function dropDeployTokens(o: NormalizedCiWorkflowOptions): string {
  const lines = [
    '# A merge request never holds a deploy token: any deploy-token variable GitLab gave this job is removed',
    '# before anything runs (protect the deploy variables, or scope them to the deploy environment, so it gets none).',
  ];
  for (const r of o.readTokens) lines.push(`${heldRead(r.region)}="\${${r.secret}:-}"`);
  const unset = [...new Set([...o.regions.flatMap((r) => [r.secret, r.env]), ...o.readTokens.map((r) => r.secret)])];
  lines.push(`unset ${unset.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** The dry run's command: the read-only tokens on its command line only, and the flags that point the check at them. */
function withReadTokens(o: NormalizedCiWorkflowOptions, command: string): string {
  const env = o.readTokens.map((r) => `${r.env}="$${heldRead(r.region)}" `).join('');
  return `${env}${command}${o.readTokens.map((r) => ` --connectivityTokenEnv.${r.region}=${r.env}`).join('')}`;
}

const DEPLOY_BASE = `# The base: the last successful pipeline on this branch (so a failed deploy is retried), read with
# TRAY_CI_API_TOKEN when set; else the commit before this push.
NX_BASE="$CI_COMMIT_BEFORE_SHA"
if [ -n "\${TRAY_CI_API_TOKEN:-}" ]; then
  NX_BASE="$(curl -sf --header "PRIVATE-TOKEN: $TRAY_CI_API_TOKEN" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/pipelines?ref=$CI_COMMIT_BRANCH&status=success&per_page=1" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log((JSON.parse(s)[0]||{}).sha||""))')" || NX_BASE="$CI_COMMIT_BEFORE_SHA"
fi
if [ -z "$NX_BASE" ] || ! git cat-file -e "$NX_BASE^{commit}" 2>/dev/null; then NX_BASE="$(git rev-list --max-parents=0 HEAD | tail -1)"; fi
export NX_BASE NX_HEAD="$(git rev-parse HEAD)"
echo "affected base $NX_BASE, head $NX_HEAD"
`;

/** `!reference [<job>, <key>]`: GitLab's own tag, which reuses another job's script list. */
function reference(doc: Document, job: string, key: string): YamlNode {
  const node = doc.createNode([job, key], { flow: true }) as YamlNode;
  node.tag = '!reference';
  return node;
}

export function gitlabWorkflow(o: NormalizedCiWorkflowOptions, doc: Document): Record<string, unknown> {
  const bin = `${o.exec} tray-connector`;
  const setup = `.${o.fileName}-setup`;
  const files = `.${o.fileName}-files`;
  const run = (targets: string, more: string) => `${bin} ci run --files-from ${CHANGED_FILES_LIST} ${targets} -- ${more}`;
  const artifacts = (name: string) => ({
    name,
    when: 'always',
    paths: ['**/.tray/deploy-result.json', '**/.tray/verify-result.json'],
    expire_in: '30 days',
  });
  const share = o.shareWithVariable;
  const install = [o.install, `${bin} ci test-contexts --secret-env ${o.testContextSecret}`];
  return {
    stages: ['test', 'deploy'],
    [setup]: {
      image: `node:${o.nodeVersion}`,
      variables: { GIT_DEPTH: 0, npm_config_cache: '$CI_PROJECT_DIR/.npm' },
      cache: { key: { files: ['package-lock.json'] }, paths: ['.npm/'] },
      after_script: [`${bin} results`],
    },
    [files]: { script: [`${bin} ci changed-files --output ${CHANGED_FILES_LIST}`] },
    [`${o.fileName}:merge-request`]: {
      extends: setup,
      stage: 'test',
      rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }],
      before_script: [dropDeployTokens(o), ...install],
      script: [
        'git fetch --quiet origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"',
        'export NX_BASE="$(git merge-base FETCH_HEAD HEAD)" NX_HEAD="$(git rev-parse HEAD)"',
        reference(doc, files, 'script'),
        run('--targets build,test,typecheck', '--batch --output-style=stream'),
        withReadTokens(o, run('--targets deploy', '--dryRun --allowMissingTokens --batch --output-style=stream')),
      ],
      artifacts: artifacts('tray-dry-run-results'),
    },
    [`${o.fileName}:deploy`]: {
      extends: setup,
      stage: 'deploy',
      rules: [{ if: `$CI_COMMIT_BRANCH == "${o.mainBranch}" && $CI_PIPELINE_SOURCE == "push"` }],
      // One deploy at a time (Tray answers repeatDeployment to overlapping deploys).
      resource_group: `${o.fileName}-deploy-${o.mainBranch}`,
      ...(o.environment ? { environment: { name: o.environment } } : {}),
      timeout: `${o.timeoutMinutes} minutes`,
      before_script: [holdTokens(o), ...install],
      script: [
        DEPLOY_BASE,
        reference(doc, files, 'script'),
        run('--targets build,test,typecheck', '--batch --output-style=stream'),
        withTokens(o, run('--targets deploy', `--batch --output-style=stream \${${share}:+"--shareWith=$${share}"}`)),
        withTokens(o, run('--select-by deploy --targets verify', '--output-style=stream')),
      ],
      artifacts: artifacts('tray-deploy-results'),
    },
  };
}
