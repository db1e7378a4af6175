import * as path from 'path';
import { planWorkspaceLibraries, readWorkspaceAliases } from '../connector/workspace-libraries';
import { collectPackagedFiles } from './package-connector';
import {
  checkedFiles,
  connectorCompilerOptions,
  createConnectorProgram,
  isTestFile,
  typeCheckError,
  typeCheckErrors,
} from './schema/type-check';

/**
 * The type check of a whole connector, its tests included (the `typecheck` target): the build's check
 * (schema/type-check.ts) leaves the tests out, as they are not what Tray runs, and jest transpiles them
 * without one. The same program as the build's (the connector's tsconfig.json, the workspace's path
 * aliases when the tsconfig brings none, the vendored library files: what the tests import resolves as
 * the build and the generated jest.config.js resolve it), over every TypeScript file of src/ (what git
 * ignores left out, as Nx hashes it) and of the libraries those files import. Nothing is written.
 */

export interface TypeCheckConnectorOptions {
  /** The connector folder (holding connector.json). */
  connectorDir: string;
  /** The workspace root: where tsconfig.base.json's path aliases (shared libraries) are read. */
  workspaceRoot: string;
}

export interface TypeCheckConnectorResult {
  /** Absolute paths of the files checked: the connector's sources and tests, then the vendored library files. */
  files: string[];
  /** How many of them are tests. */
  tests: number;
}

/** Type-checks the connector; throws a TrayConnectorError listing the errors (file:line:col) when there are any. */
export function typeCheckConnector(options: TypeCheckConnectorOptions): TypeCheckConnectorResult {
  const connectorDir = path.resolve(options.connectorDir);
  const workspaceRoot = path.resolve(options.workspaceRoot);
  const listed = collectPackagedFiles(path.join(connectorDir, 'src'), { workspaceRoot, connectorDir });
  const aliases = readWorkspaceAliases(workspaceRoot);
  const libraries = planWorkspaceLibraries({ connectorDir, workspaceRoot, files: listed.files.map((f) => `src/${f.rel}`), aliases });
  const { own, files } = checkedFiles(connectorDir, workspaceRoot, listed.files, libraries.vendored.keys(), true);
  const { options: compilerOptions, configDiagnostics } = connectorCompilerOptions(connectorDir, aliases, true);
  const program = createConnectorProgram(files, compilerOptions);
  const errors = typeCheckErrors(program, files, configDiagnostics);
  if (errors.length) throw typeCheckError(errors, connectorDir, true);
  return { files, tests: own.filter((f) => isTestFile(f.rel)).length };
}
