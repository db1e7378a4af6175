import type { TargetConfiguration } from '@nx/devkit';
import { type Region, REGION_INFO, REGIONS, SHARED_TOKEN_ENV, SHARED_URL_ENV } from '../core/tray-api/regions';

/**
 * The one definition of the targets a connector project gets, shared by the
 * `new` generator (project.json), the `init` generator (targetDefaults) and the
 * inferred-targets plugin (createNodes), so the three never drift apart.
 */

export const PLUGIN_NAME = 'tray-connector';
export const CONNECTOR_TAG = 'tray-connector';
export const DEFAULT_ZIP_PATH = '{projectRoot}/.tray/connector.zip';
/** The deploy target's output: what the last deploy did per region (core/deploy-result.ts). */
export const DEPLOY_RESULT_OUTPUT = '{projectRoot}/.tray/deploy-result.json';

/** The verify target's output: what each region serves against the build (core/deploy/verify-result.ts). */
export const VERIFY_RESULT_OUTPUT = '{projectRoot}/.tray/verify-result.json';

/** Tray's regions, as core/regions.ts defines them. */
export const REGION_NAMES = REGIONS;
export type RegionName = Region;

/** Environment variables whose values decide where a deploy goes and who owns it. Hashed by Nx, never stored. */
export const DEPLOY_ENV_INPUTS = [
  SHARED_TOKEN_ENV,
  ...REGIONS.map((r) => REGION_INFO[r].tokenEnv),
  SHARED_URL_ENV,
  ...REGIONS.map((r) => REGION_INFO[r].urlEnv),
];

/**
 * What a connector's zip is made of, and nothing else, so that with Nx's task-level affected a
 * connector's build (and so its deploy) is selected exactly when its zip can change: the files
 * Tray's layout puts in the zip (connector.json, package.json, tsconfig, jest.config.js, src/**;
 * Nx leaves out what git ignores, and so does the build, so a cached zip and a fresh one are the
 * same; a credential-looking file that git does not ignore stays an input, so adding one re-runs the
 * build, which refuses it), the workspace libraries it imports (`^default` over the plugin's own graph edges,
 * and createNodes adds every vendored library file by name: see create-nodes.ts addLibraryInputs), the
 * workspace tsconfig files a connector's tsconfig may extend or take path aliases from, and the
 * versions of the plugin and TypeScript that generate the schemas. A README or a project.json
 * edit is not in the zip; Nx still re-runs every task of a project whose project.json changed.
 */
export const BUILD_INPUTS: TargetConfiguration['inputs'] = [
  '{projectRoot}/connector.json',
  '{projectRoot}/package.json',
  '{projectRoot}/tsconfig*.json',
  '{projectRoot}/jest.config.js',
  '{projectRoot}/src/**/*',
  '^default',
  '{workspaceRoot}/tsconfig.base.json',
  '{workspaceRoot}/tsconfig.json',
  // The plugin and TypeScript make the schemas; the type check reads Tray's DSL types. Naming them keeps
  // every other package of the lock file out of the hash (without this entry Nx hashes them all).
  { externalDependencies: ['tray-connector', 'typescript', '@trayio/cdk-dsl'] },
];

/** What a connector's jest run reads besides its own files: the test toolchain and Tray's DSL and runtime. */
export const TEST_EXTERNAL_DEPENDENCIES = ['jest', 'ts-jest', 'typescript', '@trayio/cdk-dsl', '@trayio/cdk-runtime'];

export interface TargetNames {
  build: string;
  test: string;
  /** Optional so plugin options written before the typecheck target existed still type-check. */
  typecheck?: string;
  deploy: string;
  share: string;
  /** Optional so plugin options written before the status target existed still type-check. */
  status?: string;
  /** Optional so plugin options written before the verify target existed still type-check. */
  verify?: string;
}

