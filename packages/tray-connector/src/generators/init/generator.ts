// No value import of @nx/devkit here: `nx add` runs init before the optional @nx/devkit peer is installed (see optional-devkit.ts).
import type { GeneratorCallback, NxJsonConfiguration, Tree } from '@nx/devkit';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseRegions, regionNames } from '../../core/tray-api/regions';
import type { TrayConnectorPluginOptions } from '../../plugin/create-nodes';
import { buildTarget, DEFAULT_TARGET_NAMES, deployTarget, PLUGIN_NAME } from '../../plugin/targets';
import { CONNECTOR_DEPENDENCIES, CONNECTOR_DEV_DEPENDENCIES } from '../shared/versions';
import type { InitGeneratorSchema } from './schema';
import { refuseUnknownGeneratorOptions } from '../shared/known-options';
import { addDependenciesWithoutDevkit, optionalDevkit, treeApi } from '../shared/optional-devkit';

/** What `.gitignore` must hold: build output and local test credentials. */
export const GITIGNORE_ENTRIES = ['.tray/', '*.ctx.json'];

/**
 * Sets a workspace up for Tray CDK connectors (what `nx add tray-connector` runs).
 * Idempotent: it only adds what is missing and never changes what the user has.
 */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  refuseUnknownGeneratorOptions('init', schema);
  // The parser deploy, share, new and the plugin use: any case, aliases, comma lists.
  const defaultRegions = regionNames(schema.defaultRegions).length ? parseRegions(schema.defaultRegions, '--defaultRegions') : ['us'];

  const install = schema.skipPackageJson ? () => undefined : addMissingDependencies(tree);
  updateWorkspaceNxJson(tree, { addPlugin: schema.addPlugin, defaultRegions });
  addGitignoreEntries(tree);

  // Without @nx/devkit there is no formatFiles: init wrote JSON as Nx formats it, and .gitignore lines.
  const devkit = optionalDevkit();
  if (!schema.skipFormat && devkit) await devkit.formatFiles(tree);
  return schema.skipInstall ? () => undefined : install;
}

/** Adds the packages connectors need to the root package.json, leaving any the workspace already has (in either section) at its version. */
export function addMissingDependencies(tree: Tree): GeneratorCallback {
  if (!tree.exists('package.json')) return () => undefined;
  const { readJson } = treeApi();
  const pkg = readJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(tree, 'package.json');
  const present = (name: string) => Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
  const missing = (wanted: Record<string, string>) => Object.fromEntries(Object.entries(wanted).filter(([name]) => !present(name)));
  const dependencies = missing(CONNECTOR_DEPENDENCIES);
  const devDependencies = missing({ ...devkitMatchingNx(tree), ...CONNECTOR_DEV_DEPENDENCIES });
  if (Object.keys(dependencies).length === 0 && Object.keys(devDependencies).length === 0) return () => undefined;
  const devkit = optionalDevkit();
  if (!devkit) return addDependenciesWithoutDevkit(tree, dependencies, devDependencies);
  return devkit.addDependenciesToPackageJson(tree, dependencies, devDependencies, 'package.json', true);
}

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

/**
 * `@nx/devkit` at the workspace's own nx version (or the newest of its major before it), for a package.json that does not list it. The plugin
 * takes @nx/devkit as an optional peer (any 22, 23 or 24): left to npm, a missing peer resolves to the
 * newest @nx/devkit, which needs the newest Nx (ERESOLVE in an Nx 22 workspace). Pinned here, every later
 * `npm install` keeps the one made for this Nx. Nothing when the nx version cannot be told exactly.
 */
export function devkitMatchingNx(tree: Tree): Record<string, string> {
  const version = installedNxVersion(tree);
  if (!version) return {};
  // Nx does not publish every @nx/devkit its nx has (nx 24.0.6 came with no @nx/devkit 24.0.6; the newest
  // is 24.0.0): the newest @nx/devkit of the same major that is not newer than nx, which is nx's own version
  // whenever that exists. A prerelease nx is pinned as it is.
  return { '@nx/devkit': version.includes('-') ? version : `>=${version.split('.')[0]}.0.0 <=${version}` };
}

/** The version of the nx installed in the workspace (node_modules), else the root package.json's nx when it is exact. */
export function installedNxVersion(tree: Tree): string | undefined {
  try {
    const file = require.resolve('nx/package.json', { paths: [tree.root] });
    if (file.startsWith(join(tree.root, 'node_modules'))) {
      const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
      if (typeof version === 'string' && EXACT_VERSION.test(version)) return version;
    }
  } catch {
    // not installed under this root (a virtual tree in tests, a workspace before its first install)
  }
  if (!tree.exists('package.json')) return undefined;
  const pkg = treeApi().readJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(tree, 'package.json');
  const declared = pkg.devDependencies?.nx ?? pkg.dependencies?.nx;
  return declared && EXACT_VERSION.test(declared) ? declared : undefined;
}

