import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import type * as TS from 'typescript';
import { TrayConnectorError } from '../errors';

/**
 * TypeScript, loaded when first needed: every generator loads the plugin's project-graph code, and only the
 * library analysis needs TypeScript (about 150 ms to load).
 */
function typescript(): typeof TS {
  return require('typescript') as typeof TS;
}

/**
 * Shared workspace libraries in a connector's zip. A connector may import a library of the
 * workspace through a TypeScript path alias of tsconfig.base.json (`import { x } from
 * '@acme/shared'`), or a workspace package (`packages/util` with its own package.json, linked into
 * node_modules by npm, pnpm or yarn workspaces: `import { y } from '@acme/util'`). Tray builds the zip on its own, where no such alias exists, so the build
 * copies ("vendors") every library file the connector reaches through imports, transitively,
 * under `src/__workspace__/<path in the workspace>`, rewrites the alias and workspace-package specifiers
 * of the ZIPPED copies to relative paths, and merges the libraries' npm dependencies into the zipped
 * package.json. Files on disk are never changed; a library that is not imported is not packaged.
 */

/** Where vendored library files go, relative to the connector folder in the zip. */
export const VENDOR_DIR = 'src/__workspace__';

/** A vendored file's workspace-relative path, from its path in the zip (`VENDOR_DIR/<workspace path>`). */
export function vendoredSourcePath(zipRel: string): string {
  return zipRel.slice(VENDOR_DIR.length + 1);
}

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
  /** Names of the workspace packages vendored (they are in the zip, never npm dependencies of it), sorted. */
  workspacePackages: string[];
  /**
   * For each library folder of `libraries`, a connector file (relative to the connector folder) whose imports
   * reach it, directly or through other libraries: the source of the project-graph edge to that library.
   */
  importedFrom: Record<string, string>;
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
  const ts = typescript();
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

/** True when an absolute path has a `node_modules` folder among its segments (an installed package, not a workspace one). */
function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

/** How an import found in a file is handled: vendored (and rewritten when `rewrite`), counted as an npm package, or left alone. */
type ImportKind =
  | { kind: 'vendor'; target: string; rewrite: boolean; workspacePackage?: string }
  | { kind: 'external'; name: string }
  | undefined;

/**
 * A bare import that does not resolve although the workspace links a package of that name into node_modules:
 * its package.json leads to files that do not exist (typically `types`/`main` naming built output, e.g.
 * `dist/index.d.ts`, as libraries generated for TypeScript project references do). Refused with what to change.
 */
function refuseUnresolvedWorkspacePackage(specifier: string, name: string, file: string, workspaceRoot: string): void {
  let real: string;
  try {
    real = fs.realpathSync(path.join(workspaceRoot, 'node_modules', name));
  } catch {
    return; // not linked by the workspace: an npm package that is not installed, for the type check to report
  }
  if (!isInside(workspaceRoot, real) || inNodeModules(real)) return;
  throw new TrayConnectorError(
    `${file}: "${specifier}" is the workspace package in ${toPosix(path.relative(workspaceRoot, real))}, but its package.json's "types"/"main" lead to no file (built output that is not there?): Tray builds the zip from sources, so point them at its TypeScript source, e.g. "src/index.ts"`,
  );
}

/** What one import of `file` means for the zip (see planWorkspaceLibraries). */
function classifyImport(
  specifier: string,
  file: string,
  isVendored: boolean,
  ctx: { aliases: WorkspaceAliases | undefined; options: TS.CompilerOptions; cache: TS.ModuleResolutionCache; workspaceRoot: string },
): ImportKind {
  const isAlias = !!ctx.aliases && matchesAlias(specifier, ctx.aliases);
  const isRelative = specifier.startsWith('.') || path.isAbsolute(specifier);
  // In the connector's own files relative imports stay as they are; in a vendored file they are followed.
  if (isRelative && !isVendored) return undefined;
  const name = isAlias || isRelative ? undefined : packageName(specifier);
  if (!isAlias && !isRelative && !name) return undefined; // a Node built-in
  const ts = typescript();
  const resolved = ts.resolveModuleName(specifier, file, ctx.options, ts.sys, ctx.cache).resolvedModule;
  if (!resolved && name) refuseUnresolvedWorkspacePackage(specifier, name, file, ctx.workspaceRoot);
  if (!resolved) return name && isVendored ? { kind: 'external', name } : undefined;
  const target = path.resolve(resolved.resolvedFileName);
  if (isAlias || isRelative) return resolved.isExternalLibraryImport ? undefined : { kind: 'vendor', target, rewrite: isAlias };
  // A bare specifier: a package of the workspace (npm, pnpm or yarn workspaces link it into node_modules, whose
  // real path is a folder of the workspace) is vendored like a path alias; an installed npm package is not.
  if (isInside(ctx.workspaceRoot, target) && !inNodeModules(target)) {
    if (/\.d\.[cm]?ts$/.test(target)) {
      throw new TrayConnectorError(
        `${file}: "${specifier}" is a workspace package whose types resolve to ${target}, a declaration file: Tray builds the zip from sources, so point that package's "types" or "main" (package.json) at its TypeScript source, e.g. "src/index.ts"`,
      );
    }
    return { kind: 'vendor', target, rewrite: true, workspacePackage: name };
  }
  return isVendored ? { kind: 'external', name: name as string } : undefined;
}

/**
 * Finds the workspace library files a connector imports (transitively), through path aliases or as
 * workspace packages (npm, pnpm or yarn workspaces, as the type check resolves them through node_modules),
 * and prepares the zipped copies. `files` are the connector's packaged files, relative to its folder.
 */
