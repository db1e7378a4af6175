import * as fs from 'fs';
import * as path from 'path';
import { readConnectorConfig } from '../core/connector/connector-config';
import { typeCheckConnector } from '../core/build/typecheck-connector';

/**
 * `tray-connector typecheck [<connector folder>]`, what a connector's `typecheck` target runs (in the
 * connector folder): the whole connector, its tests included, type-checked (core/build/typecheck-connector.ts).
 */

/** The Nx workspace around `dir`: the nearest folder at or above it holding nx.json; `dir` itself when there is none. */
export function findWorkspaceRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'nx.json'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

/** Type-checks the connector in `connectorDir`; returns the line to print, or throws a TrayConnectorError listing the errors. */
export function typecheckCommand(connectorDir: string): string {
  const dir = path.resolve(connectorDir);
  // Reads connector.json first: run in a folder that is no connector, it says so rather than listing type errors.
  const { name } = readConnectorConfig(dir);
  const { files, tests } = typeCheckConnector({ connectorDir: dir, workspaceRoot: findWorkspaceRoot(dir) });
  return `${name}: ${files.length} file${files.length === 1 ? '' : 's'} type-checked (${tests} test${tests === 1 ? '' : 's'} among them), no errors`;
}
