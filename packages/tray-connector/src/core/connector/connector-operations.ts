import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError, ValidationError } from '../errors';
import { pascalCase } from '../text-case';

/** The parts of one operation that schema generation needs (absolute paths). */
export interface ConnectorOperation {
  /** The folder name under src/ (Tray's operation identity for type names). */
  folder: string;
  dir: string;
  /** Tray's type-name prefix: PascalCase of the folder name. */
  typePrefix: string;
  inputFile: string;
  outputFile: string;
  /** Present only when the operation has a response.ts. */
  responseFile?: string;
  inputType: string;
  outputType: string;
  responseType: string;
}

/** The schema kinds Tray generates, with the source and JSON file names of each. */
export const SCHEMA_KINDS = ['input', 'output', 'response'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

/**
 * Finds the operations of a connector: every folder directly under `src/` holding
 * `operation.json` (Tray's rule), sorted by name. Checks each has `input.ts`, `output.ts` and
 * (with `requireHandlers`, as a build does) `handler.ts`, that `operation.json` is a JSON object,
 * and (with `requireHandlers`) that no folder holds an operation's files without operation.json;
 * every problem is reported at once.
 */
export function findOperations(connectorDir: string, options: { requireHandlers?: boolean } = {}): ConnectorOperation[] {
  const srcDir = path.join(connectorDir, 'src');
  if (!fs.existsSync(srcDir) || !fs.statSync(srcDir).isDirectory()) {
    throw new TrayConnectorError(`${srcDir} not found: a Tray connector keeps its operations in src/<operation>/`);
  }
  const problems: string[] = [];
  const operations: ConnectorOperation[] = [];
  const dirs = fs
    .readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const folders = dirs.filter((name) => fs.existsSync(path.join(srcDir, name, 'operation.json')));
  for (const name of options.requireHandlers ? dirs.filter((n) => !folders.includes(n)) : []) {
    // Operation files without operation.json: Tray would not see an operation there at all.
    const has = (f: string) => fs.existsSync(path.join(srcDir, name, f));
    if (has('handler.ts') || (has('input.ts') && has('output.ts'))) {
      problems.push(
        `${path.join(srcDir, name)} has ${has('handler.ts') ? 'handler.ts' : 'input.ts and output.ts'} but no operation.json, so it is not an operation: add operation.json ({"name","title","description"}) or move the files out of src/${name}/`,
      );
    }
  }
  for (const folder of folders) {
    const dir = path.join(srcDir, folder);
    const operationJson = path.join(dir, 'operation.json');
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(operationJson, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`${operationJson}: must be a JSON object`);
    } catch (e) {
      problems.push(`${operationJson}: not valid JSON (${(e as Error).message})`);
    }
    const typePrefix = pascalCase(folder);
    const operation: ConnectorOperation = {
      folder,
      dir,
      typePrefix,
      inputFile: path.join(dir, 'input.ts'),
      outputFile: path.join(dir, 'output.ts'),
      inputType: `${typePrefix}Input`,
      outputType: `${typePrefix}Output`,
      responseType: `${typePrefix}Response`,
    };
    for (const [file, type] of [
      [operation.inputFile, operation.inputType],
      [operation.outputFile, operation.outputType],
    ]) {
      if (!fs.existsSync(file)) problems.push(`${file} is missing: operation "${folder}" needs it to export type ${type}`);
    }
    if (options.requireHandlers && !fs.existsSync(path.join(dir, 'handler.ts'))) {
      problems.push(
        `${dir} has no handler.ts: operation "${folder}" needs one, Tray runs the operation from it (nx g tray-connector:operation writes one)`,
      );
    }
    const responseFile = path.join(dir, 'response.ts');
    if (fs.existsSync(responseFile)) operation.responseFile = responseFile;
    operations.push(operation);
  }
  if (problems.length) throw new ValidationError(srcDir, problems);
  return operations;
}

/** The (kind, source file, type name) triples of an operation, in Tray's order. */
export function operationSchemaSources(operation: ConnectorOperation): { kind: SchemaKind; file: string; type: string }[] {
  const sources: { kind: SchemaKind; file: string; type: string }[] = [
    { kind: 'input', file: operation.inputFile, type: operation.inputType },
    { kind: 'output', file: operation.outputFile, type: operation.outputType },
  ];
  if (operation.responseFile) sources.push({ kind: 'response', file: operation.responseFile, type: operation.responseType });
  return sources;
}
