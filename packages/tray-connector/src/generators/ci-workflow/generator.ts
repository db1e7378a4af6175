import { formatFiles, getPackageManagerCommand, logger, type PackageManager, readNxJson, type Tree } from '@nx/devkit';
import { Document, parseDocument } from 'yaml';
import { TrayConnectorError } from '../../core/errors';
import { REGION_INFO, toRegion } from '../../core/tray-api/regions';
import { parseList } from '../new/generator';
import { toKebabCase } from '../../core/connector/connector-config';
import { isWindowsReservedName } from '../shared/names';
import { CONTROL_CHARACTER } from '../../bin/changed-files';
import { githubWorkflow } from './github-workflow';
import { gitlabWorkflow } from './gitlab-workflow';
import type { NormalizedCiWorkflowOptions, RegionSecret } from './normalized-options';
import type { CiProvider, CiWorkflowGeneratorSchema } from './schema';
import { refuseUnknownGeneratorOptions } from '../shared/known-options';

export type { NormalizedCiWorkflowOptions, RegionSecret } from './normalized-options';

export const CI_PROVIDERS: CiProvider[] = ['github', 'gitlab'];

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

/** The variable a region's read-only token is set in, in the pull-request job (deploy reads it through --connectivityTokenEnv). */
export const readTokenEnv = (region: string): string => `TRAY_READ_TOKEN_${region.toUpperCase()}`;

/**
 * `us`, `eu=TRAY_READ_KEY_EU` -> the region, the variable the pull-request job sets (TRAY_READ_TOKEN_<REGION>)
 * and the secret that fills it. Every region must be one the workflow deploys to, and no secret may be one of
 * the deploy tokens' secrets: a pull request never holds a deploy token.
 */
export function parseReadTokenSecrets(value: string | string[] | undefined, deployTo: readonly RegionSecret[]): RegionSecret[] {
  const result: RegionSecret[] = [];
  for (const item of parseList(value)) {
    const [regionName, secretName, ...rest] = item.split('=').map((s) => s.trim());
    const region = toRegion(regionName);
    if (!region)
      throw new TrayConnectorError(`Unknown region "${regionName}" in --readTokens: use us, eu or apac, optionally as region=SECRET_NAME`);
    const secret = secretName || readTokenEnv(region);
    if (rest.length || !SECRET_NAME.test(secret)) {
      throw new TrayConnectorError(
        `Invalid secret name in --readTokens "${item}": use region=SECRET_NAME with letters, digits and underscores`,
      );
    }
    if (!deployTo.some((r) => r.region === region))
      throw new TrayConnectorError(`Region ${region} in --readTokens is not one the workflow deploys to (--regions)`);
    if (result.some((r) => r.region === region)) throw new TrayConnectorError(`Region ${region} is given twice in --readTokens`);
    const deploySecret = deployTo.find((r) => r.secret === secret || r.env === secret);
    if (deploySecret)
      throw new TrayConnectorError(
        `--readTokens "${item}" names ${secret}, which holds the ${deploySecret.region} deploy token: pull requests must get a token that can only read (or none)`,
      );
    result.push({ region, env: readTokenEnv(region), secret });
  }
  return result;
}

