import { formatFiles, generateFiles, getPackageManagerCommand, logger, type PackageManager, readNxJson, type Tree } from '@nx/devkit';
import * as path from 'path';
import { TrayConnectorError } from '../../core/errors';
import { REGION_INFO, toRegion, type Region } from '../../core/tray-api/regions';
import { parseList } from '../new/generator';
import { toKebabCase } from '../../core/connector/connector-config';
import type { CiProvider, CiWorkflowGeneratorSchema } from './schema';

export const CI_PROVIDERS: CiProvider[] = ['github', 'gitlab'];

/** The deploy token environment variable of each region, and the CI secret it is read from. */
export interface RegionSecret {
  region: Region;
  env: string;
  secret: string;
}

export interface NormalizedCiWorkflowOptions {
  provider: CiProvider;
  name: string;
  fileName: string;
  mainBranch: string;
  regions: RegionSecret[];
  shareWithVariable: string;
  testContextSecret: string;
  nodeVersion: string;
  packageManager: PackageManager;
  install: string;
  exec: string;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `us`, `eu=TRAY_API_KEY_EU` -> region, the token variable deploy reads, and the secret that fills it. */
export function parseRegionSecrets(value: string | string[] | undefined): RegionSecret[] {
  const items = parseList(value);
  const result: RegionSecret[] = [];
  for (const item of items.length ? items : ['us', 'eu', 'apac']) {
    const [regionName, secretName, ...rest] = item.split('=').map((s) => s.trim());
    const region = toRegion(regionName);
    if (!region)
      throw new TrayConnectorError(`Unknown region "${regionName}" in --regions: use us, eu or apac, optionally as region=SECRET_NAME`);
    const env = REGION_INFO[region].tokenEnv;
    const secret = secretName || env;
    if (rest.length || !SECRET_NAME.test(secret)) {
      throw new TrayConnectorError(
        `Invalid secret name in --regions "${item}": use region=SECRET_NAME with letters, digits and underscores`,
      );
    }
    if (result.some((r) => r.region === region)) throw new TrayConnectorError(`Region ${region} is given twice in --regions`);
    result.push({ region, env, secret });
  }
  return result;
}

export function normalizeCiWorkflowOptions(tree: Tree, schema: CiWorkflowGeneratorSchema): NormalizedCiWorkflowOptions {
  if (!CI_PROVIDERS.includes(schema.provider)) {
    throw new TrayConnectorError(`Unknown --provider "${schema.provider ?? ''}": use ${CI_PROVIDERS.join(' or ')}`);
  }
  const name = (schema.name ?? 'Tray connectors').trim();
  const fileName = toKebabCase(name);
  if (!fileName) throw new TrayConnectorError(`--name "${schema.name}" has no letter or digit to make a file name of`);
  const mainBranch = (schema.mainBranch ?? readNxJson(tree)?.defaultBase ?? 'main').trim();
  if (!/^[A-Za-z0-9._/-]+$/.test(mainBranch)) throw new TrayConnectorError(`--mainBranch "${mainBranch}" is not a plain branch name`);
  for (const [option, value] of [
    ['--shareWithVariable', schema.shareWithVariable],
    ['--testContextSecret', schema.testContextSecret],
  ] as const) {
    if (value !== undefined && !SECRET_NAME.test(value))
      throw new TrayConnectorError(`${option} "${value}" is not a valid variable name (letters, digits, underscores)`);
  }
  const nodeVersion = String(schema.nodeVersion ?? '20').trim();
  if (!/^[0-9][0-9.x]*$|^lts\/\*$/.test(nodeVersion))
    throw new TrayConnectorError(`--nodeVersion "${nodeVersion}" is not a Node.js version (e.g. 20, 22.11)`);
  const packageManager = packageManagerOf(tree);
  const pm = getPackageManagerCommand(packageManager, tree.root);
  return {
    provider: schema.provider,
    name,
    fileName,
    mainBranch,
    regions: parseRegionSecrets(schema.regions),
    shareWithVariable: schema.shareWithVariable ?? 'TRAY_SHARE_WITH',
    testContextSecret: schema.testContextSecret ?? 'TRAY_TEST_CTX',
    nodeVersion,
    packageManager,
    install: pm.ciInstall,
    exec: pm.exec,
  };
}

/** The workspace's package manager, from its lock file in the tree (npm when there is none). */
export function packageManagerOf(tree: Tree): PackageManager {
  if (tree.exists('pnpm-lock.yaml')) return 'pnpm';
  if (tree.exists('yarn.lock')) return 'yarn';
  if (tree.exists('bun.lockb') || tree.exists('bun.lock')) return 'bun';
  return 'npm';
}

/**
 * The script CI runs before the tests: every connector (a folder with a committed connector.json)
 * gets a src/test.ctx.json, which is git-ignored and so missing in a fresh clone: from the secret
 * (a JSON object keyed by connector name) when it has an entry, else from the connector's committed
 * test.ctx.example.json, else `{}`. Existing files are kept; the secret's content is never printed.
 */
export function testContextScript(secretEnv: string): string {
  return `node - <<'NODE'
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
let secret = {};
if (process.env.${secretEnv}) {
  try {
    secret = JSON.parse(process.env.${secretEnv});
  } catch {
    console.error('${secretEnv} is not JSON: set it to {"<connector name>": <that connector\\'s test.ctx.json>}');
    process.exit(1);
  }
}
const files = execFileSync('git', ['ls-files', '-z', '--', ':(glob)**/connector.json'], { encoding: 'utf8' }).split('\\0').filter(Boolean);
for (const file of files) {
  const dir = path.dirname(file);
  const target = path.join(dir, 'src', 'test.ctx.json');
  const name = JSON.parse(fs.readFileSync(file, 'utf8')).name;
  const sample = path.join(dir, 'test.ctx.example.json');
  let content;
  let from;
  if (fs.existsSync(target)) from = 'kept';
  else if (secret[name] !== undefined) [content, from] = [JSON.stringify(secret[name], null, 2) + '\\n', 'from ${secretEnv}'];
  else if (fs.existsSync(sample)) [content, from] = [fs.readFileSync(sample, 'utf8'), 'from ' + sample];
  else [content, from] = ['{}\\n', '{} (no ${secretEnv} entry, no test.ctx.example.json)'];
  if (content !== undefined) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: 0o600 });
  }
  console.log(target + ': ' + from);
}
NODE`;
}

/** The environment variable the workflow keeps the changed-file list in, for `nx affected --files`. */
export const AFFECTED_FILES_ENV = 'TRAY_AFFECTED_FILES';

/**
 * Prints the files changed between NX_BASE and NX_HEAD, comma-separated, for `nx affected --files`,
 * leaving out the files of deleted connectors (a folder whose connector.json is gone at NX_HEAD).
 * Nx treats a deleted project configuration as a change of every project, so without this a merge
 * that deletes one connector would rebuild and redeploy all the others. A file deleted inside a
 * connector that still exists (e.g. a removed operation) stays a change of that connector.
 */
export function affectedFilesScript(): string {
  return `node - <<'NODE'
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const base = process.env.NX_BASE;
const head = process.env.NX_HEAD || 'HEAD';
if (!base) {
  console.error('NX_BASE is not set: the affected base must be set before this step');
  process.exit(1);
}
const changed = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', base, head], { encoding: 'utf8' }).split('\\0').filter(Boolean);
const deleted = changed
  .filter((f) => path.posix.basename(f) === 'connector.json' && path.posix.dirname(f) !== '.' && !fs.existsSync(f))
  .map((f) => path.posix.dirname(f) + '/');
for (const root of deleted) console.error('deleted connector ' + root + ': nothing to build or deploy for it');
const files = changed.filter((f) => !deleted.some((root) => f.startsWith(root)));
console.error(files.length + ' changed file(s) between ' + base + ' and ' + head + (deleted.length ? ' besides deleted connectors' : ''));
process.stdout.write(files.join(','));
NODE`;
}

/** Every line of `text` indented by `spaces` (for a YAML block scalar). */
function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

/** Writes a GitHub Actions or GitLab CI workflow that builds/tests affected connectors on PRs and deploys them on the main branch. */
export async function ciWorkflowGenerator(tree: Tree, schema: CiWorkflowGeneratorSchema): Promise<void> {
  const options = normalizeCiWorkflowOptions(tree, schema);
  const workflowDir = options.provider === 'github' ? '.github/workflows' : '.gitlab/ci';
  const file =
    options.provider === 'github' ? `${workflowDir}/${options.fileName}.yml` : `${workflowDir}/${options.fileName}.gitlab-ci.yml`;
  if (tree.exists(file)) logger.warn(`${file} exists: it is replaced (git shows what changed).`);
  generateFiles(tree, path.join(__dirname, 'files', options.provider), '.', {
    ...options,
    workflowDir,
    ctxScript: (spaces: number) => indent(testContextScript(options.testContextSecret), spaces),
    filesScript: (spaces: number) => indent(affectedFilesScript(), spaces),
    filesEnv: AFFECTED_FILES_ENV,
    template: '',
  });
  if (options.provider === 'gitlab') includeInGitlabCi(tree, file);
  if (!schema.skipFormat) await formatFiles(tree);
}

/** GitLab reads one .gitlab-ci.yml: create it including the workflow, or say how to include it. */
function includeInGitlabCi(tree: Tree, file: string): void {
  const root = '.gitlab-ci.yml';
  if (!tree.exists(root)) {
    tree.write(root, `include:\n  - local: ${file}\n`);
    return;
  }
  if (!(tree.read(root, 'utf-8') ?? '').includes(file)) {
    logger.warn(`${root} exists and does not include ${file}: add\n  include:\n    - local: ${file}`);
  }
}

export default ciWorkflowGenerator;
