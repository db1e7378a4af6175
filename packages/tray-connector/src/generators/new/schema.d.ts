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
  /** Subset of us, eu, apac, as an array or a comma-separated string; default ['us']. */
  regions?: string[] | string;
  /** Default 'none'. */
  auth?: ConnectorAuthKind;
  /** Kind of the sample operation; default 'http'. */
  operationKind?: OperationKind;
  /** Extra project tags, comma-separated (or an array). */
  tags?: string | string[];
  skipFormat?: boolean;
  skipInstall?: boolean;
}
