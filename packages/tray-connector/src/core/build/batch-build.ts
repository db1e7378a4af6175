import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  BuildConnectorOptions,
  BuildConnectorResult,
  checkAndGenerateSchemas,
  PreparedConnector,
  prepareConnector,
  writeConnectorZip,
} from './build-connector';
import { Logger } from '../logger';
import { createConnectorProgram, schemaCompatible, typeCheckErrors } from './schema/type-check';

/**
 * The batch build (Nx's `--batch`): many connectors built from ONE TypeScript program per group of
 * connectors whose compiler options are the same, instead of one program (and one load of
 * @trayio/cdk-dsl, @types/node...) per connector. Every zip is byte-identical to the one
 * buildConnector writes, and every failure is the single build's, word for word.
 *
 * Why a shared program can be trusted, and when it is not:
 * - A program's result for a file depends on the compiler options, on the file and what it imports,
 *   and on the GLOBAL scope (lib files, `types`, scripts, `declare global`, `declare module`,
 *   `export as namespace`). The options are the group key (what cannot matter, like the tsconfig's own
 *   path, is left out; `types`, the automatic type roots, `paths`, `lib`, strictness... are in it).
 *   Module resolution is per importing file, so the same import resolves to the same file.
 * - Globals: a connector whose own (or vendored) files are scripts or declare globals / ambient
 *   modules would change every other connector's program: it builds in a program of its own. A
 *   global-declaring npm file (@types/node reached through @trayio/cdk-dsl, fp-ts's module
 *   augmentations...) is seen by every connector of a shared program, but by a connector alone only
 *   if it reaches it through its imports: the connectors of a group are split by the set of such
 *   files they reach (from TypeScript's own record of why each file is in the program), so each
 *   sees in the shared program exactly the globals its own program would have.
 * - What is left can only ADD diagnostics in a shared program (two connectors disagreeing on a
 *   file's casing...), never hide one. So a connector whose files have no diagnostic in the shared
 *   program has none alone; any connector with a diagnostic, a schema problem or a group-wide
 *   (options, global) diagnostic is built again ALONE by the single build's path, whose message is
 *   then exactly the single build's, and fails only its own result.
 * - Type names are looked up by name (Tray's rule): the schemas of a connector see only the files of
 *   its own program (its closure), so same-named types of other connectors are invisible, and a name
 *   declared twice within the connector takes the single build's fallback.
 * Connectors with `typeCheck: false`, schema-incompatible options or a tsconfig with problems take
 * the single path: nothing to share, or nothing to trust.
 */

export interface BatchBuildOutcome {
  /** Index in the list given to buildConnectors. */
  index: number;
  result?: BuildConnectorResult;
  /** The error the single build would throw (a TrayConnectorError for problems a person fixes). */
  error?: unknown;
}

export interface BatchBuildOptions {
  /** Progress for a person: one line per shared program. */
  progress?: Logger;
}

/** Builds every connector of the list; yields each outcome as soon as it is known (not in list order). */
export async function* buildConnectorsEach(
  list: BuildConnectorOptions[],
  options: BatchBuildOptions = {},
): AsyncGenerator<BatchBuildOutcome> {
  const alone: { index: number; prepared: PreparedConnector }[] = [];
  const groups = new Map<string, { index: number; prepared: PreparedConnector }[]>();
  for (const [index, item] of list.entries()) {
    let prepared: PreparedConnector;
    try {
      prepared = prepareConnector(item);
    } catch (error) {
      yield { index, error };
      continue;
    }
    const check = prepared.check;
    if (!check || !schemaCompatible(check.compilerOptions) || check.configDiagnostics.length) {
      alone.push({ index, prepared });
      continue;
    }
    const key = groupKey(prepared);
    groups.set(key, [...(groups.get(key) ?? []), { index, prepared }]);
  }
  for (const members of groups.values()) {
    if (members.length === 1) {
      alone.push(...members);
      continue;
    }
    const sourceFiles = new Map<string, ts.SourceFile>();
    const pending = [{ members, split: true }];
    while (pending.length) {
      const { members: group, split } = pending.shift() as (typeof pending)[number];
      const compilerOptions = group[0].prepared.check?.compilerOptions as ts.CompilerOptions;
      options.progress?.info(`tray-connector: type-checking ${group.length} connectors in one TypeScript program`);
      const files = [...new Set(group.flatMap((m) => m.prepared.check?.files ?? []))];
      const shared = sharedProgram(
        files,
        compilerOptions,
        sourceFiles,
        group.map((m) => m.prepared.check?.files ?? []),
      );
      if (!shared) {
        alone.push(...group);
        continue;
      }
      const { program, plan } = shared;
      if (plan.partitions.length > 1 || plan.isolated.length) {
        // Programs without the connectors that would change the others' globals.
        alone.push(...plan.isolated.map((i) => group[i]));
        for (const partition of plan.partitions) {
          if (partition.length > 1 && split) pending.push({ members: partition.map((i) => group[i]), split: false });
          else alone.push(...partition.map((i) => group[i]));
        }
        continue;
      }
      for (const [i, member] of group.entries()) {
        const files = member.prepared.check?.files ?? [];
        if (typeCheckErrors(program, files).length) {
          alone.push(member);
          continue;
        }
        let schemas;
        try {
          const closure = plan.closures[i];
          schemas = checkAndGenerateSchemas(member.prepared, {
            program,
            sourceFileFilter: (sf) => closure.has(filePath(sf)),
          });
        } catch {
          alone.push(member);
          continue;
        }
        try {
          yield { index: member.index, result: await writeConnectorZip(member.prepared, schemas) };
        } catch (error) {
          yield { index: member.index, error };
        }
      }
    }
  }
  alone.sort((a, b) => a.index - b.index);
  for (const { index, prepared } of alone) {
    try {
      yield { index, result: await writeConnectorZip(prepared, checkAndGenerateSchemas(prepared)) };
    } catch (error) {
      yield { index, error };
    }
  }
}

