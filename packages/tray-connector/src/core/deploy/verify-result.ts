import * as fs from 'fs';
import * as path from 'path';
import { markdownText, printable } from '../redact';
import { formatTable } from '../tray-api/progress';
import { STEP_SUMMARY_ENV } from './deploy-result';
import type { RegionVerification, VerifyResult } from './verify';

/**
 * What `verify` found, for a person (a table, then each region's differences), for CI
 * (`.tray/verify-result.json`, the verify target's output) and for GitHub's job summary (a markdown
 * section appended to the file GITHUB_STEP_SUMMARY names). Texts from the server (operation names,
 * JSON paths) are data: control characters are escaped, markdown is escaped.
 */

/** The result file, relative to the project root. */
export const VERIFY_RESULT_FILE = '.tray/verify-result.json';

/** Most differences printed per region (the JSON file has them all, up to the comparison's own budget). */
export const MAX_PRINTED_DIFFERENCES = 50;

const STATE_TEXT: Record<RegionVerification['state'], string> = {
  'in-sync': 'in sync',
  drift: 'DRIFT',
  'not-deployed': 'not deployed',
  error: 'ERROR',
};

/** One line of text: control, line-separator and bidi characters as `\uXXXX` (redact.ts printable). */
export const oneLine = printable;

function counted(r: RegionVerification): string {
  if (r.state !== 'drift') return '-';
  const breaking = r.differences.filter((d) => d.breaking).length;
  return `${r.differences.length}${r.truncated ? '+' : ''}${breaking ? ` (${breaking} breaking)` : ''}`;
}

/** The table a person reads at a glance, then what differs in each region that drifted. */
export function formatVerifyResult(result: VerifyResult): string {
  const rows = result.regions.map((r) => [r.region, STATE_TEXT[r.state], counted(r), oneLine(r.message ?? '')]);
  const lines = [
    `${oneLine(result.connector)} ${oneLine(result.version)}: what Tray serves against ${result.zipPath} (${result.localOperations.length} operation${result.localOperations.length === 1 ? '' : 's'})`,
    formatTable(['region', 'result', 'differences', 'note'], rows),
  ];
  for (const r of result.regions.filter((x) => x.state === 'drift')) {
    lines.push('', `${r.region}: what differs (deployed -> this build)`);
    const shown = r.differences.slice(0, MAX_PRINTED_DIFFERENCES);
    lines.push(
      formatTable(
        ['kind', 'operation', 'path', 'what'],
        shown.map((d) => [d.breaking ? 'breaking' : 'drift', oneLine(d.operation), oneLine(d.path), oneLine(d.reason)]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const more = r.differences.length - shown.length;
    if (more > 0 || r.truncated) lines.push(`  ... and more (see ${VERIFY_RESULT_FILE})`);
  }
  return lines.join('\n');
}

/** Writes `<projectRoot>/.tray/verify-result.json` (replacing the last one) and returns its path. */
export function writeVerifyResult(
  projectAbsRoot: string,
  result: (VerifyResult & { project?: string }) | { project: string; success: false; error: string; regions: [] },
): string {
  const file = path.join(projectAbsRoot, VERIFY_RESULT_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

/** Text for a markdown table cell: one line, markdown and HTML characters escaped (redact.ts markdownText). */
const cell = markdownText;

/** The result as a GitHub-flavoured markdown section: a heading, one row per region, then each drifting region's differences. */
export function verifyResultMarkdown(result: VerifyResult, project?: string): string {
  const ok = result.regions.filter((r) => r.state === 'in-sync').length;
  const mark = result.success ? '✅' : '❌';
  const lines = [
    `### ${mark} Verify of ${cell(result.connector)} ${cell(result.version)}${project ? ` (${cell(project)})` : ''}: ${ok}/${result.regions.length} regions in sync`,
    '',
    '| Region | Result | Differences | Note |',
    '| --- | --- | --- | --- |',
    ...result.regions.map((r) => `| ${r.region} | ${STATE_TEXT[r.state]} | ${cell(counted(r))} | ${cell(r.message ?? '')} |`),
    '',
  ];
  for (const r of result.regions.filter((x) => x.state === 'drift')) {
    lines.push(`**${r.region}**: what differs (deployed -> this build)`, '', '| | Operation | Path | What |', '| --- | --- | --- | --- |');
    for (const d of r.differences.slice(0, MAX_PRINTED_DIFFERENCES)) {
      lines.push(`| ${d.breaking ? 'breaking' : 'drift'} | ${cell(d.operation)} | ${cell(d.path)} | ${cell(d.reason)} |`);
    }
    if (r.differences.length > MAX_PRINTED_DIFFERENCES || r.truncated) lines.push(`| | ... | | more in ${VERIFY_RESULT_FILE} |`);
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

/** Appends the markdown section to the file `env.GITHUB_STEP_SUMMARY` names, when set; returns that path. */
export function appendVerifyStepSummary(result: VerifyResult, project?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[STEP_SUMMARY_ENV];
  if (!file) return undefined;
  fs.appendFileSync(file, verifyResultMarkdown(result, project));
  return file;
}
