import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  type GeneratorCallback,
  getProjects,
  joinPathFragments,
  logger,
  normalizePath,
  type ProjectConfiguration,
  readJson,
  readNxJson,
  type Tree,
  visitNotIgnoredFiles,
  writeJson,
} from '@nx/devkit';
import * as path from 'path';
import { CONNECTOR_FILE, connectorNameProblems } from '../../core/connector/connector-config';
import { TrayConnectorError } from '../../core/errors';
import { parseRegions } from '../../core/tray-api/regions';
import { CONNECTOR_TAG, connectorTargets } from '../../plugin/targets';
import { initGenerator } from '../init/generator';
import { registeredPlugin, type RegisteredPlugin } from '../shared/plugin-registration';
import { OPERATION_KINDS, addGlobalConfig, addOperationFiles } from '../operation/generator';
import type { OperationKind } from '../operation/schema';
import { pascalCase, titleFromName } from '../shared/names';
import { commentText, id } from '../../core/connector/ts-writer';
import { CONNECTOR_DEPENDENCIES, CONNECTOR_DEV_DEPENDENCIES, CONNECTOR_NODE_ENGINE } from '../shared/versions';
import type { ConnectorAuthKind, NewGeneratorSchema } from './schema';
import { refuseUnknownGeneratorOptions } from '../shared/known-options';

export const AUTH_KINDS: ConnectorAuthKind[] = ['none', 'token', 'oauth2'];

/** The sample operation a new connector gets, per kind. */
export const SAMPLE_OPERATIONS: Record<OperationKind, { name: string; title: string; description: string }> = {
  http: { name: 'get_record', title: 'Get record', description: 'Gets one record by its ID (a sample operation: adapt or replace it)' },
  composite: {
    name: 'count_words',
    title: 'Count words',
    description: 'Counts the words of a text (a sample operation: adapt or replace it)',
  },
};

export interface NormalizedNewOptions {
  name: string;
  directory: string;
  title: string;
  description: string;
  service: string;
  /** The regions asked for with --regions, or undefined: the plugin's defaultRegions (inferred) or us (full targets). */
  regions: string[] | undefined;
  auth: ConnectorAuthKind;
  operationKind: OperationKind;
  tags: string[];
  authType: string;
}

/** `a,b` / ['a', 'b'] / ['a,b'] -> ['a', 'b'], without duplicates (tags). */
export function parseList(value: string | string[] | undefined): string[] {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return [...new Set(items)];
}

/** Validates the options (throwing a TrayConnectorError that says what to change) and fills in the defaults. Writes nothing. */
export function normalizeNewOptions(tree: Tree, schema: NewGeneratorSchema): NormalizedNewOptions {
  const name = (schema.name ?? '').trim();
  const nameProblems = connectorNameProblems(name);
  if (nameProblems.length) throw new TrayConnectorError(`Invalid connector name: ${nameProblems.join('; ')}`);

  // The parser deploy, share and the plugin use: the same forms (any case, aliases, comma lists) everywhere.
  const regions = parseList(schema.regions).length ? parseRegions(schema.regions, '--regions') : undefined;

  const auth = schema.auth ?? 'none';
  if (!AUTH_KINDS.includes(auth)) throw new TrayConnectorError(`Unknown --auth ${JSON.stringify(auth)}: use ${AUTH_KINDS.join(', ')}`);
  const operationKind = schema.operationKind ?? 'http';
  if (!OPERATION_KINDS.includes(operationKind)) {
    throw new TrayConnectorError(`Unknown --operationKind ${JSON.stringify(operationKind)}: use ${OPERATION_KINDS.join(' or ')}`);
  }

  const directory = normalizePath(schema.directory?.trim() || joinPathFragments('connectors', name)).replace(/^\.?\/+|\/+$/g, '');
  if (!directory || directory.split('/').includes('..')) {
    throw new TrayConnectorError(
      `--directory ${JSON.stringify(schema.directory)} must be a folder inside the workspace, e.g. connectors/${name}`,
    );
  }
  if (getProjects(tree).has(name)) {
    throw new TrayConnectorError(
      `A project named ${JSON.stringify(name)} already exists (${getProjects(tree).get(name)!.root}): pick another connector name`,
    );
  }
  if (tree.exists(directory) && (tree.isFile(directory) || tree.children(directory).length > 0)) {
    throw new TrayConnectorError(`${directory} already exists: choose another --directory (or remove that folder first)`);
  }
  const clash = findConnectorNamed(tree, name);
  if (clash) {
    throw new TrayConnectorError(
      `The connector name ${JSON.stringify(name)} is already used by ${clash}: Tray identifies connectors by name, so pick another one`,
    );
  }

  return {
    name,
    directory,
    title: schema.title?.trim() || titleFromName(name),
    description: schema.description ?? '',
    service: schema.service?.trim() || name,
    regions,
    auth,
    operationKind,
    tags: [...new Set([CONNECTOR_TAG, ...parseList(schema.tags)])],
    authType: `${pascalCase(name)}Auth`,
  };
}

/** The path of a connector.json in the workspace whose `name` is `name`, or undefined. */
export function findConnectorNamed(tree: Tree, name: string): string | undefined {
  let found: string | undefined;
  visitNotIgnoredFiles(tree, '', (file) => {
    if (found || path.posix.basename(file) !== CONNECTOR_FILE) return;
    if (file.split('/').some((segment) => segment === 'node_modules' || segment === 'dist' || segment === '.tray')) return;
    try {
      if (readJson<{ name?: unknown }>(tree, file).name === name) found = file;
    } catch {
      // not JSON: not a connector this generator can clash with
    }
  });
  return found;
}

