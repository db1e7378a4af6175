import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { TrayConnectorError } from '../errors';

type Json = Record<string, unknown>;

/** compilerOptions holding one path, relative to the config file that sets them. */
const PATH_OPTIONS = ['baseUrl', 'outDir', 'rootDir', 'declarationDir', 'outFile', 'out', 'tsBuildInfoFile'];
/** compilerOptions holding a list of paths. */
const PATH_LIST_OPTIONS = ['rootDirs', 'typeRoots'];
/** Top-level keys a tsconfig inherits through `extends` (TypeScript's rules; `references` is never inherited). */
const INHERITED_KEYS = ['compilerOptions', 'files', 'include', 'exclude', 'watchOptions', 'compileOnSave'];

function readJsonc(file: string): Json {
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new TrayConnectorError(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new TrayConnectorError(`${file}: must be a JSON object`);
  return config as Json;
}

/** Resolves an `extends` entry the way TypeScript does: a relative path (".json" optional) or a package. */
export function resolveExtends(specifier: string, fromFile: string): string {
  const dir = path.dirname(fromFile);
  const candidates: string[] = [];
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const abs = path.resolve(dir, specifier);
    candidates.push(abs, `${abs}.json`);
  } else {
    for (const spec of [specifier, `${specifier}.json`, `${specifier}/tsconfig.json`]) {
      try {
        candidates.push(require.resolve(spec, { paths: [dir] }));
      } catch {
        // try the next form
      }
    }
  }
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) throw new TrayConnectorError(`${fromFile}: "extends": ${JSON.stringify(specifier)} not found`);
  return found;
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A path set in `fromDir`'s config, rewritten relative to `toDir`; undefined when it leaves `rootDir`. */
function rebase(value: string, fromDir: string, toDir: string, rootDir: string): string | undefined {
  if (value.startsWith('${configDir}')) return value;
  const abs = path.resolve(fromDir, value);
  if (!isInside(rootDir, abs)) return undefined;
  const rel = path.relative(toDir, abs).split(path.sep).join('/');
  return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
}

/** The config at `file` with everything it extends merged in; paths rebased to `toDir`, paths escaping `rootDir` dropped. */
function resolveConfig(file: string, toDir: string, rootDir: string, seen: string[]): Json {
  if (seen.includes(file)) throw new TrayConnectorError(`${file}: "extends" is circular (${[...seen, file].join(' -> ')})`);
  const raw = readJsonc(file);
  const fromDir = path.dirname(file);
  const own: Json = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'extends') continue;
    own[key] = value;
  }
  const options = own.compilerOptions as Json | undefined;
  if (options && fromDir !== toDir) {
    const rebased: Json = {};
    for (const [key, value] of Object.entries(options)) {
      if (PATH_OPTIONS.includes(key) && typeof value === 'string') {
        const next = rebase(value, fromDir, toDir, rootDir);
        if (next !== undefined) rebased[key] = next;
      } else if (PATH_LIST_OPTIONS.includes(key) && Array.isArray(value)) {
        rebased[key] = value.map((v) => (typeof v === 'string' ? rebase(v, fromDir, toDir, rootDir) : v)).filter((v) => v !== undefined);
      } else if (key === 'paths') {
        // Workspace path aliases point outside the connector: the zip must not depend on them.
        continue;
      } else {
        rebased[key] = value;
      }
    }
    own.compilerOptions = rebased;
  }
  if (fromDir !== toDir) {
    for (const key of ['files', 'include', 'exclude']) {
      if (Array.isArray(own[key])) {
        const kept = (own[key] as unknown[])
          .map((v) => (typeof v === 'string' ? rebase(v, fromDir, toDir, rootDir) : v))
          .filter((v) => v !== undefined);
        // Nothing of it applies inside the connector: leave TypeScript's default instead of an empty list.
        if (kept.length || (own[key] as unknown[]).length === 0) own[key] = kept;
        else delete own[key];
      }
    }
  }
  const specifiers = raw.extends === undefined ? [] : Array.isArray(raw.extends) ? raw.extends : [raw.extends];
  let merged: Json = {};
  for (const specifier of specifiers) {
    if (typeof specifier !== 'string') throw new TrayConnectorError(`${file}: "extends" must be a string or a list of strings`);
    const base = resolveConfig(resolveExtends(specifier, file), toDir, rootDir, [...seen, file]);
    merged = mergeConfig(merged, base);
  }
  return mergeConfig(merged, own);
}

function mergeConfig(base: Json, child: Json): Json {
  const result: Json = {};
  for (const key of INHERITED_KEYS) if (base[key] !== undefined) result[key] = base[key];
  for (const [key, value] of Object.entries(child)) {
    if ((key === 'compilerOptions' || key === 'watchOptions') && typeof value === 'object' && value !== null) {
      result[key] = { ...((result[key] as Json) ?? {}), ...(value as Json) };
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * Removes `paths` targets outside the connector folder (and the whole `paths` when none is left),
 * and a `baseUrl` outside it (the paths kept are then written relative to the connector folder).
 */
function dropEscapingPaths(config: Json, connectorDir: string): void {
  const options = config.compilerOptions as Json | undefined;
  if (!options) return;
  const base = path.resolve(connectorDir, typeof options.baseUrl === 'string' ? options.baseUrl : '.');
  const baseEscapes = typeof options.baseUrl === 'string' && !isInside(connectorDir, base);
  if (baseEscapes) delete options.baseUrl;
  const paths = options.paths as Record<string, unknown> | undefined;
  if (!paths || typeof paths !== 'object') return;
  const kept: Record<string, string[]> = {};
  for (const [alias, targets] of Object.entries(paths)) {
    const inside = (Array.isArray(targets) ? targets : [])
      .filter((t): t is string => typeof t === 'string' && isInside(connectorDir, path.resolve(base, t)))
      .map((t) => (baseEscapes ? (rebase(t, base, connectorDir, connectorDir) as string) : t));
    if (inside.length) kept[alias] = inside;
  }
  if (Object.keys(kept).length) options.paths = kept;
  else delete options.paths;
}

/**
 * The tsconfig.json to put in the zip. A connector's tsconfig.json without `extends` is
 * packaged as it is (same bytes), unless its `paths` point outside the connector folder. One that extends another config (in an Nx workspace,
 * usually the workspace's tsconfig.base.json) becomes the standalone equivalent: the
 * chain merged in, no `extends`, no workspace `paths`, and paths pointing outside the
 * connector folder dropped, so Tray can build the zip on its own.
 */
export function flattenTsconfig(connectorDir: string): Buffer {
  const file = path.join(connectorDir, 'tsconfig.json');
  const original = fs.readFileSync(file);
  const raw = readJsonc(file);
  const dir = path.resolve(connectorDir);
  if (raw.extends === undefined) {
    // Standalone already, unless its own `paths` lead outside the connector folder.
    const copy = JSON.parse(JSON.stringify(raw)) as Json;
    dropEscapingPaths(copy, dir);
    if (JSON.stringify(copy) === JSON.stringify(raw)) return original;
    return Buffer.from(`${JSON.stringify(copy, null, 2)}\n`);
  }
  const flat = resolveConfig(path.resolve(file), dir, dir, []);
  dropEscapingPaths(flat, dir);
  return Buffer.from(`${JSON.stringify(flat, null, 2)}\n`);
}
