import * as fs from 'fs';
import * as path from 'path';
import { markdownText, printable, printableLines } from '../redact';
import { formatDuration } from '../tray-api/progress';

/**
 * What one deploy of one connector did, kept where CI can see it: `.tray/deploy-result.json` in the
 * project (the deploy target's declared output) and, on GitHub Actions, a markdown table appended to
 * the file `GITHUB_STEP_SUMMARY` names. No secret is in it: messages come redacted from deploy, and
 * every text a server wrote is ServerText (masked and printable where it entered, tray-api/server-text.ts);
 * the file keeps them printable once more, and the markdown escapes its own syntax.
 */

/** The result file, relative to the project root. */
export const DEPLOY_RESULT_FILE = '.tray/deploy-result.json';
/** The environment variable GitHub Actions sets to the job summary file of the current step. */
export const STEP_SUMMARY_ENV = 'GITHUB_STEP_SUMMARY';

export interface DeployResultRegion {
  region: string;
  ok: boolean;
  status: string;
  deploymentId: string | null;
  durationMs: number;
  message: string | null;
  /** Set when the region was refused before any upload (breaking-change guard). */
  refused?: true;
  /** The breaking changes that refused it: operation, JSON path, reason. */
  breakingChanges?: { operation: string; path: string; reason: string }[];
  /** What the breaking-change check found, in short (when it ran). */
  check?: string;
  /** Where the deployment's status is read (present when known). */
  statusUrl?: string;
}

export interface DeployResult {
  project: string;
  connector: string;
  version: string;
  dryRun: boolean;
  success: boolean;
  /** ISO 8601, when the deploy started and finished. */
  startedAt: string;
  finishedAt: string;
  regions: DeployResultRegion[];
  /** A failure before any region was tried (no token, no zip, ...), already redacted. */
  error: string | null;
  /** The signal that stopped the deploy (SIGINT, SIGTERM), present only when one did. */
  interrupted?: string;
}

/** What deploy reports per region (deploy-connector's RegionOutcome has these fields). */
export interface RegionOutcomeLike {
  region: string;
  ok: boolean;
  status: string;
  deploymentId?: string;
  durationMs: number;
  message?: string;
  shareMessage?: string;
  check?: string;
  refused?: { changes: readonly { operation: string; path: string; reason: string }[] };
  statusUrl?: string;
}

export interface DeployResultInput {
  project: string;
  connector: string;
  version: string;
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  regions: readonly RegionOutcomeLike[];
  error?: string;
  interrupted?: string;
}

export function toDeployResult(input: DeployResultInput): DeployResult {
  const text = (v: string | undefined) => (v === undefined ? null : printableLines(v));
  const regions = input.regions.map((r) => ({
    region: printable(r.region),
    ok: r.ok,
    status: printable(r.status),
    deploymentId: r.deploymentId ? printable(r.deploymentId) : null,
    durationMs: r.durationMs,
    message: text(r.message ?? r.shareMessage),
    ...(r.check ? { check: printable(r.check) } : {}),
    ...(r.refused
      ? {
          refused: true as const,
          breakingChanges: r.refused.changes.map(({ operation, path, reason }) => ({
            operation: printable(operation),
            path: printable(path),
            reason: printable(reason),
          })),
        }
      : {}),
    ...(r.statusUrl ? { statusUrl: printable(r.statusUrl) } : {}),
  }));
  return {
    project: input.project,
    connector: input.connector,
    version: input.version,
    dryRun: input.dryRun,
    success: !input.error && regions.length > 0 && regions.every((r) => r.ok),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    regions,
    error: text(input.error),
    ...(input.interrupted ? { interrupted: input.interrupted } : {}),
  };
}

/** Writes `<projectRoot>/.tray/deploy-result.json` (replacing the last one) and returns its path. */
export function writeDeployResult(projectAbsRoot: string, result: DeployResult): string {
  const file = path.join(projectAbsRoot, DEPLOY_RESULT_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

/** A table cell: one line (line breaks as spaces), printable, markdown and HTML syntax escaped. */
function cell(value: string): string {
  return markdownText(value.replace(/\r?\n/g, ' '));
}

/** A dry-run region without a token (allowed with allowMissingTokens): never counted as ok. */
export const DRY_RUN_NO_TOKEN = 'Dry run: no token';

/** Regions counted as ok in a headline: a dry-run region without a token is not. */
export function okCount(regions: readonly { ok: boolean; status: string }[]): string {
  const ok = regions.filter((r) => r.ok && r.status !== DRY_RUN_NO_TOKEN).length;
  const noToken = regions.filter((r) => r.status === DRY_RUN_NO_TOKEN).length;
  return `${ok}/${regions.length} regions ok${noToken ? `, ${noToken} without a token` : ''}`;
}

/** The result as a GitHub-flavoured markdown section: a heading line and one table row per region. */
export function deployResultMarkdown(result: DeployResult): string {
  const mark = result.success ? '✅' : '❌';
  const what = result.dryRun ? 'Dry run of' : 'Deploy of';
  const lines = [
    `### ${mark} ${what} ${cell(result.connector)} ${cell(result.version)} (${cell(result.project)}): ${okCount(result.regions)}`,
    '',
  ];
  if (result.error) lines.push(`> ${cell(result.error)}`, '');
  if (result.regions.length) {
    lines.push('| Region | Deployment id | Status | Duration | Finished | Note |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of result.regions) {
      const duration = result.dryRun ? '-' : formatDuration(r.durationMs);
      lines.push(
        `| ${cell(r.region)} | ${r.deploymentId ? `\`${code(r.deploymentId)}\`` : '-'} | ${cell(r.status)} | ${duration} | ${result.finishedAt} | ${cell(r.message ?? '')} |`,
      );
    }
    lines.push('');
    lines.push(...refusedMarkdown(result));
  }
  return lines.join('\n') + '\n';
}

/** For each refused region, its breaking changes as a list (operation, JSON path, reason), at most 50 each. */
function refusedMarkdown(result: DeployResult): string[] {
  const lines: string[] = [];
  for (const r of result.regions.filter((x) => x.refused)) {
    const changes = r.breakingChanges ?? [];
    lines.push(
      `**${cell(r.region)}: refused before any upload** (${changes.length ? `${changes.length} breaking change(s)` : 'the strict check could not read what it serves'}):`,
      '',
    );
    for (const c of changes.slice(0, 50)) lines.push(`- \`${code(c.operation)}\` \`${code(c.path)}\`: ${cell(c.reason)}`);
    if (changes.length > 50) lines.push(`- ... and ${changes.length - 50} more (see .tray/deploy-result.json)`);
    if (changes.length) lines.push('', 'Bump `version` in connector.json, or deploy anyway with `--allowBreakingChanges`.');
    lines.push('');
  }
  return lines;
}

/** Text inside a markdown code span (where backslashes are literal): one printable line, no backtick, `|` escaped for the table, at most 200 characters. */
function code(value: string): string {
  return printable(value.replace(/\r?\n/g, ' ')).slice(0, 200).replace(/`/g, "'").replace(/\|/g, '\\|');
}

/**
 * Appends the markdown section to the file `env.GITHUB_STEP_SUMMARY` names, when it is set;
 * returns that path, or undefined when not on GitHub Actions.
 */
export function appendStepSummary(result: DeployResult, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[STEP_SUMMARY_ENV];
  if (!file) return undefined;
  fs.appendFileSync(file, deployResultMarkdown(result));
  return file;
}