/** Builds every connector of the list (see buildConnectorsEach); the outcomes in list order. */
export async function buildConnectors(list: BuildConnectorOptions[], options: BatchBuildOptions = {}): Promise<BatchBuildOutcome[]> {
  const outcomes: BatchBuildOutcome[] = [];
  for await (const outcome of buildConnectorsEach(list, options)) outcomes[outcome.index] = outcome;
  return outcomes;
}

/** The program of a group and its plan; undefined when it cannot be trusted (or fails to build at all: then each connector's own build says why best). */
function sharedProgram(
  files: string[],
  compilerOptions: ts.CompilerOptions,
  sourceFiles: Map<string, ts.SourceFile>,
  memberFiles: string[][],
): { program: ts.Program; plan: SharedProgramPlan } | undefined {
  try {
    const program = createConnectorProgram(files, compilerOptions, sourceFiles);
    const plan = planSharedProgram(program, memberFiles);
    return plan && { program, plan };
  } catch {
    return undefined;
  }
}

/**
 * The group key: the compiler options, without what cannot change a program's result (the path of
 * the tsconfig file; the base of `paths` when `baseUrl` is set), with what the options leave implicit
 * (the automatic type roots: every node_modules/@types above the connector).
 */
export function groupKey(prepared: PreparedConnector): string {
  const { configFilePath: _configFilePath, pathsBasePath, ...rest } = prepared.check?.compilerOptions ?? {};
  const key: Record<string, unknown> = { ...rest, typeRoots: rest.typeRoots ?? automaticTypeRoots(prepared.connectorDir) };
  if (!rest.baseUrl && rest.paths) key.pathsBasePath = pathsBasePath;
  return stableStringify(key);
}

function automaticTypeRoots(dir: string): string[] {
  const roots: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const types = path.join(d, 'node_modules', '@types');
    if (fs.existsSync(types)) roots.push(types);
    if (path.dirname(d) === d) return roots;
  }
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** TypeScript's key of a source file (its `path`: the file name as the program's maps hold it). */
function filePath(sourceFile: ts.SourceFile): string {
  return (sourceFile as ts.SourceFile & { path?: string }).path ?? sourceFile.fileName;
}

/** True when the file adds to (or changes) the global scope of every file in its program. */
export function declaresGlobals(sourceFile: ts.SourceFile): boolean {
  if (sourceFile.fileName.endsWith('.json')) return false;
  if (!ts.isExternalModule(sourceFile)) return true;
  return sourceFile.statements.some(
    (s) =>
      ts.isNamespaceExportDeclaration(s) ||
      (ts.isModuleDeclaration(s) && (ts.isStringLiteral(s.name) || (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0)),
  );
}

interface SharedProgramPlan {
  /** Per member: the paths of the files its own program would hold (besides the lib and `types` files). */
  closures: Set<string>[];
  /** Members whose own files declare globals: a program of their own. */
  isolated: number[];
  /** The other members, by the set of global-declaring files they reach: one program each. */
  partitions: number[][];
}

type IncludeReason = { kind: number; file?: string };

/**
 * Which members the program can be trusted for (see the comment at the top). Reads TypeScript's
 * record of why each file is in the program (`getFileIncludeReasons`, not in its public typings:
 * feature-detected; without it, undefined: every member builds alone). Group-wide diagnostics
 * (options, globals) also give undefined.
 */
function planSharedProgram(program: ts.Program, memberFiles: string[][]): SharedProgramPlan | undefined {
  const reasons = (program as ts.Program & { getFileIncludeReasons?: () => Map<string, IncludeReason[]> }).getFileIncludeReasons?.();
  const kinds = (ts as unknown as { FileIncludeKind?: Record<string, number> }).FileIncludeKind;
  if (!reasons || !kinds || kinds.LibFile === undefined || kinds.AutomaticTypeDirectiveFile === undefined) return undefined;
  const groupErrors = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (groupErrors.length) return undefined;

  const edges = new Map<string, string[]>();
  const baselineRoots: string[] = [];
  for (const [file, list] of reasons) {
    for (const reason of list) {
      if (typeof reason.file === 'string') edges.set(reason.file, [...(edges.get(reason.file) ?? []), file]);
      else if (reason.kind === kinds.LibFile || reason.kind === kinds.AutomaticTypeDirectiveFile) baselineRoots.push(file);
    }
  }
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<string>(roots);
    const queue = [...roots];
    while (queue.length) {
      for (const next of edges.get(queue.pop() as string) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return seen;
  };
  const baseline = reach(baselineRoots);
  const globalFiles = new Set(
    program
      .getSourceFiles()
      .filter((sf) => !baseline.has(filePath(sf)) && declaresGlobals(sf))
      .map(filePath),
  );
  const closures: Set<string>[] = [];
  const isolated: number[] = [];
  const bySignature = new Map<string, number[]>();
  for (const [i, files] of memberFiles.entries()) {
    const own = files.map((f) => program.getSourceFile(f));
    const roots = own.filter((sf): sf is ts.SourceFile => !!sf).map(filePath);
    const closure = reach(roots);
    for (const file of baseline) closure.add(file);
    closures.push(closure);
    if (roots.length !== files.length || roots.some((f) => globalFiles.has(f))) {
      isolated.push(i);
      continue;
    }
    const signature = [...closure]
      .filter((f) => globalFiles.has(f))
      .sort()
      .join('\n');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), i]);
  }
  return { closures, isolated, partitions: [...bySignature.values()] };
}
