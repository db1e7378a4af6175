// Test helpers for the importer (specs only): the files an import plans, type-checked by the real
// TypeScript compiler, and the identifiers a generated file really contains as code.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempDir, WORKSPACE_NODE_MODULES, writeFiles } from '../../__fixtures__/temp-connector';
import type { OpenApiDocument } from '../load-spec';
import { planImport } from '../import-plan';
import { findOperations } from '../../connector/connector-operations';
import { generateSchemas } from '../../build/schema/generate-schemas';

const TOKEN_AUTH = `import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';
export type DemoAuthUser = { access_token: string };
export type DemoAuthApp = Record<string, never>;
export type DemoAuth = TokenOperationHandlerAuth<DemoAuthUser, DemoAuthApp>;
`;

/** Every file a new-connector import of `doc` writes (relative to the connector), with a token auth type. */
export function importedFiles(doc: OpenApiDocument): Record<string, string> {
  const plan = planImport(doc, { connectorName: 'demo', authType: 'DemoAuth', baseUrlEnv: 'DEMO_BASE_URL', newConnector: true });
  const files: Record<string, string> = { 'src/DemoAuth.ts': TOKEN_AUTH, ...plan.connectorFiles };
  for (const op of plan.operations) for (const [name, text] of Object.entries(op.files)) files[`src/${op.name}/${name}`] = text;
  return files;
}

/**
 * The schemas Tray's build (core/build, the real typescript-json-schema walk and Tray's rules)
 * makes of an imported connector's input.ts/output.ts: `<operation>/input.json` -> parsed schema.
 */
export function traySchemas(files: Record<string, string>): Record<string, any> {
  const dir = tempDir('tc-import-schemas-');
  try {
    writeFiles(
      dir,
      Object.fromEntries(Object.entries(files).filter(([rel]) => /\/(operation\.json|input\.ts|output\.ts)$/.test(rel))),
    );
    const out: Record<string, any> = {};
    for (const s of generateSchemas(findOperations(dir))) out[`${s.operation}/${s.kind}.json`] = JSON.parse(s.json);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Type errors of the given connectors' TypeScript files (strict, with jest's and node's types), in one program. */
export function typeErrors(connectors: Array<Record<string, string>>): string[] {
  return compileAndLoad(connectors, false).errors;
}

/**
 * Type errors, then (when there are none) every compiled module but the tests loaded with `require`,
 * as Tray's runtime loads a connector: `loaded` lists them.
 */
export function compileAndLoad(connectors: Array<Record<string, string>>, load = true): { errors: string[]; loaded: string[] } {
  const dir = tempDir('tc-import-check-');
  try {
    fs.symlinkSync(WORKSPACE_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    const roots: string[] = [];
    connectors.forEach((files, i) => {
      writeFiles(path.join(dir, `c${i}`), files);
      for (const rel of Object.keys(files)) if (rel.endsWith('.ts')) roots.push(path.join(dir, `c${i}`, rel));
    });
    const program = ts.createProgram(roots, {
      strict: true,
      outDir: path.join(dir, 'out'),
      rootDir: dir,
      target: ts.ScriptTarget.ES2021,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node', 'jest'],
      typeRoots: [path.join(dir, 'node_modules/@types')],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.relative(dir, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    if (errors.length || !load) return { errors, loaded: [] };
    program.emit();
    // The runtime reads operation.json beside each handler.
    connectors.forEach((files, i) => {
      for (const [rel, text] of Object.entries(files)) if (!rel.endsWith('.ts')) writeFiles(path.join(dir, 'out', `c${i}`), { [rel]: text });
    });
    fs.symlinkSync(WORKSPACE_NODE_MODULES, path.join(dir, 'out', 'node_modules'), 'dir');
    const loaded = roots
      .filter((file) => !file.endsWith('.test.ts'))
      .map((file) => path.join(dir, 'out', path.relative(dir, file)).replace(/\.ts$/, '.js'));
    for (const file of loaded) jest.isolateModules(() => require(file));
    return { errors, loaded: loaded.map((f) => path.relative(path.join(dir, 'out'), f)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The identifiers (names in code, not in strings or comments) of a TypeScript source, from its syntax tree. */
export function codeIdentifiers(source: string): Set<string> {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2021, true, ts.ScriptKind.TS);
  const out = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) out.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Syntax errors TypeScript's parser finds in a generated file (none expected). */
export function syntaxErrors(source: string): string[] {
  const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