export const DEFAULT_TARGET_NAMES: TargetNames = {
  build: 'build',
  test: 'test',
  typecheck: 'typecheck',
  deploy: 'deploy',
  share: 'share',
  status: 'status',
  verify: 'verify',
};

export function buildTarget(): TargetConfiguration {
  return {
    executor: 'tray-connector:build',
    cache: true,
    inputs: BUILD_INPUTS,
    outputs: ['{options.outputPath}'],
    options: { outputPath: DEFAULT_ZIP_PATH },
    metadata: {
      description: "Build the deterministic .tray/connector.zip (schemas generated as Tray's builder does) for Tray's deployment API",
    },
  };
}

/**
 * Node options for a connector's jest run. Jest gives each test file a fresh module registry, so every file
 * evaluates Tray's CDK again (about 360 modules, 2.4 MB of JavaScript) and leaves it all as garbage when it
 * ends: what stays alive after a full collection is under 100 MB for a 180-operation connector. Node sizes V8's
 * heap limit from the machine's memory (4 GB on 24 GB), and under a limit of 2 GB or more V8 lets the heap grow
 * up to 4-fold between full collections, the more so the less loaded the machine is: about 1 GB for that
 * connector. A 1 GB limit still reached 900 MB on a quiet machine; 384 MB kept it under 460 MB, with room for
 * 4 times what a run keeps alive (docs/benchmarks.md). Set `options.env.NODE_OPTIONS` in project.json or
 * targetDefaults to change it (the target's value replaces NODE_OPTIONS from the environment for its command).
 */
export const TEST_NODE_OPTIONS = '--max-old-space-size=384';

export function testTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: ['{projectRoot}/**/*', '!{projectRoot}/.tray/**/*', '^default', { externalDependencies: TEST_EXTERNAL_DEPENDENCIES }],
    // A fresh clone has no src/test.ctx.json (git-ignored): `tray-connector test-context` copies the committed
    // test.ctx.example.json there first, or stops naming both files.
    options: {
      command: 'tray-connector test-context && jest --config jest.config.js --passWithNoTests',
      cwd: '{projectRoot}',
      env: { NODE_OPTIONS: TEST_NODE_OPTIONS },
    },
    metadata: {
      description:
        "Run the connector's handler tests with jest (offline; src/test.ctx.json supplies local credentials, copied from test.ctx.example.json when missing)",
    },
  };
}

/**
 * What the typecheck target reads: the files of the connector a TypeScript program over its sources and tests
 * takes (src/**, its tsconfig files, the package.json whose @types it takes), the workspace libraries it imports
 * (`^default`, and every vendored library file by name: createNodes adds them), the workspace tsconfig files its
 * tsconfig may extend or take path aliases from, and the packages whose types and compiler it reads.
 */
export const TYPECHECK_INPUTS: TargetConfiguration['inputs'] = [
  '{projectRoot}/package.json',
  '{projectRoot}/tsconfig*.json',
  '{projectRoot}/src/**/*',
  '^default',
  '{workspaceRoot}/tsconfig.base.json',
  '{workspaceRoot}/tsconfig.json',
  { externalDependencies: [PLUGIN_NAME, 'typescript', '@trayio/cdk-dsl', '@trayio/cdk-runtime', '@types/jest'] },
];

/**
 * The whole connector type-checked, its tests included (tray-connector typecheck: core/build/typecheck-connector.ts).
 * The build's check leaves the tests out (they are not what Tray runs) and jest only transpiles them (fast), so
 * without this target nothing type-checks a test. Cached; writes nothing (`outputs: []`, which also replaces the
 * outputs of a `typecheck` that @nx/js/typescript infers for the same folder, as ts-preset workspaces have).
 * Not a dependency of the test target: the tests stay fast, and CI runs both (the ci-workflow generator).
 */
