import type { NxJsonConfiguration } from '@nx/devkit';
import { normalizePluginOptions, type TrayConnectorPluginOptions } from '../../plugin/create-nodes';
import { PLUGIN_NAME, type TargetNames } from '../../plugin/targets';

/** The tray-connector entry of nx.json `plugins`, with its options normalised as the plugin reads them. */
export interface RegisteredPlugin {
  options: TrayConnectorPluginOptions;
  targetNames: TargetNames;
  defaultRegions: string[];
}

/** The first registration of the tray-connector plugin in nx.json (string or object form), or undefined when it is not registered. */
export function registeredPlugin(nxJson: NxJsonConfiguration): RegisteredPlugin | undefined {
  const entry = (nxJson.plugins ?? []).find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (entry === undefined) return undefined;
  const options = (typeof entry === 'string' ? {} : (entry.options as TrayConnectorPluginOptions | undefined)) ?? {};
  const { targetNames, defaultRegions } = normalizePluginOptions(options);
  return { options, targetNames, defaultRegions };
}
