import * as path from 'path';
import * as ts from 'typescript';
import * as TJS from 'typescript-json-schema';
import { ConnectorOperation, operationSchemaSources, SchemaKind } from '../../connector/connector-operations';
import { TrayConnectorError } from '../../errors';
import { toTraySchema } from './tray-schema';

/** typescript-json-schema settings of Tray's builder (@trayio/tray-schema 2.19.0). */
export const TRAY_TJS_SETTINGS: TJS.PartialArgs = {
  ref: false,
  required: true,
  noExtraProps: true,
  validationKeywords: ['lookupInput', 'lookupOperation', 'lookupAuthRequired', 'enumLabels', 'advanced'],
};

/** Compiler options of Tray's builder (applied over typescript-json-schema's program defaults). */
export const TRAY_COMPILER_OPTIONS = {
  strictNullChecks: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

export interface GeneratedSchema {
  operation: string;
  kind: SchemaKind;
  /** Where the schema goes, relative to the connector folder: src/<operation>/<kind>.json. */
  file: string;
  /** Minified JSON, exactly as Tray's builder writes it. */
  json: string;
}

export interface GenerateSchemasOptions {
  /** Workspace path aliases (tsconfig.base.json `paths`), resolved against `baseUrl`, so input.ts may import workspace libraries. */
  paths?: Record<string, string[]>;
  baseUrl?: string;
  /**
   * A program that already holds every operation type and was type-checked without errors (the
   * connector's whole-program check): the schemas come from it instead of a program of their own.
   */
  program?: ts.Program;
  /**
   * With `program`: the source files whose declarations are looked up by name (Tray's rule). A
   * program shared by many connectors (the batch build) holds their same-named types; each
   * connector's schemas must see only its own files (and the library files it vendors), as its
   * own program would. Default: every file of the program (node_modules and lib files never count).
   */
  sourceFileFilter?: (sourceFile: ts.SourceFile) => boolean;
}

/** `file:line:column - error TS1234: message` lines for compiler diagnostics. */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
    }
    return `error TS${d.code}: ${message}`;
  });
}

function createProgram(files: string[], options: GenerateSchemasOptions, automaticTypes: boolean): ts.Program {
  const json: Record<string, unknown> = { ...TRAY_COMPILER_OPTIONS };
  // Tray's builder compiles with the default lib of ES5 (which includes the DOM) and every @types
  // package TypeScript finds. Operation types almost never need either: try with the ES5 lib alone
  // first (several times faster); any diagnostic means a rebuild with Tray's exact settings.
  if (!automaticTypes) {
    json.types = [];
    json.lib = ['es5'];
  }
  if (options.paths) {
    json.paths = options.paths;
    json.baseUrl = options.baseUrl ?? '.';
  }
  return TJS.getProgramFromFiles(files, json, options.baseUrl ?? process.cwd());
}

/** A program for the files that compiles without diagnostics, or a TrayConnectorError listing them (file:line:column). */
function checkedProgram(files: string[], options: GenerateSchemasOptions): ts.Program {
  const fast = createProgram(files, options, false);
  if (ts.getPreEmitDiagnostics(fast).length === 0) return fast;
  const full = createProgram(files, options, true);
  const diagnostics = ts.getPreEmitDiagnostics(full);
  if (diagnostics.length === 0) return full;
  throw new TrayConnectorError(
    `TypeScript errors in the operation types:\n${formatDiagnostics(diagnostics)
      .map((l) => `  ${l}`)
      .join('\n')}`,
  );
}

/**
 * typescript-json-schema's generator over a program, with the symbol tables `buildGenerator`
 * would make, except that TypeScript's own lib files (thousands of DOM declarations no
 * connector type is named after) and npm packages' declaration files are not walked. Types are looked up by name, as Tray's builder does.
 */