/** Whether to register the inference plugin: the option when given, else Nx's own opt-outs decide. */
export function shouldAddPlugin(nxJson: NxJsonConfiguration, addPlugin: boolean | undefined): boolean {
  if (addPlugin !== undefined) return addPlugin;
  return nxJson.useInferencePlugins !== false && process.env.NX_ADD_PLUGINS !== 'false';
}

export function updateWorkspaceNxJson(tree: Tree, options: { addPlugin?: boolean; defaultRegions: string[] }): void {
  const { readNxJson, updateNxJson, logger } = treeApi();
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const before = JSON.stringify(nxJson);

  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (shouldAddPlugin(nxJson, options.addPlugin)) {
    if (!registered) {
      const pluginOptions: Required<TrayConnectorPluginOptions> = {
        buildTargetName: DEFAULT_TARGET_NAMES.build,
        testTargetName: DEFAULT_TARGET_NAMES.test,
        typecheckTargetName: DEFAULT_TARGET_NAMES.typecheck ?? 'typecheck',
        deployTargetName: DEFAULT_TARGET_NAMES.deploy,
        shareTargetName: DEFAULT_TARGET_NAMES.share,
        defaultRegions: options.defaultRegions,
      };
      nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: pluginOptions }];
    }
  }

  // With the plugin registered, its inferred targets carry cache, inputs, outputs and dependsOn (under
  // the current target names), as with Nx's own plugins: targetDefaults for these executors would be
  // merged over them, freezing this version's settings into nx.json (a later plugin version could not
  // change them) and naming the build as it was called today (renaming buildTargetName would cut the
  // deploy off its build). Without the plugin, defaults keyed by executor give targets written in
  // project.json (by `new`, or by hand) the build cache and deploy's dependency on build.
  const pluginRegistered = (nxJson.plugins ?? []).some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!pluginRegistered) {
    const targetDefaults = (nxJson.targetDefaults ??= {});
    const build = buildTarget();
    targetDefaults[build.executor!] ??= { cache: build.cache, inputs: build.inputs, outputs: build.outputs };
    const deploy = deployTarget([], DEFAULT_TARGET_NAMES);
    targetDefaults[deploy.executor!] ??= { dependsOn: deploy.dependsOn, cache: deploy.cache, inputs: deploy.inputs };
  }

  // With the plugin registered, the edges from a connector to the libraries it vendors are the plugin's own
  // (createDependencies), and its build inputs name every vendored file: whatever analyzeSourceFiles says
  // (create-nx-workspace's npm preset sets it false), connectors are affected by their libraries. Left unset,
  // it is turned on as before, for the graph of the user's other projects.
  const pluginsConfig = (nxJson.pluginsConfig ??= {});
  const jsConfig = (pluginsConfig['@nx/js'] ??= {});
  if (jsConfig.analyzeSourceFiles === undefined) jsConfig.analyzeSourceFiles = true;
  if (!pluginRegistered && jsConfig.analyzeSourceFiles === false) {
    // Without the plugin only Nx's import analysis links connector projects to their libraries.
    logger.warn(
      `nx.json sets pluginsConfig["@nx/js"].analyzeSourceFiles to false and the tray-connector plugin is not registered (addPlugin false): a connector will not be affected by a change to a workspace library it imports. Register the plugin in nx.json (nx g tray-connector:init --addPlugin) or set analyzeSourceFiles to true.`,
    );
  }
  // Nx's default ('all') makes any lock-file change touch every project: a devDependency bump no
  // connector uses would deploy every connector again (on Nx 22/23, whose affected is project-level;
  // on 24 it marks every task that hashes an npm package). 'auto' touches only the projects that
  // depend on a package whose version changed.
  if (jsConfig.projectsAffectedByDependencyUpdates === undefined) jsConfig.projectsAffectedByDependencyUpdates = 'auto';

  if (JSON.stringify(nxJson) !== before) updateNxJson(tree, nxJson);
}

/** Appends `.tray/` and `*.ctx.json` to .gitignore when missing (creating the file if need be). */
export function addGitignoreEntries(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const lines = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const covered = (entry: string) => {
    const bare = entry.replace(/\/$/, '');
    return [entry, bare, `/${bare}`, `/${entry}`, `**/${bare}`, `**/${entry}`].some((form) => lines.has(form));
  };
  const missing = GITIGNORE_ENTRIES.filter((entry) => !covered(entry));
  if (missing.length === 0) return;
  const prefix = current.length === 0 || current.endsWith('\n') ? current : `${current}\n`;
  const header = '# Tray connectors: build output and local test credentials (never commit *.ctx.json)';
  tree.write('.gitignore', `${prefix}${prefix ? '\n' : ''}${header}\n${missing.join('\n')}\n`);
}

export default initGenerator;
