import { formatFiles, getProjects, joinPathFragments, readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { registeredPlugin, type RegisteredPlugin } from '../../generators/shared/plugin-registration';
import { CONNECTOR_TAG, DEFAULT_TARGET_NAMES, type TargetNames } from '../../plugin/targets';

/**
 * What tray-connector 0.1.0 wrote, frozen here (not taken from today's targets.ts, which keeps
 * changing): `nx g tray-connector:new` put these four targets into every connector's project.json
 * (with `regions` from --regions), and `nx add tray-connector` put the two targetDefaults into nx.json.
 * The files in __fixtures__ are real 0.1.0 output.
 */
const BUILD_INPUTS_0_1_0 = [
  '{projectRoot}/connector.json',
  '{projectRoot}/package.json',
  '{projectRoot}/tsconfig*.json',
  '{projectRoot}/jest.config.js',
  '{projectRoot}/src/**/*',
  '!{projectRoot}/**/*.ctx.json',
  '!{projectRoot}/**/.env*',
  '^default',
  '{workspaceRoot}/tsconfig.base.json',
  '{workspaceRoot}/tsconfig.json',
  { externalDependencies: ['tray-connector', 'typescript'] },
];
const DEPLOY_INPUTS_0_1_0 = [
  { dependentTasksOutputFiles: '**/*.zip' },
  ...[
    'TRAY_API_TOKEN',
    'TRAY_API_TOKEN_US',
    'TRAY_API_TOKEN_EU',
    'TRAY_API_TOKEN_APAC',
    'TRAY_API_URL',
    'TRAY_API_URL_US',
    'TRAY_API_URL_EU',
    'TRAY_API_URL_APAC',
  ].map((env) => ({ env })),
];
type Target = Record<string, unknown>;
/** The four targets 0.1.0 wrote (status, verify and typecheck came later). */
type TargetKind = Exclude<keyof TargetNames, 'status' | 'verify' | 'typecheck'>;
const TARGETS_0_1_0: Record<TargetKind, Target> = {
  build: {
    executor: 'tray-connector:build',
    cache: true,
    inputs: BUILD_INPUTS_0_1_0,
    outputs: ['{options.outputPath}'],
    options: { outputPath: '{projectRoot}/.tray/connector.zip' },
    metadata: {
      description: "Build the deterministic .tray/connector.zip (schemas generated as Tray's builder does) for Tray's deployment API",
    },
  },
  test: {
    executor: 'nx:run-commands',
    cache: true,
    inputs: ['{projectRoot}/**/*', '!{projectRoot}/.tray/**/*', '^default', { externalDependencies: ['jest', 'ts-jest'] }],
    options: { command: 'jest --config jest.config.js --passWithNoTests', cwd: '{projectRoot}' },
    metadata: { description: "Run the connector's handler tests with jest (offline; test.ctx.json supplies local credentials)" },
  },
  deploy: {
    executor: 'tray-connector:deploy',
    dependsOn: ['build'],
    cache: true,
    inputs: DEPLOY_INPUTS_0_1_0,
    outputs: [],
    // options.regions: whatever --regions was; kept unless it is the plugin's defaultRegions
    metadata: {
      description:
        'Deploy the built zip to every Tray region in options.regions and wait until each reports Deployed; a re-run for the same zip, regions, API URLs and tokens is a cache hit (--skip-nx-cache forces it)',
    },
  },
  share: {
    executor: 'tray-connector:share',
    cache: false,
    options: {},
    metadata: {
      description: "Share the deployed connector with Tray users by e-mail (--emails=a@b.com,c@d.com), in the deploy target's regions",
    },
  },
};
const TARGET_DEFAULTS_0_1_0: Record<string, Target> = {
  'tray-connector:build': { cache: true, inputs: BUILD_INPUTS_0_1_0, outputs: ['{options.outputPath}'] },
  'tray-connector:deploy': { cache: true, inputs: DEPLOY_INPUTS_0_1_0 }, // and dependsOn: [the build target's name at the time]
};

/**
 * 0.2.0: with the tray-connector plugin registered, a connector's project.json holds only what differs
 * from the inferred project (as `nx g tray-connector:new` now writes it), so plugin options and
 * targetDefaults apply to every connector again, and a renamed target is renamed everywhere.
 * Removes from the project.json files 0.1.0 wrote every value that is still exactly what 0.1.0 wrote;
 * anything a user added or changed stays, and a target the user kept is moved to the name the plugin
 * options now give it. Removes the targetDefaults 0.1.0's init added when they are unchanged (they
 * were merged over the inferred targets, freezing 0.1.0's settings). Without the plugin registered,
 * project.json keeps its full targets: nothing changes.
 */
export default async function thinProjectJson(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree);
  const plugin = nxJson ? registeredPlugin(nxJson) : undefined;
  if (!nxJson || !plugin) return;

  for (const [, project] of getProjects(tree)) {
    const file = joinPathFragments(project.root, 'project.json');
    if (!tree.exists(file) || !tree.exists(joinPathFragments(project.root, 'connector.json'))) continue;
    const before = readJson<Record<string, unknown>>(tree, file);
    const after = thinProject(before, project.root, plugin);
    if (sameJson(before, after)) continue;
    writeJson(tree, file, after);
    keepScriptsFromShadowing(tree, project.root, before, after);
  }

  const targetDefaults = nxJson.targetDefaults as Record<string, Target> | undefined;
  if (targetDefaults) {
    let changed = false;
    for (const [executor, written] of Object.entries(TARGET_DEFAULTS_0_1_0)) {
      const entry = targetDefaults[executor];
      if (!entry) continue;
      const remaining = { ...entry };
      for (const key of Object.keys(written)) if (sameJson(remaining[key], written[key])) delete remaining[key];
      // 0.1.0 named the build as the registration called it then; the plugin's deploy depends on it under today's name.
      if (executor === 'tray-connector:deploy' && isSingleBuildName(remaining.dependsOn, plugin.targetNames)) delete remaining.dependsOn;
      if (Object.keys(remaining).length === Object.keys(entry).length) continue;
      changed = true;
      if (Object.keys(remaining).length) targetDefaults[executor] = remaining;
      else delete targetDefaults[executor];
    }
    if (changed) {
      if (Object.keys(targetDefaults).length === 0) delete nxJson.targetDefaults;
      updateNxJson(tree, nxJson);
    }
  }

  await formatFiles(tree);
}

