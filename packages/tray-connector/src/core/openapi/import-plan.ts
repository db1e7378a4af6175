import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../errors';
import { ImportBudget, type BudgetLimits } from './import-budget';
import type { OpenApiDocument } from './load-spec';
import { collectOperations, type OperationSelection, type SkippedOperation } from './operations';
import { HELPER_FILES, HTTP_PARAMETERS_FILE, renderOperation } from './render-operation';
import {
  chooseAuth,
  type ConnectorAuthKind,
  handlerAuthOf,
  type ImportedAuth,
  renderAuthType,
  testContext,
  testContextExample,
  renderGlobalConfig,
} from './import-auth';

export { chooseAuth, renderGlobalConfig, testContextExample, securitySchemeList } from './import-auth';
export type { ConnectorAuthKind, ImportedAuth, TrayAuthType } from './import-auth';

/**
 * The base URL from `servers`: `--server` is an index (0 = first) or a URL/description to match;
 * server variables take their defaults. A relative URL keeps its path under a placeholder host.
 */
export function chooseServer(doc: OpenApiDocument, server: string | undefined, connectorName: string): { url: string; notes: string[] } {
  const servers: Array<{ url?: string; description?: string; variables?: Record<string, { default?: string }> }> = Array.isArray(
    doc.servers,
  )
    ? doc.servers.filter((s: any) => s && typeof s.url === 'string')
    : [];
  const placeholder = `https://api.${connectorName}.example.com`;
  const notes: string[] = [];
  let chosen: (typeof servers)[number] | undefined = servers[0];
  if (server !== undefined && String(server).trim() !== '') {
    const wanted = String(server).trim();
    chosen = /^\d+$/.test(wanted) ? servers[Number(wanted)] : servers.find((s) => s.url === wanted || s.description === wanted);
    if (!chosen) {
      if (/^https?:\/\//.test(wanted)) return { url: wanted.replace(/\/+$/, ''), notes };
      const list = servers.map((s, i) => `${i}: ${s.url}${s.description ? ` (${s.description})` : ''}`).join('; ') || 'none';
      throw new TrayConnectorError(
        `--server ${JSON.stringify(wanted)} matches no entry of the document's servers (${list}): give an index, a listed URL or an https:// URL`,
      );
    }
  }
  if (!chosen) {
    notes.push(`the document lists no servers: set API_BASE_URL in src/GlobalConfig.ts (it is ${placeholder})`);
    return { url: placeholder, notes };
  }
  let url = chosen.url!.replace(/\{([^}]+)\}/g, (whole, name: string) => chosen!.variables?.[name]?.default ?? whole);
  if (!/^https?:\/\//i.test(url)) {
    const relative = url.startsWith('/') ? url : `/${url}`;
    notes.push(
      `the server URL ${chosen.url} is relative: API_BASE_URL in src/GlobalConfig.ts is ${placeholder}${relative}; set the real host there`,
    );
    url = `${placeholder}${relative}`;
  }
  if (servers.length > 1 && (server === undefined || server === ''))
    notes.push(`base URL from servers[0] (${url}); --server picks another of the ${servers.length} entries`);
  return { url: url.replace(/\/+$/, ''), notes };
}

export interface ImportPlanOptions {
  connectorName: string;
  authType: string;
  baseUrlEnv: string;
  selection?: OperationSelection;
  server?: string;
  /** Operation folders the connector already has: they are listed, never written. */
  existingOperations?: ReadonlySet<string>;
  /** false when adding to an existing connector: its GlobalConfig.ts and auth are kept. */
  newConnector: boolean;
  /** The budget of the whole import (default IMPORT_BUDGET); an operation that exceeds it ends the import, named. */
  budget?: BudgetLimits;
  /** The auth an existing connector already has (--connector): what the report names. */
  existingAuth?: ConnectorAuthKind;
  /** `--auth`: the security scheme a new connector uses (or none); default: the first global requirement, else the first scheme. */
  auth?: string;
  /** `--title`: the new connector's title; default info.title. */
  title?: string;
}

export interface PlannedOperation {
  name: string;
  method: string;
  path: string;
  files: Record<string, string>;
  notes: string[];
}

export interface ImportPlan {
  title: string;
  description: string;
  auth: ImportedAuth;
  baseUrl: string;
  /** Connector-level files (relative to the connector root), for a new connector only. */
  connectorFiles: Record<string, string>;
  operations: PlannedOperation[];
  /** Existing operations left as they are (--connector). */
  kept: Array<{ name: string; method: string; path: string }>;
  skipped: SkippedOperation[];
  filteredOut: number;
  notes: string[];
}

