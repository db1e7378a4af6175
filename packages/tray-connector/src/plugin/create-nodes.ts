import {
  createNodesFromFiles,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  type ProjectConfiguration,
} from '@nx/devkit';
import type { PluginCache } from '@nx/devkit/internal';
import { existsSync, readFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { parseRegions } from '../core/tray-api/regions';
import { brokenConnectorTargets, connectorJsonProblem, describeConnectorJsonProblem, problemTargets } from './broken-connector';
import { connectorLibraries } from './connector-libraries';
import { escapeGlob, inexpressibleRoot, needsEscape } from './glob-escape';
import { hashJson, pluginCacheSupport, type PluginCacheSupport } from './nx-compat';
import { CONNECTOR_TAG, connectorTargets, DEFAULT_TARGET_NAMES, DEFAULT_ZIP_PATH, PLUGIN_NAME, type TargetNames } from './targets';

/** Options of the plugin entry in nx.json: `{ "plugin": "tray-connector", "options": { ... } }`. */
export interface TrayConnectorPluginOptions {
  /** Name of the inferred target that builds `.tray/connector.zip`. Default `build`. */
  buildTargetName?: string;
  /** Name of the inferred target that runs the connector's jest tests. Default `test`. */
  testTargetName?: string;
  /** Name of the inferred target that type-checks the connector, its tests included. Default `typecheck`. */
  typecheckTargetName?: string;
  /** Name of the inferred target that deploys the zip to Tray. Default `deploy`. */
  deployTargetName?: string;
  /** Name of the inferred target that shares the deployed connector with users. Default `share`. */
  shareTargetName?: string;
  /** Regions a connector deploys to when its project.json does not say otherwise. Default `["us"]`. */
  defaultRegions?: string[];
}

export interface NormalizedOptions {
  targetNames: TargetNames;
  defaultRegions: string[];
}

/** The file that makes a folder a connector project. */
export const CONNECTOR_FILE_GLOB = '**/connector.json';

/** Folders whose connector.json files are never projects: installed packages, build output, the plugin's own output. */
export const EXCLUDED_FOLDERS = ['node_modules', 'dist', '.tray'];

type InferredProject = Omit<ProjectConfiguration, 'root'>;

/**
 * Nx 24 project-graph plugin: every folder holding a connector.json becomes a project with
 * build/test/typecheck/deploy/share targets (see targets.ts), without a project.json. A project.json beside
 * it, merged by Nx after this plugin, overrides or extends these targets (e.g. its own regions).
 */
export const createNodes: CreateNodes<TrayConnectorPluginOptions> = [
  CONNECTOR_FILE_GLOB,
  async (configFiles, options, context) => {
    const support = pluginCacheSupport();
    // Nx 22 lacks the cache helpers (see nx-compat.ts): infer every connector, without a cache.
    if (!support) return createConnectorNodes(configFiles, options, context, undefined);
    const cache = new support.PluginCache<InferredProject>(pluginCachePath(options, support.workspaceDataDirectory));
    try {
      return await createConnectorNodes(configFiles, options, context, cache, support);
    } finally {
      cache.writeToDisk();
    }
  },
];

/** Where the inferred projects are cached between runs: one file per set of plugin options, in Nx's workspace data folder. */
export function pluginCachePath(
  options: TrayConnectorPluginOptions | undefined,
  dataDirectory = pluginCacheSupport()?.workspaceDataDirectory ?? join('.nx', 'workspace-data'),
): string {
  return join(dataDirectory, `${PLUGIN_NAME}-${hashJson(options ?? {})}.hash`);
}

/**
 * The work of createNodes with the cache passed in. A project is recomputed only when a file in its
 * folder or the plugin options changed (calculateHashesForCreateNodes), so the graph stays fast with
 * hundreds of connectors. Without a cache (Nx 22) every project is inferred.
 */
export async function createConnectorNodes(
  configFiles: readonly string[],
  options: TrayConnectorPluginOptions | undefined,
  context: CreateNodesContext,
  cache: PluginCache<InferredProject> | undefined,
  support: PluginCacheSupport | undefined = pluginCacheSupport(),
): Promise<Array<readonly [string, CreateNodesResult]>> {
  const normalized = normalizePluginOptions(options);
  const files = configFiles.filter((file) => !isExcluded(file));
  const roots = files.map((file) => dirname(file));
  // The hash covers the files of each folder: named by an escaped glob, so `x[one]` is that folder's files.
  const hashes =
    cache && support
      ? await support.calculateHashesForCreateNodes(roots.map(escapeGlob), { ...normalized, pluginVersion: pluginVersion() }, context)
      : undefined;
  const results = await createNodesFromFiles<NormalizedOptions>(
    (file, _opts, ctx, idx) => {
      const root = dirname(file);
      const refused = inexpressibleRoot(root);
      if (refused) return { projects: { [root]: refusedProject(root, refused, normalized, ctx.workspaceRoot) } };
      // Two folders with the same files must not share a cached project: the root is part of the key.
      const hash = hashes?.[idx] === undefined ? undefined : hashJson([hashes[idx], root]);
      let project = hash === undefined ? undefined : cache?.get(hash);
      if (!project) {
        project = inferProject(root, normalized, ctx.workspaceRoot);
        if (hash !== undefined) cache?.set(hash, project);
      }
      // Nx's merge may grow arrays of what it is given in place: hand it a copy, keep the cached entry pristine.
      const copy = structuredClone(project);
      addLibraryInputs(copy, root, normalized, ctx.workspaceRoot);
      if (needsEscape(root)) escapeRootInTargets(copy, root, normalized);
      return { projects: { [root]: copy } };
    },
    files,
    normalized,
    context,
  );
  return refuseSharedNames(results, normalized);
}

/**
 * The build (test and typecheck) inputs name every workspace-library file the build vendors into the zip (and each
 * library's package.json, whose dependencies it merges), from the build's own import analysis: a change to
 * one changes the build's hash even when the project graph has no edge to its library, so a cached build can
 * never carry old library code. Computed on every graph computation (not cached with the project): a
 * library file may start importing another library without any change in the connector's folder.
 */
function addLibraryInputs(project: InferredProject, root: string, options: NormalizedOptions, workspaceRoot: string): void {
  const { files } = connectorLibraries(root, workspaceRoot);
  if (files.length === 0) return;
  const inputs = files.map((f) => `{workspaceRoot}/${escapeGlob(f)}`);
  for (const name of [options.targetNames.build, options.targetNames.test, options.targetNames.typecheck]) {
    if (name === undefined) continue;
    const target = project.targets?.[name];
    if (target?.inputs) target.inputs = [...target.inputs, ...inputs];
  }
}

/** Inputs and outputs naming `{projectRoot}` of a folder with glob characters, written with the folder's path escaped. */
function escapeRootInTargets(project: InferredProject, root: string, options: NormalizedOptions): void {
  const escaped = `{workspaceRoot}/${escapeGlob(root)}`;
  const rewrite = (value: string) => value.split('{projectRoot}').join(escaped);
  for (const [name, target] of Object.entries(project.targets ?? {})) {
    if (target.inputs) target.inputs = target.inputs.map((input) => (typeof input === 'string' ? rewrite(input) : input));
    if (!target.outputs) continue;
    // The build's output is its outputPath option, put into the glob as it is: name the default zip escaped.
    const outputs =
      name === options.targetNames.build
        ? target.outputs.map((o) => (o === '{options.outputPath}' ? DEFAULT_ZIP_PATH : o))
        : target.outputs;
    target.outputs = outputs.map(rewrite);
  }
}

/** The project of a connector whose folder Nx cannot name in a glob: every target fails saying why. */
function refusedProject(root: string, message: string, options: NormalizedOptions, workspaceRoot: string): InferredProject {
  const targetNames = Object.keys(connectorTargets(options.defaultRegions, options.targetNames));
  return {
    name: basename(root === '.' ? workspaceRoot : root),
    projectType: 'application',
    tags: [CONNECTOR_TAG],
    targets: problemTargets(message, targetNames),
    metadata: { description: `Tray CDK connector that cannot be built: ${message}` },
  };
}

/**
 * Two connector folders whose connector.json (or folder name) give the same name would make Nx refuse the
 * whole workspace ("defined in ... and ..."), and Tray knows a connector by that name, so their deploys
 * would overwrite each other. Each such project is named by its folder instead, and its targets fail
 * naming both folders; every other connector keeps working.
 */
function refuseSharedNames(
  results: Array<readonly [string, CreateNodesResult]>,
  options: NormalizedOptions,
): Array<readonly [string, CreateNodesResult]> {
  const rootsByName = new Map<string, string[]>();
  for (const [, result] of results) {
    for (const [root, project] of Object.entries(result.projects ?? {})) {
      if (project.name) rootsByName.set(project.name, [...(rootsByName.get(project.name) ?? []), root]);
    }
  }
  const targetNames = Object.keys(connectorTargets(options.defaultRegions, options.targetNames));
  return results.map(([file, result]) => {
    const projects = Object.entries(result.projects ?? {}).map(([root, project]) => {
      const roots = project.name ? (rootsByName.get(project.name) ?? []) : [];
      if (roots.length < 2) return [root, project] as const;
      const message = `the connector folders ${roots.join(', ')} all hold the connector "${project.name}" (the "name" of connector.json, or the folder's name): Tray knows a connector by its name, so their deploys would overwrite each other. Give each its own "name" in its connector.json.`;
      return [root, { ...project, name: root, targets: problemTargets(message, targetNames) }] as const;
    });
    return [file, { ...result, projects: Object.fromEntries(projects) }] as const;
  });
}

function inferProject(root: string, options: NormalizedOptions, workspaceRoot: string): InferredProject {
  const connectorFile = join(root, 'connector.json');
  const folderName = basename(root === '.' ? workspaceRoot : root);
  const text = readFileSync(join(workspaceRoot, connectorFile), 'utf8');
  // One unreadable connector.json must not fail the project graph of the whole workspace: that connector
  // gets targets that fail naming the line, column and reason, the others stay as they are.
  const problem = connectorJsonProblem(text);
  if (problem) {
    const targetNames = Object.keys(connectorTargets(options.defaultRegions, options.targetNames));
    return {
      name: folderName,
      projectType: 'application',
      tags: [CONNECTOR_TAG],
      targets: brokenConnectorTargets(root, targetNames),
      metadata: { description: `Tray CDK connector that cannot be read: ${describeConnectorJsonProblem(connectorFile, problem)}` },
    };
  }
  const connector = JSON.parse(text) as Record<string, unknown>;
  const name = typeof connector.name === 'string' && connector.name.trim() ? connector.name.trim() : folderName;
  const title = typeof connector.title === 'string' ? connector.title : undefined;
  const regions = regionsLeftUnderAnOldName(root, options, workspaceRoot) ?? options.defaultRegions;
  return {
    name,
    projectType: 'application',
    tags: [CONNECTOR_TAG],
    targets: connectorTargets(regions, options.targetNames),
    metadata: {
      description: title ? `Tray CDK connector: ${title}` : 'Tray CDK connector',
      technologies: ['tray-cdk'],
    },
  };
}

/**
 * The regions a connector's project.json sets under a deploy target name that is no longer the
 * plugin's (`deployTargetName` renamed in nx.json after the connector was made): a target there
 * with no executor, no command and no dependsOn, whose options name Tray regions. Nx drops such a
 * target, as it runs nothing; without this the renamed deploy target would silently go to
 * defaultRegions instead of the regions chosen for this connector. The override under the current
 * name, merged by Nx after this plugin, still wins. Undefined when there is none.
 */
export function regionsLeftUnderAnOldName(root: string, options: NormalizedOptions, workspaceRoot: string): string[] | undefined {
  const file = join(workspaceRoot, root, 'project.json');
  if (!existsSync(file)) return undefined;
  let targets: unknown;
  try {
    targets = (JSON.parse(readFileSync(file, 'utf8')) as { targets?: unknown }).targets;
  } catch {
    return undefined; // Nx's project.json plugin reports a broken project.json itself
  }
  if (!targets || typeof targets !== 'object') return undefined;
  const current = new Set(Object.values(options.targetNames));
  for (const [name, target] of Object.entries(targets as Record<string, Record<string, unknown> | null>)) {
    if (current.has(name) || !target || typeof target !== 'object') continue;
    if (target.executor || target.command || (Array.isArray(target.dependsOn) && target.dependsOn.length)) continue;
    const regions = (target.options as { regions?: unknown } | undefined)?.regions;
    if (!Array.isArray(regions) && typeof regions !== 'string') continue;
    try {
      return parseRegions(regions as string | string[]);
    } catch {
      continue; // not Tray regions: some other plugin's target, not a leftover of ours
    }
  }
  return undefined;
}

function isExcluded(file: string): boolean {
  const segments = file.split(/[\\/]/);
  return segments.slice(0, -1).some((segment) => EXCLUDED_FOLDERS.includes(segment));
}

/** The plugin options with their defaults, as the plugin reads them (generators and migrations read nx.json the same way); throws on a bad option. */
export function normalizePluginOptions(options: TrayConnectorPluginOptions | undefined): NormalizedOptions {
  const o = options ?? {};
  const targetNames: TargetNames = {
    build: targetName(o.buildTargetName, DEFAULT_TARGET_NAMES.build, 'buildTargetName'),
    test: targetName(o.testTargetName, DEFAULT_TARGET_NAMES.test, 'testTargetName'),
    typecheck: targetName(o.typecheckTargetName, DEFAULT_TARGET_NAMES.typecheck ?? 'typecheck', 'typecheckTargetName'),
    deploy: targetName(o.deployTargetName, DEFAULT_TARGET_NAMES.deploy, 'deployTargetName'),
    share: targetName(o.shareTargetName, DEFAULT_TARGET_NAMES.share, 'shareTargetName'),
  };
  const unique = new Set(Object.values(targetNames));
  if (unique.size !== Object.keys(targetNames).length) {
    throw new Error(`tray-connector plugin options in nx.json give two targets the same name: ${JSON.stringify(targetNames)}`);
  }
  let defaultRegions = ['us'];
  if (o.defaultRegions !== undefined) {
    if (
      !Array.isArray(o.defaultRegions) ||
      o.defaultRegions.length === 0 ||
      o.defaultRegions.some((r) => typeof r !== 'string' || !r.trim())
    ) {
      throw new Error(
        `tray-connector plugin option "defaultRegions" in nx.json must be a non-empty list of regions (us, eu, apac); got ${JSON.stringify(o.defaultRegions)}`,
      );
    }
    try {
      defaultRegions = parseRegions(o.defaultRegions, 'defaultRegions');
    } catch (e) {
      throw new Error(`tray-connector plugin options in nx.json: ${(e as Error).message}`);
    }
  }
  return { targetNames, defaultRegions };
}

function targetName(value: unknown, fallback: string, option: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !/^[A-Za-z0-9][\w:-]*$/.test(value)) {
    throw new Error(
      `tray-connector plugin option "${option}" in nx.json must be a target name such as "${fallback}"; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

let cachedVersion: string | undefined;
/** The plugin's own version: a new plugin version may infer different targets, so it is part of the cache key. */
function pluginVersion(): string {
  if (cachedVersion === undefined) {
    let dir = __dirname;
    cachedVersion = '0';
    for (let i = 0; i < 5; i++) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg)) {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === PLUGIN_NAME) {
          cachedVersion = json.version ?? '0';
          break;
        }
      }
      dir = dirname(dir);
    }
  }
  return cachedVersion;
}