export function planWorkspaceLibraries(input: {
  connectorDir: string;
  workspaceRoot: string;
  files: string[];
  aliases: WorkspaceAliases | undefined;
}): LibraryPlan {
  const plan: LibraryPlan = {
    libraries: [],
    vendored: new Map(),
    rewritten: new Map(),
    dependencies: {},
    workspacePackages: [],
    importedFrom: {},
  };
  const { aliases } = input;
  const connectorDir = path.resolve(input.connectorDir);
  const workspaceRoot = path.resolve(input.workspaceRoot);
  const ts = typescript();
  const options: TS.CompilerOptions = {
    ...(aliases ? { baseUrl: aliases.baseUrl, paths: aliases.paths } : {}),
    moduleResolution: ts.ModuleResolutionKind.Node10,
    resolveJsonModule: true,
    allowJs: true,
  };
  const cache = ts.createModuleResolutionCache(workspaceRoot, (f) => f, options);
  const ctx = { aliases, options, cache, workspaceRoot };
  const zipPathOf = (abs: string): string | undefined => {
    if (isInside(connectorDir, abs)) return toPosix(path.relative(connectorDir, abs));
    if (isInside(workspaceRoot, abs)) return `${VENDOR_DIR}/${toPosix(path.relative(workspaceRoot, abs))}`;
    return undefined;
  };

  const queue: string[] = input.files.filter((f) => SOURCE_EXTENSIONS.test(f)).map((f) => path.join(connectorDir, f));
  const seen = new Set(queue);
  /** The connector file whose imports led to each file of the queue. */
  const origin = new Map(queue.map((f) => [f, f]));
  const libraryRoots = new Map<string, string>();
  /** npm packages the vendored files import. */
  const externals = new Set<string>();
  const workspacePackages = new Set<string>();
  while (queue.length) {
    const file = queue.shift() as string;
    const fromZip = zipPathOf(file) as string;
    const isVendored = !isInside(connectorDir, file);
    const text = fs.readFileSync(file, 'utf8');
    const edits: Edit[] = [];
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = ref.fileName;
      const found = classifyImport(specifier, file, isVendored, ctx);
      if (!found) continue;
      if (found.kind === 'external') {
        externals.add(found.name);
        continue;
      }
      const { target } = found;
      const toZip = zipPathOf(target);
      if (!toZip) {
        throw new TrayConnectorError(`${file}: "${specifier}" resolves to ${target}, outside the workspace: it cannot be packaged`);
      }
      if (found.workspacePackage) workspacePackages.add(found.workspacePackage);
      if (!isInside(connectorDir, target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
        origin.set(target, origin.get(file) as string);
      }
      if (found.rewrite) {
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
      const root = libraryRoot(file, workspaceRoot);
      if (!libraryRoots.has(root)) libraryRoots.set(root, origin.get(file) as string);
    } else if (output) {
      plan.rewritten.set(fromZip, output);
    }
  }

  plan.libraries = [...libraryRoots.keys()].map((dir) => toPosix(path.relative(workspaceRoot, dir))).sort();
  for (const [dir, from] of libraryRoots)
    plan.importedFrom[toPosix(path.relative(workspaceRoot, dir))] = toPosix(path.relative(connectorDir, from));
  plan.workspacePackages = [...workspacePackages].sort();
  collectDependencies(plan, workspaceRoot, externals);
  return plan;
}

/**
 * The npm dependencies of the vendored libraries (their package.json), and the root package.json's
 * version of each package a vendored file imports that its library does not declare. A vendored
 * workspace package is in the zip, so it is never a dependency; a dependency on any other package of
 * the workspace (`workspace:`, `file:` or `link:`) could not be installed by Tray and is refused.
 */
function collectDependencies(plan: LibraryPlan, workspaceRoot: string, externals: Set<string>): void {
  const vendoredNames = new Set(plan.workspacePackages);
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
      if (vendoredNames.has(name)) continue;
      if (typeof range === 'string' && /^(workspace|file|link):/.test(range)) {
        throw new TrayConnectorError(
          `${pkgFile}: dependency "${name}": "${range}" is a package of the workspace that the connector does not import: Tray cannot install it; import it where it is used (so it is vendored) or remove the dependency`,
        );
      }
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
      if (vendoredNames.has(name)) continue;
      const range = rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
      if (range && !(name in plan.dependencies)) plan.dependencies[name] = range;
    }
  }
}

/** `@scope/pkg/sub` -> `@scope/pkg`, `lodash/fp` -> `lodash`; undefined for Node built-ins. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The connector's package.json with the libraries' dependencies added (the connector's own
 * versions win) and the vendored workspace packages (`vendoredPackages`, in the zip itself) taken out
 * of its dependencies, as Tray could not install them. The original bytes when nothing changes.
 */
export function mergeDependencies(
  packageJson: Buffer,
  dependencies: Record<string, string>,
  file: string,
  vendoredPackages: string[] = [],
): Buffer {
  const names = Object.keys(dependencies);
  if (names.length === 0 && vendoredPackages.length === 0) return packageJson;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(packageJson.toString('utf8'));
  } catch (e) {
    throw new TrayConnectorError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const own = (pkg.dependencies ?? {}) as Record<string, string>;
  const added = names.filter((n) => !(n in own));
  const dropped = vendoredPackages.filter((n) => n in own);
  if (added.length === 0 && dropped.length === 0) return packageJson;
  const merged: Record<string, string> = { ...own };
  for (const name of added) merged[name] = dependencies[name];
  for (const name of dropped) delete merged[name];
  pkg.dependencies = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((n) => [n, merged[n]]),
  );
  return Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`);
}
