import type { TargetConfiguration } from '@nx/devkit';

/**
 * The one definition of the targets a connector project gets, shared by the
 * `new` generator (project.json), the `init` generator (targetDefaults) and the
 * inferred-targets plugin (createNodes), so the three never drift apart.
 */

export const PLUGIN_NAME = 'tray-connector';
export const CONNECTOR_TAG = 'tray-connector';
export const DEFAULT_ZIP_PATH = '{projectRoot}/.tray/connector.zip';

export const REGION_NAMES = ['us', 'eu', 'apac'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** Environment variables whose values decide where a deploy goes and who owns it. Hashed by Nx, never stored. */
export const DEPLOY_ENV_INPUTS = [
  'TRAY_API_TOKEN',
  'TRAY_API_TOKEN_US',
  'TRAY_API_TOKEN_EU',
  'TRAY_API_TOKEN_APAC',
  'TRAY_API_URL',
  'TRAY_API_URL_US',
  'TRAY_API_URL_EU',
  'TRAY_API_URL_APAC',
];

/** What a connector's zip is made of: its own files (not build output, not credentials), the libraries it imports, the path aliases, the plugin's version. */
export const BUILD_INPUTS: TargetConfiguration['inputs'] = [
  '{projectRoot}/**/*',
  '!{projectRoot}/.tray/**/*',
  '!{projectRoot}/dist/**/*',
  '!{projectRoot}/node_modules/**/*',
  '!{projectRoot}/**/*.ctx.json',
  '^default',
  '{workspaceRoot}/tsconfig.base.json',
  { externalDependencies: ['tray-connector', 'typescript'] },
];

export interface TargetNames {
  build: string;
  test: string;
  deploy: string;
  share: string;
}

export const DEFAULT_TARGET_NAMES: TargetNames = { build: 'build', test: 'test', deploy: 'deploy', share: 'share' };

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

export function testTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: ['{projectRoot}/**/*', '!{projectRoot}/.tray/**/*', '^default', { externalDependencies: ['jest', 'ts-jest'] }],
    options: { command: 'jest --config jest.config.js --passWithNoTests', cwd: '{projectRoot}' },
    metadata: { description: "Run the connector's handler tests with jest (offline; test.ctx.json supplies local credentials)" },
  };
}

export function deployTarget(regions: string[], names: TargetNames = DEFAULT_TARGET_NAMES): TargetConfiguration {
  return {
    executor: 'tray-connector:deploy',
    dependsOn: [names.build],
    cache: true,
    inputs: [{ dependentTasksOutputFiles: '**/*.zip' }, ...DEPLOY_ENV_INPUTS.map((env) => ({ env }))],
    outputs: [],
    options: { regions },
    metadata: {
      description: `Deploy the built zip to Tray (${regions.join(', ')}) and wait until every region reports Deployed`,
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

export function connectorTargets(regions: string[], names: TargetNames = DEFAULT_TARGET_NAMES): Record<string, TargetConfiguration> {
  return {
    [names.build]: buildTarget(),
    [names.test]: testTarget(),
    [names.deploy]: deployTarget(regions, names),
    [names.share]: shareTarget(names),
  };
}