/** Everything the import writes, computed without touching any file: the same document and options give the same plan. */
export function planImport(doc: OpenApiDocument, options: ImportPlanOptions): ImportPlan {
  const collected = collectOperations(doc, options.selection);
  const auth: ImportedAuth = options.newConnector
    ? chooseAuth(doc, options.auth)
    : { kind: options.existingAuth ?? 'none', via: 'none', notes: [], kept: true };
  const server = chooseServer(doc, options.server, options.connectorName);
  const handlerAuth = handlerAuthOf(auth, options.newConnector);
  const existing = options.existingOperations ?? new Set<string>();
  const operations: PlannedOperation[] = [];
  const kept: ImportPlan['kept'] = [];
  const budget = new ImportBudget(options.budget);
  for (const op of collected.operations) {
    if (existing.has(op.name)) {
      kept.push({ name: op.name, method: op.method.toUpperCase(), path: op.path });
      continue;
    }
    const rendered = budget.run(
      `${op.name} (${op.method.toUpperCase()} ${op.path})`,
      () => renderOperation(op, options.authType, handlerAuth),
      (r) => Object.values(r.files).reduce((sum, text) => sum + text.length, 0),
    );
    operations.push({ name: op.name, method: op.method.toUpperCase(), path: op.path, files: rendered.files, notes: rendered.notes });
  }
  const info = doc.info ?? {};
  const connectorFiles: Record<string, string> = {};
  // The shared helpers imported handlers import (one copy per connector, rewritten by each import).
  for (const helper of HELPER_FILES) {
    const from = `from '../${helper.replace(/\.ts$/, '')}'`;
    if (operations.some((o) => o.files['handler.ts'].includes(from))) connectorFiles[`src/${helper}`] = helperSource(helper);
  }
  const title = options.title?.trim() || (typeof info.title === 'string' && info.title.trim() ? info.title.trim() : '');
  if (options.newConnector) {
    connectorFiles['src/GlobalConfig.ts'] = renderGlobalConfig(options.authType, server.url, options.baseUrlEnv, auth);
    const authFile = renderAuthType(options.authType, title || options.connectorName, auth);
    if (authFile) connectorFiles[`src/${options.authType}.ts`] = authFile;
    // The offline tests' context: stand-in credentials, which the generated tests check every request carries.
    if (auth.kind !== 'none') connectorFiles['src/test.ctx.json'] = testContext(auth, true);
    connectorFiles['test.ctx.example.json'] = testContextExample(auth);
  }
  return {
    title,
    description:
      typeof info.description === 'string'
        ? info.description
            .trim()
            .split(/\n\s*\n/)[0]
            .replace(/\s+/g, ' ')
        : '',
    auth,
    baseUrl: server.url,
    connectorFiles,
    operations,
    kept,
    skipped: collected.skipped,
    filteredOut: collected.filteredOut,
    notes: [...server.notes, ...auth.notes],
  };
}

/** The text of src/http-parameters.ts: the helpers file of this package, as it is. */
export function httpParametersSource(): string {
  return helperSource(HTTP_PARAMETERS_FILE);
}

/** The text of one helper file of this package (./files), as it is. */
export function helperSource(file: string): string {
  return fs.readFileSync(path.join(__dirname, 'files', file), 'utf8');
}

/** The lines the generator prints at the end: what was written, kept, skipped and approximated. */
export function importReport(plan: ImportPlan, connector: string): string[] {
  const lines: string[] = [];
  lines.push(
    `${connector}: ${plan.operations.length} operation${plan.operations.length === 1 ? '' : 's'} imported` +
      (plan.kept.length ? `, ${plan.kept.length} already present (kept as they are)` : '') +
      (plan.skipped.length ? `, ${plan.skipped.length} not importable` : '') +
      (plan.filteredOut ? `, ${plan.filteredOut} left out by --operations/--paths/--tags` : ''),
  );
  const how = plan.auth.kept ? " (the connector's own, kept)" : plan.auth.scheme ? ` (${plan.auth.scheme}: ${plan.auth.via})` : '';
  lines.push(`  base URL ${plan.baseUrl}; auth ${plan.auth.kind}${how}`);
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  if (plan.kept.length) {
    lines.push('Already in the connector, not touched:');
    for (const k of plan.kept) lines.push(`  ${k.name} (${k.method} ${k.path})`);
  }
  const withNotes = plan.operations.filter((o) => o.notes.length);
  if (withNotes.length) {
    lines.push('Imported with notes:');
    for (const o of withNotes) for (const n of o.notes) lines.push(`  ${o.name} (${o.method} ${o.path}): ${n}`);
  }
  if (plan.skipped.length) {
    lines.push('Not imported:');
    for (const s of plan.skipped) lines.push(`  ${s.method} ${s.path}${s.operationId ? ` (${s.operationId})` : ''}: ${s.reason}`);
  }
  return lines;
}
