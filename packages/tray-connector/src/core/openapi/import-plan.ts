import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../errors';
import { ImportBudget, type BudgetLimits } from './import-budget';
import type { OpenApiDocument } from './load-spec';
import { collectOperations, type OperationSelection, type SkippedOperation } from './operations';
import { HTTP_PARAMETERS_FILE, renderOperation, type HandlerAuth } from './render-operation';
import { code, type Code, docComment, id, join, str } from '../connector/ts-writer';
import { encode } from './files/http-parameters';

/** The `--auth` kinds of the `new` generator. */
export type ConnectorAuthKind = 'none' | 'token' | 'oauth2';

/** How the connector authenticates, from the document's securitySchemes. */
export interface ImportedAuth {
  /** The `--auth` kind the connector is scaffolded with. */
  kind: ConnectorAuthKind;
  /** How the credential is sent. */
  via: 'none' | 'bearer' | 'header' | 'query' | 'cookie' | 'basic';
  /** The securitySchemes entry used, if any. */
  scheme?: string;
  /** Header, query or cookie name for an API key. */
  parameter?: string;
  notes: string[];
  /** The connector's own auth, kept as it is (--connector). */
  kept?: boolean;
}

/**
 * The scheme of the first global `security` requirement (else the first of `securitySchemes`)
 * mapped to a kind `new` knows: bearer and API keys -> token, basic -> token with username and
 * password, oauth2 / openIdConnect -> oauth2. A Tray connector has one auth: others are noted.
 */
export function chooseAuth(doc: OpenApiDocument): ImportedAuth {
  const schemes: Record<string, any> = doc.components?.securitySchemes ?? {};
  const names = Object.keys(schemes);
  if (!names.length) return { kind: 'none', via: 'none', notes: [] };
  const required = (Array.isArray(doc.security) ? doc.security : []).flatMap((req: Record<string, unknown>) => Object.keys(req ?? {}));
  const order = [...required.filter((n: string) => schemes[n]), ...names];
  const notes: string[] = [];
  for (const name of order) {
    const s = schemes[name] ?? {};
    const others = names.filter((n) => n !== name);
    const rest = others.length ? [`security schemes not used (a Tray connector has one auth): ${others.join(', ')}`] : [];
    if (s.type === 'http' && /^bearer$/i.test(s.scheme ?? ''))
      return { kind: 'token', via: 'bearer', scheme: name, notes: [...notes, ...rest] };
    if (s.type === 'http' && /^basic$/i.test(s.scheme ?? ''))
      return { kind: 'token', via: 'basic', scheme: name, notes: [...notes, ...rest] };
    if (s.type === 'apiKey' && ['header', 'query', 'cookie'].includes(s.in) && typeof s.name === 'string') {
      return { kind: 'token', via: s.in, scheme: name, parameter: s.name, notes: [...notes, ...rest] };
    }
    if (s.type === 'oauth2' || s.type === 'openIdConnect')
      return { kind: 'oauth2', via: 'bearer', scheme: name, notes: [...notes, ...rest] };
    notes.push(`security scheme ${name} (${s.type}${s.scheme ? ` ${s.scheme}` : ''}) cannot be expressed by a Tray connector's auth`);
  }
  return { kind: 'none', via: 'none', notes };
}

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
    ? chooseAuth(doc)
    : { kind: options.existingAuth ?? 'none', via: 'none', notes: [], kept: true };
  const server = chooseServer(doc, options.server, options.connectorName);
  const handlerAuth: HandlerAuth = options.newConnector && auth.via === 'query' ? { apiKeyQuery: auth.parameter } : {};
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
  // The shared helpers every imported handler imports (one copy per connector, rewritten by each import).
  if (operations.some((o) => o.files['handler.ts'].includes("from '../http-parameters'")))
    connectorFiles[`src/${HTTP_PARAMETERS_FILE}`] = httpParametersSource();
  if (options.newConnector) {
    connectorFiles['src/GlobalConfig.ts'] = renderGlobalConfig(options.authType, server.url, options.baseUrlEnv, auth);
    if (auth.via === 'basic') {
      connectorFiles[`src/${options.authType}.ts`] = renderBasicAuth(
        options.authType,
        typeof info.title === 'string' ? info.title : options.connectorName,
      );
      connectorFiles['src/test.ctx.json'] =
        `${JSON.stringify({ auth: { authType: 'TOKEN', authId: 'local-test', user: { username: '', password: '' }, app: {} } }, null, '\t')}\n`;
    }
    connectorFiles['test.ctx.example.json'] = testContextExample(auth);
  }
  return {
    title: typeof info.title === 'string' && info.title.trim() ? info.title.trim() : '',
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
  return fs.readFileSync(path.join(__dirname, 'files', HTTP_PARAMETERS_FILE), 'utf8');
}

