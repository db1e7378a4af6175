import { readNxJson, type Tree } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_MAX_ZIP_BYTES, minimumZipBytes, type SizedFile } from '../../core/build/zip-size-limit';

/** Whether a path (relative to the connector folder) reaches the zip: root config files and src/ (test.ctx.json, local credentials, never). */
function zipped(rel: string): boolean {
  if (rel === 'src/test.ctx.json') return false;
  return rel.startsWith('src/') || ['connector.json', 'package.json', 'jest.config.js'].includes(rel) || /^tsconfig[^/]*\.json$/.test(rel);
}

/**
 * The connector's files that reach its zip, as the import leaves them (a lower bound: the build adds
 * schemas): what is on disk, then the tree's changes over it. One pass over each (Nx's tree lists a
 * folder's children by scanning every change: walking 1,000 folders of a big import that way is slow).
 */
function zippedFiles(tree: Tree, connectorRoot: string): SizedFile[] {
  const sizes = new Map<string, number>();
  const onDisk = path.join(tree.root, connectorRoot);
  if (fs.existsSync(onDisk)) {
    for (const entry of fs.readdirSync(onDisk, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = path
        .relative(onDisk, path.join(entry.parentPath ?? entry.path, entry.name))
        .split(path.sep)
        .join('/');
      if (zipped(rel)) sizes.set(rel, fs.statSync(path.join(onDisk, rel)).size);
    }
  }
  const prefix = `${connectorRoot.replace(/\/+$/, '')}/`;
  for (const change of tree.listChanges()) {
    if (!change.path.startsWith(prefix)) continue;
    const rel = change.path.slice(prefix.length);
    if (change.type === 'DELETE') sizes.delete(rel);
    else if (zipped(rel)) sizes.set(rel, change.content?.length ?? 0);
  }
  return [...sizes].map(([name, bytes]) => ({ name, bytes }));
}

/** The options of a target default (an object, or a list of entries in newer Nx). */
function defaultOptions(value: unknown): Array<Record<string, unknown> | undefined> {
  return (Array.isArray(value) ? value : [value]).map((entry) =>
    entry && typeof entry === 'object' ? (entry as { options?: Record<string, unknown> }).options : undefined,
  );
}

/** The build's maxZipBytes for this project: its build target's option, else nx.json's target defaults, else the default. */
function configuredMaxZipBytes(tree: Tree, buildOptions: Record<string, unknown> | undefined): number {
  const defaults: Record<string, unknown> = readNxJson(tree)?.targetDefaults ?? {};
  const candidates = [buildOptions, ...defaultOptions(defaults['tray-connector:build']), ...defaultOptions(defaults['build'])];
  for (const options of candidates) {
    const value = options?.maxZipBytes;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  }
  return DEFAULT_MAX_ZIP_BYTES;
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The warning the import prints when the connector's zip would be over the build's `maxZipBytes`
 * (so `nx build` would refuse it), naming the options that import a part of the spec; undefined
 * when it fits. The size counted is a lower bound: the files in the tree, stored as the zip stores them.
 */
export function zipSizeWarning(
  tree: Tree,
  connectorRoot: string,
  connectorName: string,
  buildOptions: Record<string, unknown> | undefined,
): string | undefined {
  const limit = configuredMaxZipBytes(tree, buildOptions);
  const bytes = minimumZipBytes(zippedFiles(tree, connectorRoot), connectorName);
  if (bytes <= limit) return undefined;
  return (
    `${connectorName}'s zip will be at least ${size(bytes)} (its source files alone; the build adds each operation's schemas), ` +
    `over the build's maxZipBytes of ${size(limit)}: \`nx build ${connectorName}\` will refuse it. ` +
    `Import a part of the spec with --tags, --paths or --operations (globs, comma-separated, e.g. --tags=repos or --paths='/repos/**'), ` +
    `or raise maxZipBytes in the build target's options if Tray accepts a zip that size.`
  );
}