/** Where a connector with full targets (no inferring plugin) deploys when no region was chosen. */
const REGIONS_WITHOUT_PLUGIN = ['us'];

/**
 * What project.json holds. With the plugin registered and inference on, only what differs from the
 * inferred project (like the project.json files Nx's own plugins write): the name, the extra tags,
 * and the regions when they differ from the plugin's defaultRegions, under the plugin's deploy
 * target name. Otherwise (inference off: `--addPlugin=false`, `useInferencePlugins: false`,
 * NX_ADD_PLUGINS=false, or the plugin not registered) the full targets.
 */
export function connectorProjectConfiguration(options: NormalizedNewOptions, plugin: RegisteredPlugin | undefined): ProjectConfiguration {
  const root = options.directory;
  if (!plugin) {
    return {
      root,
      sourceRoot: joinPathFragments(root, 'src'),
      projectType: 'application',
      tags: options.tags,
      targets: connectorTargets(options.regions ?? REGIONS_WITHOUT_PLUGIN),
    };
  }
  const project: ProjectConfiguration = { root };
  const extraTags = options.tags.filter((t) => t !== CONNECTOR_TAG);
  if (extraTags.length) project.tags = extraTags;
  const regions = options.regions;
  const sameRegions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r));
  project.targets =
    regions && !sameRegions(regions, plugin.defaultRegions) ? { [plugin.targetNames.deploy]: { options: { regions } } } : {};
  return project;
}

/**
 * When no region was chosen (an empty prompt, no --regions): which regions the connector deploys to and
 * where that comes from, so nobody has to guess. Undefined when regions were given.
 */
export function defaultRegionsNotice(
  options: Pick<NormalizedNewOptions, 'name' | 'regions'>,
  plugin: RegisteredPlugin | undefined,
): string | undefined {
  if (options.regions) return undefined;
  if (!plugin)
    return `No region chosen: ${options.name} deploys to ${REGIONS_WITHOUT_PLUGIN.join(', ')} (written to its project.json; change targets.deploy.options.regions there).`;
  return `No region chosen: ${options.name} deploys to ${plugin.defaultRegions.join(', ')}, the tray-connector plugin's defaultRegions in nx.json (or give --regions).`;
}

/** The plugin registration that infers this connector's targets, or undefined when new writes full targets. */
export function inferringPlugin(tree: Tree, addPlugin: boolean | undefined): RegisteredPlugin | undefined {
  const nxJson = readNxJson(tree) ?? {};
  if (addPlugin === false) return undefined;
  if (addPlugin === undefined && (nxJson.useInferencePlugins === false || process.env.NX_ADD_PLUGINS === 'false')) return undefined;
  return registeredPlugin(nxJson);
}

export async function newGenerator(tree: Tree, schema: NewGeneratorSchema): Promise<GeneratorCallback> {
  refuseUnknownGeneratorOptions('new', schema);
  const options = normalizeNewOptions(tree, schema);
  const root = options.directory;

  // Never registers the plugin: that is init's (`nx add`) job, and a user who removed it chose full targets.
  const install = await initGenerator(tree, { skipFormat: true, skipInstall: schema.skipInstall, addPlugin: false });

  writeJson(tree, joinPathFragments(root, CONNECTOR_FILE), {
    name: options.name,
    version: '1.0',
    title: options.title,
    description: options.description,
    service: { name: options.service, version: '1' },
    tags: [],
    isTrigger: false,
  });
  const plugin = inferringPlugin(tree, schema.addPlugin);
  writeJson(tree, joinPathFragments(root, 'package.json'), {
    name: options.name,
    version: '1.0.0',
    description: options.description || options.title,
    private: true,
    engines: { node: CONNECTOR_NODE_ENGINE },
    scripts: { test: 'jest --config ./jest.config.js' },
    dependencies: { ...CONNECTOR_DEPENDENCIES },
    devDependencies: { ...CONNECTOR_DEV_DEPENDENCIES },
    // Beside a project.json, Nx makes this package.json a project too, and its scripts would replace
    // the inferred targets of the same names (`test` would become `npm run test`, uncached).
    ...(plugin ? { nx: { includedScripts: [] } } : {}),
  });
  // Names and titles reach the TypeScript templates only through the one writer (core/connector/ts-writer).
  generateFiles(tree, path.join(__dirname, 'files'), root, {
    titleText: commentText(options.title).text,
    auth: options.auth,
    authType: options.authType,
    authTypeId: id(options.authType).text,
  });
  addGlobalConfig(tree, {
    connectorRoot: root,
    connectorName: options.name,
    authType: options.authType,
    bearerToken: options.auth !== 'none',
  });
  const sample = SAMPLE_OPERATIONS[options.operationKind];
  addOperationFiles(tree, { connectorRoot: root, kind: options.operationKind, authType: options.authType, ...sample });

  addProjectConfiguration(tree, options.name, connectorProjectConfiguration(options, plugin));
  const notice = defaultRegionsNotice(options, plugin);
  if (notice) logger.info(notice);

  if (!schema.skipFormat) await formatFiles(tree);
  return install;
}

export default newGenerator;