/**
 * test.ctx.example.json (beside connector.json, outside src/ so never zipped): the shape of test.ctx.json (git-ignored) with empty credentials, committed so
 * a fresh clone's tests have a context to start from.
 */
export function testContextExample(auth: ImportedAuth): string {
  if (auth.kind === 'none') return '{}\n';
  const user = auth.via === 'basic' ? { username: '', password: '' } : { access_token: '' };
  const authType = auth.kind === 'oauth2' ? 'OAUTH2' : 'TOKEN';
  return `${JSON.stringify({ auth: { authType, authId: 'local-test', user, app: {} } }, null, '\t')}\n`;
}

/** src/GlobalConfig.ts: base URL (overridable by BASE_URL_ENV for the offline tests) and the credential on every request. */
export function renderGlobalConfig(authType: string, baseUrl: string, baseUrlEnv: string, auth: ImportedAuth): string {
  const chain: Code[] = [code`.withBaseUrl(() => process.env[BASE_URL_ENV] ?? API_BASE_URL)`];
  const token = code`ctx.auth?.user.access_token ?? ''`;
  if (auth.via === 'bearer') chain.push(code`.withBearerToken((ctx) => ${token})`);
  if (auth.via === 'header') chain.push(code`.addHeader((ctx) => ({ name: ${str(auth.parameter!)}, value: ${token} }))`);
  if (auth.via === 'cookie') {
    chain.push(
      code`.addHeader((ctx) => ({ name: 'Cookie', value: ${str(`${encode(auth.parameter!)}=`)} + encodeURIComponent(${token}) }))`,
    );
  }
  if (auth.via === 'basic') {
    chain.push(
      code`.addHeader((ctx) => ({\n\t\tname: 'Authorization',\n\t\tvalue: 'Basic ' + Buffer.from((ctx.auth?.user.username ?? '') + ':' + (ctx.auth?.user.password ?? '')).toString('base64'),\n\t}))`,
    );
  }
  const how =
    auth.via === 'none'
      ? []
      : auth.via === 'query'
        ? ['', `Authentication (${auth.scheme}): every handler adds the user's access_token as the query parameter ${auth.parameter}.`]
        : [
            '',
            `Authentication (${auth.scheme}): ${auth.via === 'bearer' ? "the user's access_token as a bearer token" : auth.via === 'basic' ? "HTTP basic with the user's username and password" : `the user's access_token in the ${auth.via} ${auth.parameter}`}.`,
          ];
  const type = id(authType);
  return code`import { OperationGlobalConfigHttp } from '@trayio/cdk-dsl/connector/operation/OperationGlobalConfig';
import { ${type} } from ${str(`./${authType}`)};

/** The base URL of the service's API (from the OpenAPI document's servers). */
export const API_BASE_URL = ${str(baseUrl)};

/**
 * An environment variable that, when set, replaces API_BASE_URL. The handler tests set it to
 * a local server on 127.0.0.1 so they run offline; leave it unset everywhere else.
 */
export const BASE_URL_ENV = ${str(baseUrlEnv)};

${docComment(['Settings every HTTP operation shares (`handler.withGlobalConfiguration(globalConfigHttp)`).', ...how])}export const globalConfigHttp = OperationGlobalConfigHttp.create<${type}>()
${join(
  chain.map((c) => code`\t${c}`),
  '\n',
)};
`.text;
}

function renderBasicAuth(authType: string, title: string): string {
  const type = id(authType);
  const user = id(`${authType}User`);
  const app = id(`${authType}App`);
  return code`import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

${docComment([`What a user enters when they authenticate with ${title}: HTTP basic credentials.`])}export type ${user} = {
\tusername: string;
\tpassword: string;
};

/** What the service holds for every user: nothing for basic authentication. */
export type ${app} = Record<string, never>;

export type ${type} = TokenOperationHandlerAuth<${user}, ${app}>;
`.text;
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
