import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { TrayConnectorError } from '../../errors';
import { vendoredSourcePath } from '../../connector/workspace-libraries';
import type { PackagedFile } from '../package-connector';

/**
 * The type check of a whole connector: ONE TypeScript program over the connector's sources
 * (handlers, operation types, helpers; tests left out) and every vendored workspace library file,
 * compiled with the connector's own tsconfig.json (what Tray compiles the zip with). The same
 * program then generates the schemas, so the check costs one program, not two.
 */

/** Test files, by the conventions of the connector's jest.config.js (Tray's: `**\/?(*.)+(test).ts`) and jest's defaults. */
export function isTestFile(rel: string): boolean {
  return /(^|\/)__(tests|mocks)__\//.test(rel) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(rel);
}

/** TypeScript sources a program takes as roots (declaration files too). */
export function isTypeScriptSource(rel: string): boolean {
  return /\.(ts|tsx|mts|cts)$/.test(rel);
}

/**
 * What a connector's type check takes: its TypeScript files under src/ (`tests`: with the test files, as the
 * typecheck target; without, as the build), a file reached through a symlink inside src/ once under its own
 * path, then the vendored library files (`vendored`: their zip paths). `own`: the connector's files taken.
 */
export function checkedFiles(
  connectorDir: string,
  workspaceRoot: string,
  listed: readonly PackagedFile[],
  vendored: Iterable<string>,
  tests: boolean,
): { own: PackagedFile[]; files: string[] } {
  const ownReal = new Set(listed.filter((f) => !f.linked).map((f) => fs.realpathSync(f.abs)));
  const own = listed.filter(
    (f) => isTypeScriptSource(f.rel) && (tests || !isTestFile(f.rel)) && !(f.linked && ownReal.has(fs.realpathSync(f.abs))),
  );
  const files = [
    ...own.map((f) => path.join(connectorDir, 'src', f.rel)),
    ...[...vendored].filter(isTypeScriptSource).map((zipRel) => path.join(workspaceRoot, vendoredSourcePath(zipRel))),
  ];
  return { own, files };
}

/** Most diagnostics shown; the rest are counted (a screenful, not a scroll). */
export const MAX_SHOWN_DIAGNOSTICS = 20;

/** Config diagnostics that say nothing about the code: "No inputs were found" (the build picks the files itself). */
const IGNORED_CONFIG_CODES = new Set([18003]);

export interface ConnectorCompilerOptions {
  options: ts.CompilerOptions;
  /** Problems of the tsconfig chain itself (unknown option, bad extends...). */
  configDiagnostics: ts.Diagnostic[];
}

/**
 * The connector's tsconfig.json compiler options (its `extends` chain followed), for checking
 * without emitting: nothing is written, every file may sit outside rootDir (vendored libraries
 * are under src/__workspace__ in the zip), and the workspace path aliases are added when the
 * connector's tsconfig does not bring them, so imports of workspace libraries resolve. Without
 * `types` in the tsconfig, only the @types packages the connector's package.json declares are
 * global (not every @types folder of the workspace).
 */
export function connectorCompilerOptions(
  connectorDir: string,
  aliases?: { paths: Record<string, string[]>; baseUrl: string },
  /** With the tests (the typecheck target): jest's globals too, when @types/jest is installed, declared or not (jest gives them to every test). */
  withTests = false,
): ConnectorCompilerOptions {
  const file = path.join(connectorDir, 'tsconfig.json');
  const configDiagnostics: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => configDiagnostics.push(d),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(file, { noEmit: true }, host);
  if (parsed) configDiagnostics.push(...parsed.errors.filter((d) => !IGNORED_CONFIG_CODES.has(d.code)));
  const options: ts.CompilerOptions = { ...(parsed?.options ?? {}) };
  for (const key of [
    'rootDir',
    'outDir',
    'outFile',
    'declarationDir',
    'tsBuildInfoFile',
    'composite',
    'incremental',
    'declaration',
    'declarationMap',
    'emitDeclarationOnly',
    'sourceMap',
    'inlineSourceMap',
    'build',
  ]) {
    delete options[key];
  }
  options.noEmit = true;
  // Declaration files of npm packages are theirs to check: the connector's own files are checked one by one.
  options.skipLibCheck = true;
  if (!options.types && !options.typeRoots) {
    // Without `types`, TypeScript would take every @types folder of the workspace's node_modules
    // (jest's, babel's, ... whatever the monorepo installed), which Tray does not have: the check
    // takes the @types packages the connector declares, as Tray installs them from its package.json.
    options.types = [...declaredPackages(connectorDir)]
      .filter((n) => n.startsWith('@types/'))
      .map((n) => n.slice('@types/'.length))
      .sort();
    if (withTests && !options.types.includes('jest') && isInstalled('@types/jest', connectorDir))
      options.types = [...options.types, 'jest'];
  }
  if (!options.paths && aliases) {
    options.paths = aliases.paths;
    options.baseUrl = aliases.baseUrl;
  }
  return { options, configDiagnostics };
}

/**
 * True when a program compiled with these options gives the same schemas as Tray's builder
 * (strictNullChecks and esModuleInterop on, as @trayio/tray-schema compiles): then the schemas are
 * generated from the checked program; otherwise they get a program of Tray's own settings.
 */
export function schemaCompatible(options: ts.CompilerOptions): boolean {
  const strictNullChecks = options.strictNullChecks ?? options.strict ?? false;
  return strictNullChecks && !!options.esModuleInterop;
}