/** Equal as JSON values (key order aside). Not util.isDeepStrictEqual: what readJson returns may come from another realm (prototypes differ). */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Beside a project.json, Nx makes the connector's package.json a project too, and its scripts become
 * targets that replace inferred targets of the same names (0.1.0's `test` script would turn the test
 * target into `npm run test`). Where project.json no longer defines such a target, package.json
 * gets `nx.includedScripts` listing only the scripts that shadow nothing (unless it already has one).
 */
function keepScriptsFromShadowing(tree: Tree, root: string, before: Record<string, unknown>, after: Record<string, unknown>): void {
  const file = joinPathFragments(root, 'package.json');
  if (!tree.exists(file)) return;
  const pkg = readJson<{ scripts?: Record<string, string>; nx?: { includedScripts?: string[] } }>(tree, file);
  if (!pkg.scripts || pkg.nx?.includedScripts) return;
  const defined = (json: Record<string, unknown>) => Object.keys((json.targets as Record<string, unknown> | undefined) ?? {});
  const removed = defined(before).filter((name) => !defined(after).includes(name));
  const shadowing = Object.keys(pkg.scripts).filter((script) => removed.includes(script));
  if (shadowing.length === 0) return;
  pkg.nx = { ...pkg.nx, includedScripts: Object.keys(pkg.scripts).filter((script) => !shadowing.includes(script)) };
  writeJson(tree, file, pkg);
}

function isSingleBuildName(dependsOn: unknown, names: TargetNames): boolean {
  return (
    Array.isArray(dependsOn) && dependsOn.length === 1 && (dependsOn[0] === DEFAULT_TARGET_NAMES.build || dependsOn[0] === names.build)
  );
}