function createGenerator(program: ts.Program, sourceFileFilter?: (sourceFile: ts.SourceFile) => boolean): TJS.JsonSchemaGenerator {
  const checker = program.getTypeChecker();
  const symbols: TJS.SymbolRef[] = [];
  const allSymbols: Record<string, ts.Type> = {};
  const userSymbols: Record<string, ts.Symbol> = {};
  const inheritingTypes: Record<string, string[]> = {};
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      const symbol = (node as unknown as { symbol?: ts.Symbol }).symbol ?? (node.name && checker.getSymbolAtLocation(node.name));
      if (!symbol) return;
      const type = checker.getTypeAtLocation(node);
      const fullyQualifiedName = checker.getFullyQualifiedName(symbol);
      const name = fullyQualifiedName.replace(/".*"\./, '');
      symbols.push({ name, typeName: name, fullyQualifiedName, symbol });
      if (!userSymbols[name]) allSymbols[name] = type;
      userSymbols[name] = symbol;
      for (const base of type.getBaseTypes() ?? []) {
        const baseName = checker.typeToString(base, undefined, ts.TypeFormatFlags.UseFullyQualifiedType);
        (inheritingTypes[baseName] ??= []).push(name);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const sourceFile of program.getSourceFiles()) {
    // Declarations of npm packages (node_modules) are never looked up by name either: their types
    // are reached through the checker from the operation types that use them. Walking them (a
    // whole-connector program holds @types/node, the DSL, jest...) would only cost time.
    if (
      !sourceFile.hasNoDefaultLib &&
      !program.isSourceFileFromExternalLibrary(sourceFile) &&
      !/[\\/]node_modules[\\/]/.test(sourceFile.fileName) &&
      (!sourceFileFilter || sourceFileFilter(sourceFile))
    ) {
      visit(sourceFile);
    }
  }
  return new TJS.JsonSchemaGenerator(symbols, allSymbols, userSymbols, inheritingTypes, checker, {
    ...TJS.getDefaultArgs(),
    ...TRAY_TJS_SETTINGS,
  });
}

/** Names a source file declares at its top level, or exports when it is a module. */
function declaredTypeNames(checker: ts.TypeChecker, sourceFile: ts.SourceFile): string[] {
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (moduleSymbol) return checker.getExportsOfModule(moduleSymbol).map((s) => s.getName());
  return sourceFile.statements
    .filter(
      (s): s is ts.DeclarationStatement =>
        ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isEnumDeclaration(s) || ts.isClassDeclaration(s),
    )
    .map((s) => s.name?.getText(sourceFile) ?? '');
}

/**
 * Generates input/output/response schemas for every operation of a connector with ONE
 * TypeScript program (Tray's builder creates one per type). Any compiler diagnostic fails
 * the whole generation with every diagnostic as `file:line:column`; so does a file that
 * does not export the type Tray's naming expects.
 */
export function generateSchemas(operations: ConnectorOperation[], options: GenerateSchemasOptions = {}): GeneratedSchema[] {
  const sources = operations.flatMap((operation) =>
    operationSchemaSources(operation).map((source) => ({ ...source, operation: operation.folder })),
  );
  if (sources.length === 0) return [];
  const program =
    options.program ??
    checkedProgram(
      sources.map((s) => s.file),
      options,
    );
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  for (const source of sources) {
    const sourceFile = program.getSourceFile(source.file);
    const names = sourceFile ? declaredTypeNames(checker, sourceFile) : [];
    if (!names.includes(source.type)) {
      problems.push(
        `${source.file} must export type ${source.type} (Tray derives the name from the operation folder "${source.operation}")` +
          (names.length ? `; it exports ${names.join(', ')}` : ''),
      );
    }
  }
  if (problems.length) throw new TrayConnectorError(problems.join('\n'));

  const generator = createGenerator(program, options.program ? options.sourceFileFilter : undefined);
  return sources.map((source) => {
    // A type name declared in more than one file cannot be looked up by name in the shared
    // program: give that one type a program of its own, as Tray's builder does for all of them.
    const declaringFiles = new Set(
      generator.getSymbols(source.type).flatMap((s) => (s.symbol.getDeclarations() ?? []).map((d) => d.getSourceFile().fileName)),
    );
    let schema: TJS.Definition;
    try {
      schema =
        declaringFiles.size > 1
          ? createGenerator(checkedProgram([source.file], options)).getSchemaForSymbol(source.type)
          : generator.getSchemaForSymbol(source.type);
    } catch (e) {
      if (e instanceof TrayConnectorError) throw e;
      throw new TrayConnectorError(
        `${source.file}: no schema for ${source.type} (${(e as Error).message}); declare it in the program, e.g. \`export type ${source.type} = { ... }\` (a re-export under another name is not found by Tray's builder either)`,
      );
    }
    return {
      operation: source.operation,
      kind: source.kind,
      file: path.posix.join('src', source.operation, `${source.kind}.json`),
      json: JSON.stringify(toTraySchema(schema)),
    };
  });
}
