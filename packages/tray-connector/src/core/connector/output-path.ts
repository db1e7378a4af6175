import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../errors';

/**
 * Where a build may write its zip. The build writes a temporary file beside `outputPath` and
 * renames it into place only when everything succeeded, so a wrong path must be refused before
 * anything is written: it must end in `.zip`, must not be an existing folder, and must not be (or
 * be inside) one of the connector's source inputs (connector.json, package.json, tsconfig*.json,
 * jest.config.js, src/), nor inside those of any other connector (a folder above it with a connector.json);
 * `.tray/` and any other place are fine.
 */

/** The connector's source inputs (first path segment under the connector folder), as the build target hashes them. */
export function isSourceInput(segment: string): boolean {
  return ['connector.json', 'package.json', 'jest.config.js', 'src'].includes(segment) || /^tsconfig.*\.json$/.test(segment);
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `p` with its deepest existing ancestor resolved through symlinks (so `.tray -> src` is seen for what it is). */
function realish(p: string): string {
  const rest: string[] = [];
  let dir = p;
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  try {
    return path.join(fs.realpathSync(dir), ...rest);
  } catch {
    return p;
  }
}

/**
 * The source input of another connector (any folder above `file` holding a connector.json) that `file` is inside,
 * seen as given and through symlinks; undefined when none.
 */
function otherConnectorSource(file: string, own: string): { connector: string; source: string } | undefined {
  for (const at of [file, realish(file)]) {
    for (let dir = path.dirname(at); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      if (dir === own || !fs.existsSync(path.join(dir, 'connector.json'))) continue;
      const first = path.relative(dir, at).split(path.sep)[0];
      if (isSourceInput(first)) return { connector: dir, source: path.join(dir, first) };
    }
  }
  return undefined;
}

/** Throws a TrayConnectorError naming `outputPath` when the build must not write there. */
export function checkOutputPath(zipPath: string, connectorDir: string): void {
  const abs = path.resolve(zipPath);
  if (!/\.zip$/i.test(abs)) {
    throw new TrayConnectorError(
      `outputPath ${abs} must end in .zip: the build writes the connector zip there (default {projectRoot}/.tray/connector.zip)`,
    );
  }
  const dir = path.resolve(connectorDir);
  for (const [file, root] of [
    [abs, dir],
    [realish(abs), realish(dir)],
  ]) {
    if (!isInside(root, file)) continue;
    const rel = path.relative(root, file);
    const first = rel.split(path.sep)[0];
    if (isSourceInput(first)) {
      throw new TrayConnectorError(
        `outputPath ${abs} is ${rel === first ? '' : 'inside '}${path.join(dir, first)}, a source of the connector: the build never writes there (use e.g. {projectRoot}/.tray/connector.zip)`,
      );
    }
  }
  const other = otherConnectorSource(abs, dir);
  if (other) {
    throw new TrayConnectorError(
      `outputPath ${abs} is inside ${other.source}, a source of the connector in ${other.connector}: the build never writes into a connector's sources (use e.g. {projectRoot}/.tray/connector.zip)`,
    );
  }
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
    throw new TrayConnectorError(
      `outputPath ${abs} is a folder: give the path of the zip file to write (e.g. ${path.join(abs, 'connector.zip')})`,
    );
  }
}