/** A 0.1.0 project.json without what 0.1.0 wrote and the plugin now infers (a new object; `json` is left as it is). */
export function thinProject(json: Record<string, unknown>, root: string, plugin: RegisteredPlugin): Record<string, unknown> {
  const out = structuredClone(json);
  if (out.sourceRoot === joinPathFragments(root, 'src')) delete out.sourceRoot;
  if (out.projectType === 'application') delete out.projectType;
  if (Array.isArray(out.tags)) {
    const tags = out.tags.filter((t) => t !== CONNECTOR_TAG);
    if (tags.length) out.tags = tags;
    else delete out.tags;
  }
  const targets = out.targets as Record<string, Target> | undefined;
  if (!targets || typeof targets !== 'object') return out;

  for (const kind of Object.keys(TARGETS_0_1_0) as TargetKind[]) {
    const target = targets[kind];
    // Only a target 0.1.0 made: the user's own target of that name (another executor) stays as it is.
    if (!target || typeof target !== 'object' || target.executor !== TARGETS_0_1_0[kind].executor) continue;
    const name = plugin.targetNames[kind];
    // The renamed target is already configured here: leave this one as it was rather than guess.
    if (name !== kind && targets[name] !== undefined) continue;
    const remaining = thinTarget(target, kind, plugin);
    delete targets[kind];
    // What the user changed now applies to the target under the name the plugin options give it.
    if (Object.keys(remaining).length) targets[name] = remaining;
  }
  out.targets = sortLike(targets, json.targets as Record<string, unknown>, plugin);
  return out;
}

function thinTarget(target: Target, kind: TargetKind, plugin: RegisteredPlugin): Target {
  const written = TARGETS_0_1_0[kind];
  const remaining: Target = {};
  for (const [key, value] of Object.entries(target)) {
    if (key === 'options' && value && typeof value === 'object') {
      const options = { ...(value as Record<string, unknown>) };
      const writtenOptions = (written.options ?? {}) as Record<string, unknown>;
      for (const option of Object.keys(options)) {
        if (option in writtenOptions && sameJson(options[option], writtenOptions[option])) delete options[option];
      }
      if (kind === 'deploy' && sameRegions(options.regions, plugin.defaultRegions)) delete options.regions;
      if (Object.keys(options).length) remaining.options = options;
    } else if (key === 'metadata' && value && typeof value === 'object') {
      const metadata = { ...(value as Record<string, unknown>) };
      if (metadata.description === (written.metadata as Record<string, unknown>).description) delete metadata.description;
      if (Object.keys(metadata).length) remaining.metadata = metadata;
    } else if (key === 'dependsOn' && kind === 'deploy') {
      if (!isSingleBuildName(value, plugin.targetNames)) remaining.dependsOn = value;
    } else if (!(key in written) || !sameJson(value, written[key])) {
      remaining[key] = value;
    }
  }
  // The executor alone is no change: the target is then the inferred one.
  if (Object.keys(remaining).length === 1 && remaining.executor === written.executor) return {};
  // Without the executor, Nx merges what is left over the inferred target instead of replacing it.
  if (remaining.executor === written.executor) delete remaining.executor;
  return remaining;
}

function sameRegions(value: unknown, defaults: readonly string[]): boolean {
  if (!Array.isArray(value)) return false;
  const regions = value.map((r) => String(r).trim().toLowerCase());
  return regions.length === defaults.length && defaults.every((r) => regions.includes(r));
}

/** The targets in their old order, a moved one where its old name was. */
function sortLike(targets: Record<string, Target>, original: Record<string, unknown>, plugin: RegisteredPlugin): Record<string, Target> {
  const order = Object.keys(original).map((k) => (k in TARGETS_0_1_0 && !(k in targets) ? plugin.targetNames[k as TargetKind] : k));
  const sorted: Record<string, Target> = {};
  for (const k of order) if (k in targets) sorted[k] = targets[k];
  for (const k of Object.keys(targets)) if (!(k in sorted)) sorted[k] = targets[k];
  return sorted;
}