export function typecheckTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: TYPECHECK_INPUTS,
    outputs: [],
    options: { command: 'tray-connector typecheck', cwd: '{projectRoot}' },
    metadata: {
      description:
        "Type-check the whole connector, its tests included, with its tsconfig.json and the workspace's path aliases (jest runs the tests without a type check; the build checks only what goes to Tray)",
    },
  };
}

/**
 * Deploy is never cached: only Tray knows what it runs, so a deploy that runs sends the zip (a revert
 * A->B->A must reach Tray, whoever deployed B and from wherever). Its inputs are what task-level
 * `nx affected` selects it by: the built zip, the variables naming the Tray organisation, and the
 * plugin that sends it (its options, the regions, are part of every task's hash). Naming only the
 * plugin as external dependency keeps a lock-file change to any other package (a devDependency bump)
 * from selecting it: without the entry Nx hashes every package of the lock file into the task.
 */
export function deployTarget(regions: string[], names: TargetNames = DEFAULT_TARGET_NAMES): TargetConfiguration {
  return {
    executor: 'tray-connector:deploy',
    dependsOn: [names.build],
    // Never replayed from a (local or remote) cache: only Tray knows what it runs, so a deploy that runs sends the zip.
    cache: false,
    inputs: [
      { dependentTasksOutputFiles: '**/*.zip' },
      ...DEPLOY_ENV_INPUTS.map((env) => ({ env })),
      { externalDependencies: [PLUGIN_NAME] },
    ],
    outputs: [DEPLOY_RESULT_OUTPUT],
    options: { regions },
    metadata: {
      description:
        'Deploy the built zip to every Tray region in options.regions and wait until each reports Deployed; never replayed from the cache (nx affected -t deploy selects what changed); the per-region result goes to .tray/deploy-result.json',
    },
  };
}

export function shareTarget(names: TargetNames = DEFAULT_TARGET_NAMES): TargetConfiguration {
  return {
    executor: 'tray-connector:share',
    cache: false,
    options: {},
    metadata: {
      description: `Share the deployed connector with Tray users by e-mail (--emails=a@b.com,c@d.com), in the ${names.deploy} target's regions`,
    },
  };
}

export function statusTarget(names: TargetNames = DEFAULT_TARGET_NAMES): TargetConfiguration {
  return {
    executor: 'tray-connector:status',
    cache: false,
    options: {},
    metadata: {
      description: `Show the latest deployment (--deploymentId for another) and its status in the ${names.deploy} target's regions; --json for machines`,
    },
  };
}

/**
 * Verify is never cached: it reports what Tray serves now (one GET of Tray's Connectivity API per region),
 * compared with the build it depends on. Its inputs are deploy's, so `nx affected -t verify` selects the
 * connectors a deploy would.
 */
export function verifyTarget(names: TargetNames = DEFAULT_TARGET_NAMES): TargetConfiguration {
  return {
    executor: 'tray-connector:verify',
    dependsOn: [names.build],
    cache: false,
    inputs: [
      { dependentTasksOutputFiles: '**/*.zip' },
      ...DEPLOY_ENV_INPUTS.map((env) => ({ env })),
      { externalDependencies: [PLUGIN_NAME] },
    ],
    outputs: [VERIFY_RESULT_OUTPUT],
    options: {},
    metadata: {
      description: `Compare what Tray serves for this connector version in the ${names.deploy} target's regions with the build: in sync, drift (with JSON paths) or not deployed; never cached; the result goes to .tray/verify-result.json`,
    },
  };
}

export function connectorTargets(regions: string[], names: TargetNames = DEFAULT_TARGET_NAMES): Record<string, TargetConfiguration> {
  return {
    [names.build]: buildTarget(),
    [names.test]: testTarget(),
    [names.typecheck ?? 'typecheck']: typecheckTarget(),
    [names.deploy]: deployTarget(regions, names),
    [names.share]: shareTarget(names),
    [names.status ?? 'status']: statusTarget(names),
    [names.verify ?? 'verify']: verifyTarget(names),
  };
}
