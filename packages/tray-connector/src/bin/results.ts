import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { DEPLOY_RESULT_FILE, DRY_RUN_NO_TOKEN } from '../core/deploy/deploy-result';
import { printable } from '../core/redact';

/**
 * `tray-connector results [--json]`: the last results of every connector, read from the files the
 * targets write (`.tray/deploy-result.json`, and `.tray/verify-result.json` when verify ran). Nx
 * hides the output of successful tasks on a terminal and wraps a task's stdout in its own header and
 * summary, so neither a person after `nx run-many -t deploy` nor a script after `nx run x:status
 * --json` gets what it needs from Nx's output; this command reads the files instead. `--json`
 * prints only JSON (one document), for scripts and `jq`. Newest results first; a verify result older
 * than the connector's last deploy is marked `(older)`: it says nothing of what that deploy sent.
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
  /** When that verify ran (its checkedAt), when known. */
  verifiedAt: string | null;
  /** The verify result is older than this deploy (or its time is unknown): it says nothing of what this deploy sent. */
  verifyOlder: boolean;
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

/**
 * Connector roots: the folders of the connector.json files git knows or would add (tracked, staged or
 * untracked and not ignored: before the first commit too), else (outside git, or none) of any found on disk.
 */
export function connectorRoots(cwd: string): string[] {
  let listed: string[] = [];
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ':(glob)**/connector.json'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    })
      .split('\0')
      .filter(Boolean);
  } catch {
    listed = [];
  }
  const roots = listed.length ? listed.map((f) => path.posix.dirname(f)).filter((d) => d !== '.') : walkForConnectors(cwd, '', 0);
  return [...new Set(roots)].sort();
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

const time = (v: string | null): number => (v ? Date.parse(v) : NaN);

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
  const verifiedAt = str(record(c.verify).checkedAt);
  // A dry run changes nothing at Tray: only a real deploy after the verify makes it stale.
  // A verify whose time (or the deploy's) is unknown cannot be told current either.
  const verifyOlder = d.dryRun !== true && !(time(verifiedAt) >= time(str(d.finishedAt)));
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
    return [
      {
        ...base,
        region: null,
        ok: false,
        status: 'not sent',
        deploymentId: null,
        verify: null,
        verifiedAt: null,
        verifyOlder: false,
        message: str(d.error),
      },
    ];
  return regions.map((r) => ({
    ...base,
    region: str(r.region),
    ok: r.ok === true,
    status: str(r.status) ?? 'unknown',
    deploymentId: str(r.deploymentId),
    verify: verify.get(str(r.region) ?? '') ?? null,
    verifiedAt: c.verify ? verifiedAt : null,
    verifyOlder: !!c.verify && verify.has(str(r.region) ?? '') && verifyOlder,
    message: str(r.message),
  }));
}

/** Newest first (by the deploy's finishedAt; a result without a time last), then by connector and as written. */
function newestFirst(rows: ResultRow[]): ResultRow[] {
  const at = (r: ResultRow) => (Number.isFinite(time(r.finishedAt)) ? time(r.finishedAt) : -Infinity);
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => at(b.row) - at(a.row) || a.row.root.localeCompare(b.row.root) || a.i - b.i)
    .map(({ row }) => row);
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
  return { connectors, rows: newestFirst(connectors.flatMap(rowsOf)) };
}

/** Text from a file made safe for one terminal line: control characters, escape sequences and bidi marks as `\uXXXX` (redact.ts printable). */
const oneLine = (v: string | null): string => printable(v ?? '-');

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
    r.verify && r.verifyOlder ? `${oneLine(r.verify)} (older)` : oneLine(r.verify),
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
  const older = new Map(report.rows.filter((r) => r.verifyOlder).map((r) => [r.root, r]));
  for (const r of older.values())
    out.push(
      `${oneLine(r.connector ?? r.root)}: (older) its verify result (${oneLine(r.verifiedAt ?? 'time unknown')}) is from before its last deploy (${oneLine(r.finishedAt)}): run nx verify again to check what Tray serves now.`,
    );
  for (const c of report.connectors) {
    if (!c.deploy && c.verify) out.push(`${oneLine(c.root)}: verified, never deployed from here (no ${DEPLOY_RESULT_FILE})`);
    for (const p of c.problems) out.push(`${oneLine(p)}`);
  }
  return `${out.join('\n')}\n`;
}