export function normalizeCiWorkflowOptions(tree: Tree, schema: CiWorkflowGeneratorSchema): NormalizedCiWorkflowOptions {
  if (!CI_PROVIDERS.includes(schema.provider)) {
    throw new TrayConnectorError(`Unknown --provider "${schema.provider ?? ''}": use ${CI_PROVIDERS.join(' or ')}`);
  }
  const name = (schema.name ?? 'Tray connectors').trim();
  refuseControlCharacters('--name', name);
  if (name.includes('${{'))
    throw new TrayConnectorError(`--name ${JSON.stringify(name)} holds "\${{", which GitHub would evaluate as an expression: leave it out`);
  const fileName = toKebabCase(name);
  if (!fileName) throw new TrayConnectorError(`--name "${schema.name}" has no letter or digit to make a file name of`);
  if (isWindowsReservedName(fileName)) {
    throw new TrayConnectorError(
      `--name ${JSON.stringify(name)} makes the file name "${fileName}", which Windows reserves (CON, PRN, AUX, NUL, COM0-9, LPT0-9, in any case, with any extension): the workflow could not be checked out there; choose another name`,
    );
  }
  refuseControlCharacters('--mainBranch', schema.mainBranch ?? '');
  const mainBranch = (schema.mainBranch ?? readNxJson(tree)?.defaultBase ?? 'main').trim();
  if (!/^[A-Za-z0-9._/-]+$/.test(mainBranch)) throw new TrayConnectorError(`--mainBranch "${mainBranch}" is not a plain branch name`);
  for (const [option, value] of [
    ['--shareWithVariable', schema.shareWithVariable],
    ['--testContextSecret', schema.testContextSecret],
  ] as const) {
    if (value !== undefined && !SECRET_NAME.test(value))
      throw new TrayConnectorError(`${option} "${value}" is not a valid variable name (letters, digits, underscores)`);
  }
  const nodeVersion = String(schema.nodeVersion ?? DEFAULT_NODE_VERSION).trim();
  refuseControlCharacters('--nodeVersion', nodeVersion);
  if (!/^[0-9][0-9.x]*$|^lts\/\*$/.test(nodeVersion))
    throw new TrayConnectorError(`--nodeVersion "${nodeVersion}" is not a Node.js version (e.g. 24, 24.11, lts/*)`);
  const environment = schema.environment?.trim() || undefined;
  if (environment !== undefined) {
    refuseControlCharacters('--environment', environment);
    if (!/^[A-Za-z0-9][A-Za-z0-9 _./-]{0,254}$/.test(environment))
      throw new TrayConnectorError(
        `--environment "${environment}" is not an environment name: use letters, digits, spaces, _ . / - (at most 255 characters)`,
      );
  }
  const timeoutMinutes = Number(schema.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES);
  if (!Number.isInteger(timeoutMinutes) || timeoutMinutes < 1 || timeoutMinutes > 4320)
    throw new TrayConnectorError(`--timeoutMinutes "${schema.timeoutMinutes}" is not a whole number of minutes from 1 to 4320`);
  const regions = parseRegionSecrets(schema.regions);
  const packageManager = packageManagerOf(tree);
  const pm = getPackageManagerCommand(packageManager, tree.root);
  return {
    provider: schema.provider,
    name,
    fileName,
    mainBranch,
    regions,
    readTokens: parseReadTokenSecrets(schema.readTokens, regions),
    shareWithVariable: schema.shareWithVariable ?? 'TRAY_SHARE_WITH',
    testContextSecret: schema.testContextSecret ?? 'TRAY_TEST_CTX',
    nodeVersion,
    environment,
    timeoutMinutes,
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

/** Node.js 24: the current LTS (Node 20 reached its end of life in April 2026). */
export const DEFAULT_NODE_VERSION = '24';
/** The deploy job's default time limit: deploys wait for Tray, but never for GitHub's 6 hours. */
export const DEFAULT_TIMEOUT_MINUTES = 30;

/** A value with a line break or control character could add keys or lines: refused, naming the option. */
function refuseControlCharacters(option: string, value: string): void {
  if (CONTROL_CHARACTER.test(value))
    throw new TrayConnectorError(
      `${option} ${JSON.stringify(value)} holds a line break or control character: give it on one line, without them`,
    );
}

const HEADER = (provider: CiProvider, mainBranch: string) =>
  [
    ` Generated by \`nx g tray-connector:ci-workflow --provider=${provider}\`: ${provider === 'github' ? 'pull' : 'merge'} requests build, test and type-check`,
    ` the affected connectors and show what a deploy would send (or refuse); pushes to ${mainBranch} deploy every`,
    ` affected connector to its own regions, then verify them. Re-run the generator to update it.`,
    ` The logic lives in the plugin's \`tray-connector\` command (ci changed-files, ci run, ci test-contexts,`,
    ` results), so it improves when the plugin is updated. The changed files go through a file, never`,
    ` one argument or variable, so any number of them works.`,
  ].join('\n');

/** The workflow's YAML text: the document is built as data and stringified (every value quoted as YAML needs). */
export function workflowYaml(options: NormalizedCiWorkflowOptions): string {
  const doc = new Document();
  doc.contents = doc.createNode(
    options.provider === 'github' ? githubWorkflow(options) : gitlabWorkflow(options, doc),
  ) as Document['contents'];
  doc.commentBefore = HEADER(options.provider, options.mainBranch);
  return doc.toString({ lineWidth: 0 });
}

/** Writes a GitHub Actions or GitLab CI workflow that builds/tests affected connectors on PRs and deploys them on the main branch. */
export async function ciWorkflowGenerator(tree: Tree, schema: CiWorkflowGeneratorSchema): Promise<void> {
  refuseUnknownGeneratorOptions('ci-workflow', schema);
  const options = normalizeCiWorkflowOptions(tree, schema);
  const workflowDir = options.provider === 'github' ? '.github/workflows' : '.gitlab/ci';
  const file =
    options.provider === 'github' ? `${workflowDir}/${options.fileName}.yml` : `${workflowDir}/${options.fileName}.gitlab-ci.yml`;
  if (tree.exists(file)) logger.warn(`${file} exists: it is replaced (git shows what changed).`);
  tree.write(file, workflowYaml(options));
  if (options.provider === 'gitlab') includeInGitlabCi(tree, file);
  if (!schema.skipFormat) await formatFiles(tree);
}

/** GitLab reads one .gitlab-ci.yml: create it including the workflow, or say how to include it. */
function includeInGitlabCi(tree: Tree, file: string): void {
  const root = '.gitlab-ci.yml';
  if (!tree.exists(root)) {
    tree.write(root, new Document({ include: [{ local: file }] }).toString());
    return;
  }
  const included = JSON.stringify(
    parseDocument(tree.read(root, 'utf-8') ?? '', { logLevel: 'silent' }).toJS({ maxAliasCount: 100 }) ?? null,
  );
  if (!included.includes(JSON.stringify(file))) {
    logger.warn(`${root} exists and does not include ${file}: add\n  include:\n    - local: ${file}`);
  }
}

export default ciWorkflowGenerator;
