// Entry point of the tray-connector package. Nx loads it (with require) as a
// project-graph plugin for inferred targets (createNodes) and the edges to the libraries connectors vendor (createDependencies); other tools may use the core API.
export { readConnectorConfig, validateConnectorConfig } from './core/connector/connector-config';
export type { ConnectorConfig } from './core/connector/connector-config';
export { TrayConnectorError, ValidationError } from './core/errors';
export { createDependencies } from './plugin/create-dependencies';
export { createNodes } from './plugin/create-nodes';
export type { TrayConnectorPluginOptions } from './plugin/create-nodes';
