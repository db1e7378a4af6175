import type { OperationKind } from '../operation/schema';

export type ConnectorAuthKind = 'none' | 'token' | 'oauth2';

export interface NewGeneratorSchema {
  /** kebab-case connector name, also the project name. */
  name: string;
  /** Default connectors/<name>. */
  directory?: string;
  /** Default: the name in title case. */
  title?: string;
  /** Default ''. */
  description?: string;
  /** connector.json service.name; default: the name. */
  service?: string;
  /** Subset of us, eu, apac (any case, aliases), as an array or a comma-separated string; default: the plugin's defaultRegions (us without the plugin). */
  regions?: string[] | string;
  /** Default 'none'. */
  auth?: ConnectorAuthKind;
  /** Kind of the sample operation; default 'http'. */
  operationKind?: OperationKind;
  /** Extra project tags, comma-separated (or an array). */
  tags?: string | string[];
  /** Thin project.json over the registered plugin's inferred targets (default when registered and inference is on); false writes full targets. */
  addPlugin?: boolean;
  skipFormat?: boolean;
  skipInstall?: boolean;
}
