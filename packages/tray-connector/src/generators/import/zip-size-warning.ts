import { joinPathFragments, readNxJson, type Tree } from '@nx/devkit';
import { DEFAULT_MAX_ZIP_BYTES, minimumZipBytes, type SizedFile } from '../../core/build/zip-size-limit';

/** The connector's files that reach its zip, as the import leaves them in the tree (a lower bound: the build adds schemas). */
function zippedFiles(tree: Tree, connectorRoot: string): SizedFile[] {
  const files: SizedFile[] = [];
  for (const name of tree.children(connectorRoot)) {
    if (['connector.json', 'package.json', 'jest.config.js'].includes(name) || /^tsconfig.*\.json$/.test(name)) {
      files.push({ name, bytes: tree.read(joinPathFragments(connectorRoot, name))?.length ?? 0 });
    }
  }
  const walk = (rel: string): void => {
    const abs = joinPathFragments(connectorRoot, rel);
    if (tree.isFile(abs)) {
      // test.ctx.json holds local credentials and is git-ignored: never zipped.
      if (rel !== 'src/test.ctx.json') files.push({ name: rel, bytes: tree.read(abs)?.length ?? 0 });
      return;
    }
    for (const child of tree.children(abs)) walk(`${rel}/${child}`);
  };
  if (tree.exists(joinPathFragments(connectorRoot, 'src'))) walk('src');
  return files;
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