/** Declaration files whose doc comments no schema reads: the @types packages (@types/node alone is megabytes of JSDoc). */
const SKIP_JSDOC = /[\\/]node_modules[\\/]@types[\\/]/;

/**
 * One program for the check and the schemas. The doc comments of @types packages are parsed only
 * where they matter to types (TypeScript's own `tsc` mode): a good part of the parse time, and no
 * operation type takes a description from them. Everything else keeps its doc comments, which the
 * schemas need (@lookupOperation, @advanced, descriptions).
 */
export function createConnectorProgram(files: string[], options: ts.CompilerOptions, sourceFiles?: Map<string, ts.SourceFile>): ts.Program {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    const settings =
      typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const jsDocParsingMode = SKIP_JSDOC.test(fileName) ? ts.JSDocParsingMode.ParseForTypeErrors : settings.jsDocParsingMode;
    // `sourceFiles`: parsed files shared by programs of the same compiler options (the batch build's
    // programs of one group), each file parsed once.
    const key = `${fileName}\0${settings.languageVersion}\0${settings.impliedNodeFormat ?? ''}`;
    const cached = shouldCreateNewSourceFile ? undefined : sourceFiles?.get(key);
    if (cached) return cached;
    const sourceFile = getSourceFile.call(host, fileName, { ...settings, jsDocParsingMode }, onError, shouldCreateNewSourceFile);
    if (sourceFile && sourceFiles) sourceFiles.set(key, sourceFile);
    return sourceFile;
  };
  return ts.createProgram({ rootNames: [...files].sort(), options, host });
}

/** The errors of the checked files (and of the options), in file order. */
export function typeCheckErrors(program: ts.Program, checkedFiles: string[], configDiagnostics: ts.Diagnostic[] = []): ts.Diagnostic[] {
  const checked = new Set(checkedFiles.map((f) => path.resolve(f)));
  const diagnostics: ts.Diagnostic[] = [...configDiagnostics, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sourceFile of program.getSourceFiles()) {
    if (!checked.has(path.resolve(sourceFile.fileName))) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile));
  }
  return diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
}

function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True when `name` can be found in a node_modules folder at or above `dir`. */
function isInstalled(name: string, dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** npm packages the connector's package.json declares (dependencies, devDependencies, peerDependencies). */
function declaredPackages(connectorDir: string): Set<string> {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(connectorDir, 'package.json'), 'utf8'));
    return new Set([pkg.dependencies, pkg.devDependencies, pkg.peerDependencies].flatMap((deps) => Object.keys(deps ?? {})));
  } catch {
    return new Set();
  }
}

/**
 * `file:line:col - error TSnnnn: message` for each diagnostic. "Cannot find module 'x'" for a
 * package the connector's package.json declares but that is not installed says exactly that.
 */
export function formatTypeCheckDiagnostic(d: ts.Diagnostic, connectorDir: string, declared = declaredPackages(connectorDir)): string {
  let message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.code === 2307 || d.code === 2792) {
    const specifier = /Cannot find module '([^']+)'/.exec(message)?.[1];
    const name = specifier && packageName(specifier);
    if (name && declared.has(name) && !isInstalled(name, connectorDir)) {
      message = `"${name}" is declared in ${path.join(connectorDir, 'package.json')} but not installed: run npm install (or your package manager's install) in the workspace`;
    }
  }
  const where =
    d.file && d.start !== undefined
      ? (() => {
          const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
          return `${d.file.fileName}:${line + 1}:${character + 1} - `;
        })()
      : d.file
        ? `${d.file.fileName} - `
        : '';
  // A long elaboration chain is cut to its first lines: the location is what matters.
  const lines = message.split('\n');
  const shown = lines.length > 4 ? [...lines.slice(0, 4), '  ...'] : lines;
  return `${where}error TS${d.code}: ${shown.join('\n    ')}`;
}

/**
 * The TrayConnectorError for type errors: at most MAX_SHOWN_DIAGNOSTICS of them, then a count. The build's
 * (default) says Tray would fail the deployment; the typecheck target's (`tests`) covers the tests too.
 */
export function typeCheckError(diagnostics: readonly ts.Diagnostic[], connectorDir: string, tests = false): TrayConnectorError {
  const declared = declaredPackages(connectorDir);
  const shown = diagnostics.slice(0, MAX_SHOWN_DIAGNOSTICS).map((d) => `  ${formatTypeCheckDiagnostic(d, connectorDir, declared)}`);
  const more = diagnostics.length - shown.length;
  const count = `${diagnostics.length} TypeScript error${diagnostics.length === 1 ? '' : 's'}`;
  const it = diagnostics.length === 1 ? 'it' : 'them';
  return new TrayConnectorError(
    [
      tests
        ? `${count} in the connector, its tests included (compiled with its tsconfig.json and the workspace's path aliases, as the build compiles its sources):`
        : `${count} in the connector (Tray compiles it the same way, and the deployment would fail):`,
      ...shown,
      ...(more > 0 ? [`  ... and ${more} more (${count} in all)`] : []),
      tests
        ? `Fix ${it}: jest runs the tests without a type check, so a test with a type error may still run and pass.`
        : `Fix ${it}; or, at your own risk, set the build target's "typeCheck" option to false (Tray then finds ${it} after the upload, as a failed deployment).`,
    ].join('\n'),
  );
}
