import * as fs from 'fs';
import * as path from 'path';
import { DEPLOY_RESULT_FILE, DRY_RUN_NO_TOKEN } from '../core/deploy/deploy-result';
import { committedConnectorConfigs } from './test-contexts';

/**
 * `tray-connector results [--json]`: the last results of every connector, read from the files the
 * targets write (`.tray/deploy-result.json`, and `.tray/verify-result.json` when verify ran). Nx
 * hides the output of successful tasks on a terminal and wraps a task's stdout in its own header and
 * summary, so neither a person after `nx run-many -t deploy` nor a script after `nx run x:status
 * --json` gets what it needs from Nx's output; this command reads the files instead. `--json`
 * prints only JSON (one document), for scripts and `jq`.
 */

export const VERIFY_RESULT_FILE = '.tray/verify-result.json';

/** One line of the table: one connector in one region. */
export interface ResultRow {
  root: string;
  project: string | null;
  connector: string | null;
  version: string | null;
  region: string | null;
  /** deploy, dry run, or the error before any region was tried. */
  kind: 'deploy' | 'dry-run';
  ok: boolean;
  status: string;
  deploymentId: string | null;
  finishedAt: string | null;
  /** What verify said about this region, when a verify result is there. */
  verify: string | null;
  message: string | null;
}

export interface ConnectorResults {
  root: string;
  deploy: unknown;
  verify: unknown;
  /** A result file that could not be read or parsed. */
  problems: string[];
}

export interface ResultsReport {
  connectors: ConnectorResults[];
  rows: ResultRow[];
}

/** Connector roots: the folders of the committed connector.json files, else of any found on disk. */
export function connectorRoots(cwd: string): string[] {
  try {
    return committedConnectorConfigs(cwd)
      .map((f) => path.posix.dirname(f))
      .sort();
  } catch {
    return walkForConnectors(cwd, '', 0).sort();
  }
}

function walkForConnectors(cwd: string, rel: string, depth: number): string[] {
  if (depth > 8) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(cwd, rel), { withFileTypes: true })) {
    if (entry.name === 'connector.json' && entry.isFile() && rel) found.push(rel);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && entry.name !== 'dist')
      found.push(...walkForConnectors(cwd, rel ? `${rel}/${entry.name}` : entry.name, depth + 1));
  }
  return found;
}

function readJson(file: string, problems: string[], label: string): unknown {
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(record) : []);

/** What verify said per region: `in sync`, `drift`, `not deployed`, ... (whatever status the file gives). */
function verifyByRegion(verify: unknown): Map<string, string> {
  const byRegion = new Map<string, string>();
  for (const r of list(record(verify).regions)) {
    const region = str(r.region);
    const status = str(r.status) ?? str(r.state) ?? (typeof r.ok === 'boolean' ? (r.ok ? 'in sync' : 'not in sync') : null);
    if (region && status) byRegion.set(region, status);
  }
  return byRegion;
}

function rowsOf(c: ConnectorResults): ResultRow[] {
  const d = record(c.deploy);
  if (!c.deploy) return [];
  const verify = verifyByRegion(c.verify);
  const base = {
    root: c.root,
    project: str(d.project),
    connector: str(d.connector),
    version: str(d.version),
    kind: d.dryRun === true ? ('dry-run' as const) : ('deploy' as const),
    finishedAt: str(d.finishedAt),
  };
  const regions = list(d.regions);
  if (!regions.length)
    return [{ ...base, region: null, ok: false, status: 'not sent', deploymentId: null, verify: null, message: str(d.error) }];
  return regions.map((r) => ({
    ...base,
    region: str(r.region),
    ok: r.ok === true,
    status: str(r.status) ?? 'unknown',
    deploymentId: str(r.deploymentId),
    verify: verify.get(str(r.region) ?? '') ?? null,
    message: str(r.message),
  }));
}

/** Reads every connector's last results. */
export function readResults(cwd: string): ResultsReport {
  const connectors: ConnectorResults[] = [];
  for (const root of connectorRoots(cwd)) {
    const problems: string[] = [];
    const deploy = readJson(path.join(cwd, root, DEPLOY_RESULT_FILE), problems, `${root}/${DEPLOY_RESULT_FILE}`);
    const verify = readJson(path.join(cwd, root, VERIFY_RESULT_FILE), problems, `${root}/${VERIFY_RESULT_FILE}`);
    if (deploy || verify || problems.length) connectors.push({ root, deploy, verify, problems });
  }
  return { connectors, rows: connectors.flatMap(rowsOf) };
}

/** Text from a file made safe for one terminal line: no control characters (no ANSI escapes, no line breaks). */
// eslint-disable-next-line no-control-regex
const oneLine = (v: string | null): string => (v ?? '-').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');

function resultWord(r: ResultRow): string {
  if (r.kind !== 'dry-run') return r.ok ? 'ok' : 'FAILED';
  if (r.status === DRY_RUN_NO_TOKEN) return 'dry run, no token';
  return r.ok ? 'dry run ok' : 'dry run FAILED';
}

/** The table a person reads: one line per connector and region. */
export function formatResults(report: ResultsReport): string {
  if (!report.connectors.length)
    return 'No results yet: no connector has a .tray/deploy-result.json (run nx deploy <connector> or nx affected -t deploy).\n';
  const header = ['CONNECTOR', 'VERSION', 'REGION', 'RESULT', 'STATUS', 'DEPLOYMENT ID', 'VERIFY', 'FINISHED'];
  const cells = report.rows.map((r) => [
    oneLine(r.connector ?? r.root),
    oneLine(r.version),
    oneLine(r.region),
    resultWord(r),
    oneLine(r.status),
    oneLine(r.deploymentId),
    oneLine(r.verify),
    oneLine(r.finishedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...cells.map(line)];
  for (const r of report.rows)
    if (!r.ok && r.message) out.push(`${oneLine(r.connector ?? r.root)} ${oneLine(r.region)}: ${oneLine(r.message)}`);
  for (const c of report.connectors) {
    if (!c.deploy && c.verify) out.push(`${oneLine(c.root)}: verified, never deployed from here (no ${DEPLOY_RESULT_FILE})`);
    for (const p of c.problems) out.push(`${oneLine(p)}`);
  }
  return `${out.join('\n')}\n`;
}
