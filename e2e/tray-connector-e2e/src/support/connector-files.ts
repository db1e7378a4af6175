import * as path from 'path';
import { REPO_ROOT } from './paths';
import type { TestWorkspace } from './workspace';

/**
 * The typed face of tools/workspace/connector-files.js: the one writer of connectors (and the one
 * nx environment) that both these e2e suites and the benchmarks (plain node) use.
 */

export interface OperationFiles {
  /** The input type's fields, one per line (`  id: string;\n`). */
  inputFields: string;
  /** What input.ts starts with (imports). */
  inputPrelude?: string;
  /** The output type's fields; default `  items: { id: string }[];\n`. */
  outputFields?: string;
  /** The handler's success value, an expression over `input`; default `{ items: [] }`. */
  result?: string;
  /** Lines of handler.ts after its imports (e.g. an import of a workspace library). */
  handlerPrelude?: string;
  /** The handler's exported name; default `<operation>Handler`. */
  handlerName?: string;
  /** operation.json's title; default the PascalCase name. */
  title?: string;
  /** operation.json's description; default the title. */
  description?: string;
}

export interface ConnectorFilesOptions {
  operations: Record<string, OperationFiles>;
  /** A project.json with these deploy options; none without. */
  deployOptions?: Record<string, unknown>;
  /** The connector's folder; default `connectors/<name>`. */
  dir?: string;
  /** connector.json's title (default the PascalCase name) and description (default `<title> connector`). */
  title?: string;
  description?: string;
  /** The connector package.json's devDependencies. */
  devDependencies?: Record<string, string>;
  /** tsconfig.json extends ../../tsconfig.base.json (for a workspace library's alias) instead of standing alone. */
  extendsBase?: boolean;
}

interface ConnectorFilesModule {
  WORKSPACE_NX: { nx: string; '@nx/devkit': string };
  pascal(s: string): string;
  json(value: unknown): string;
  folderWriter(root: string): (file: string, content: string) => void;
  writeWorkspaceFiles(write: (file: string, content: string) => void, name: string, devDependencies: Record<string, string>): void;
  connectorTsconfig(options?: { extendsBase?: boolean }): Record<string, unknown>;
  writeConnectorFiles(write: (file: string, content: string) => void, name: string, options: ConnectorFilesOptions): string;
  nxEnv(root: string, extra?: NodeJS.ProcessEnv, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

const shared = require(path.join(REPO_ROOT, 'tools', 'workspace', 'connector-files.js')) as ConnectorFilesModule;

/** The Nx a test workspace installs by default: the newest the plugin supports (tools/workspace/connector-files.js). */
export const WORKSPACE_NX = shared.WORKSPACE_NX;
/** `list_items` → `ListItems`, `alpha` → `Alpha` (Tray's type names for an operation folder). */
export const pascal = shared.pascal;
/** The tsconfig.json a connector gets (tray-cdk's, or extending the workspace base with `extendsBase`). */
export const connectorTsconfig = shared.connectorTsconfig;
/** A fresh Nx workspace's package.json (with `devDependencies`), nx.json and .gitignore, in the folder `dir`. */
export function writeWorkspaceFiles(dir: string, name: string, devDependencies: Record<string, string>): void {
  shared.writeWorkspaceFiles(shared.folderWriter(dir), name, devDependencies);
}
/** The environment nx runs with in a test workspace at `root` (daemon, cloud, TUI off; Nx data in its .nx). */
export const nxEnv = shared.nxEnv;

/**
 * A connector written directly (not by the generators, which are proven elsewhere): connector.json,
 * package.json, the tsconfig.json `tray-cdk connector init` writes, a token auth type, and per
 * operation its operation.json, input.ts, output.ts (`{ items: { id: string }[] }`) and a composite
 * handler that type-checks against @trayio/cdk-dsl. With `deployOptions`, a project.json with them.
 * For specs that need several connectors quickly. Returns the connector's folder.
 */
export function writeConnectorFiles(ws: TestWorkspace, name: string, options: ConnectorFilesOptions): string {
  return shared.writeConnectorFiles((file, content) => ws.write(file, content), name, options);
}
