/**
 * Versions of what a connector workspace needs, pinned to a set known to install and work
 * together (the e2e test builds and tests a generated connector with exactly these).
 */
export const TRAY_CDK_DSL_VERSION = '4.65.0';
export const TRAY_CDK_RUNTIME_VERSION = '4.65.0';
export const JEST_VERSION = '30.5.2';
export const TS_JEST_VERSION = '29.4.15';
export const TYPES_JEST_VERSION = '30.0.0';
export const TYPESCRIPT_VERSION = '5.9.3';

/** What a connector's code imports at run time. */
export const CONNECTOR_DEPENDENCIES: Record<string, string> = {
  '@trayio/cdk-dsl': TRAY_CDK_DSL_VERSION,
  '@trayio/cdk-runtime': TRAY_CDK_RUNTIME_VERSION,
};

/** What a connector's tests and type checks need. */
export const CONNECTOR_DEV_DEPENDENCIES: Record<string, string> = {
  '@types/jest': TYPES_JEST_VERSION,
  jest: JEST_VERSION,
  'ts-jest': TS_JEST_VERSION,
  typescript: TYPESCRIPT_VERSION,
};

/**
 * The Node.js versions a new connector's package.json asks for (`engines.node`): the plugin's own, from its
 * package.json (Node 20.3+: the build and deploy run in the plugin), so the two never disagree.
 */
export const CONNECTOR_NODE_ENGINE: string = require('../../../package.json').engines.node;
