import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';
import { TrayConnectorError } from '../errors';

/**
 * Shared workspace libraries in a connector's zip. A connector may import a library of the
 * workspace through a TypeScript path alias of tsconfig.base.json (`import { x } from
 * '@acme/shared'`). Tray builds the zip on its own, where no such alias exists, so the build
 * copies ("vendors") every library file the connector reaches through imports, transitively,
 * under `src/__workspace__/<path in the workspace>`, rewrites the alias specifiers of the
 * ZIPPED copies to relative paths, and merges the libraries' npm dependencies into the zipped
 * package.json. Files on disk are never changed; a library that is not imported is not packaged.
 */

/** Where vendored library files go, relative to the connector folder in the zip. */
export const VENDOR_DIR = 'src/__workspace__';

export interface WorkspaceAliases {
  /** Absolute directory the alias targets are relative to. */
  baseUrl: string;
  paths: Record<string, string[]>;
  /** The config file they come from. */
  file: string;
}

export interface LibraryPlan {
  /** Library folders vendored (relative to the workspace root, posix), sorted. */
  libraries: string[];
  /** Vendored files: zip path relative to the connector folder -> contents (specifiers rewritten). */
  vendored: Map<string, Buffer>;
  /** Connector files whose alias imports were rewritten: path relative to the connector folder -> new contents. */
  rewritten: Map<string, Buffer>;
  /** npm dependencies of the vendored libraries (from their package.json), name -> range. */
  dependencies: Record<string, string>;
}

const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The path aliases of the workspace (tsconfig.base.json, else tsconfig.json), or undefined when there are none. */
export function readWorkspaceAliases(workspaceRoot: string): WorkspaceAliases | undefined {
  for (const name of ['tsconfig.base.json', 'tsconfig.json']) {
    const file = path.join(workspaceRoot, name);
    if (!fs.existsSync(file)) continue;
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
    if (error) throw new TrayConnectorError(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
    const options = (config?.compilerOptions ?? {}) as { baseUrl?: string; paths?: Record<string, string[]> };
    if (!options.paths || typeof options.paths !== 'object' || Object.keys(options.paths).length === 0) return undefined;
    return { baseUrl: path.resolve(workspaceRoot, options.baseUrl ?? '.'), paths: options.paths, file };
  }
  return undefined;
}

/** True when a module specifier is one of the aliases (exact, or a `prefix*suffix` pattern). */
export function matchesAlias(specifier: string, aliases: WorkspaceAliases): boolean {
  return Object.keys(aliases.paths).some((pattern) => {
    const star = pattern.indexOf('*');
    if (star < 0) return pattern === specifier;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    return specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix);
  });
}

/** The nearest folder at or above `file` (below the workspace root) holding project.json or package.json. */
function libraryRoot(file: string, workspaceRoot: string): string {
  let dir = path.dirname(file);
  while (isInside(workspaceRoot, dir) && dir !== workspaceRoot) {
    if (fs.existsSync(path.join(dir, 'project.json')) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.dirname(file);
}

/** A relative module specifier from one zip path to another, without a TypeScript/JavaScript extension. */
function relativeSpecifier(fromZipPath: string, toZipPath: string): string {
  let target = toZipPath.replace(/\.d\.ts$/, '').replace(SOURCE_EXTENSIONS, '');
  target = path.posix.relative(path.posix.dirname(fromZipPath), target);
  return target.startsWith('.') ? target : `./${target}`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/**
 * Finds the workspace library files a connector imports through path aliases (transitively)
 * and prepares the zipped copies. `files` are the connector's packaged files, relative to its folder.
 */
export function planWorkspaceLibraries(input: {
  connectorDir: string;
  workspaceRoot: string;
  files: string[];
  aliases: WorkspaceAliases | undefined;
}): LibraryPlan {
  const plan: LibraryPlan = { libraries: [], vendored: new Map(), rewritten: new Map(), dependencies: {} };
  const { aliases } = input;
  if (!aliases) return plan;
  const connectorDir = path.resolve(input.connectorDir);
  const workspaceRoot = path.resolve(input.workspaceRoot);
  const options: ts.CompilerOptions = {
    baseUrl: aliases.baseUrl,
    paths: aliases.paths,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    resolveJsonModule: true,
    allowJs: true,
  };
  const zipPathOf = (abs: string): string | undefined => {
    if (isInside(connectorDir, abs)) return toPosix(path.relative(connectorDir, abs));
    if (isInside(workspaceRoot, abs)) return `${VENDOR_DIR}/${toPosix(path.relative(workspaceRoot, abs))}`;
    return undefined;
  };

  const queue: string[] = input.files.filter((f) => SOURCE_EXTENSIONS.test(f)).map((f) => path.join(connectorDir, f));
  const seen = new Set(queue);
  const libraryRoots = new Set<string>();
  /** npm packages the vendored files import. */
  const externals = new Set<string>();
  while (queue.length) {
    const file = queue.shift() as string;
    const fromZip = zipPathOf(file) as string;
    const isVendored = !isInside(connectorDir, file);
    const text = fs.readFileSync(file, 'utf8');
    const edits: Edit[] = [];
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = ref.fileName;
      const isAlias = matchesAlias(specifier, aliases);
      if (isVendored && !isAlias && !specifier.startsWith('.')) {
        const name = packageName(specifier);
        if (name) externals.add(name);
        continue;
      }
      // In the connector's own files only alias imports matter; in a vendored file, relative imports too.
      if (!isAlias && !(isVendored && specifier.startsWith('.'))) continue;
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = path.resolve(resolved.resolvedFileName);
      const toZip = zipPathOf(target);
      if (!toZip) {
        throw new TrayConnectorError(`${file}: "${specifier}" resolves to ${target}, outside the workspace: it cannot be packaged`);
      }
      if (!isInside(connectorDir, target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
      if (isAlias) {
        const start = ref.pos + 1;
        if (text.slice(start, start + specifier.length) !== specifier) {
          throw new TrayConnectorError(`${file}: could not rewrite the import of "${specifier}" (write it as a plain string literal)`);
        }
        edits.push({ start, end: start + specifier.length, text: relativeSpecifier(fromZip, toZip) });
      }
    }
    const output = edits.length ? Buffer.from(applyEdits(text, edits)) : undefined;
    if (isVendored) {
      plan.vendored.set(fromZip, output ?? fs.readFileSync(file));
      libraryRoots.add(libraryRoot(file, workspaceRoot));
    } else if (output) {
      plan.rewritten.set(fromZip, output);
    }
  }

  plan.libraries = [...libraryRoots].map((dir) => toPosix(path.relative(workspaceRoot, dir))).sort();
  for (const lib of plan.libraries) {
    const pkgFile = path.join(workspaceRoot, lib, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    let pkg: { dependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    } catch (e) {
      throw new TrayConnectorError(`${pkgFile} is not valid JSON: ${(e as Error).message}`);
    }
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      if (!(name in plan.dependencies)) plan.dependencies[name] = range;
    }
  }
  // Packages a vendored file imports that its library's package.json does not declare: take the
  // version the workspace root declares (Nx workspaces often keep a single root package.json).
  const rootPkgFile = path.join(workspaceRoot, 'package.json');
  if (externals.size && fs.existsSync(rootPkgFile)) {
    const rootPkg = JSON.parse(fs.readFileSync(rootPkgFile, 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    for (const name of [...externals].sort()) {
      const range = rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
      if (range && !(name in plan.dependencies)) plan.dependencies[name] = range;
    }
  }
  return plan;
}

/** `@scope/pkg/sub` -> `@scope/pkg`, `lodash/fp` -> `lodash`; undefined for Node built-ins. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The connector's package.json with the libraries' dependencies added (the connector's own
 * versions win). The original bytes when nothing is added.
 */
export function mergeDependencies(packageJson: Buffer, dependencies: Record<string, string>, file: string): Buffer {
  const names = Object.keys(dependencies);
  if (names.length === 0) return packageJson;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(packageJson.toString('utf8'));
  } catch (e) {
    throw new TrayConnectorError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const own = (pkg.dependencies ?? {}) as Record<string, string>;
  const added = names.filter((n) => !(n in own));
  if (added.length === 0) return packageJson;
  const merged: Record<string, string> = { ...own };
  for (const name of added) merged[name] = dependencies[name];
  pkg.dependencies = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((n) => [n, merged[n]]),
  );
  return Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`);
}
