import { connectorNameProblems, connectorVersionProblems } from './connector-config';
import { problemCollector, TrayConnectorError } from './errors';
import type { Logger } from './logger';
import { formatDuration, formatTable, silentProgress, type ProgressReporter } from './progress';
import { parseRegions, resolveRegionEndpoints, type Region } from './regions';
import { redact } from './redact';
import type { RetryPolicy } from './retry';
import { TrayClient } from './tray-client';

/** A plain address check: something@domain.tld, no spaces or commas. Tray checks the rest. */
export const EMAIL_PATTERN = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;

/**
 * E-mails from an array or a comma list (`a@b.com,c@d.com`), trimmed and without duplicates.
 * Throws when the list is empty or any address is invalid (all invalid ones named).
 */
export function parseEmails(input: string | readonly string[] | undefined, optionName = 'emails'): string[] {
  const items = (typeof input === 'string' ? [input] : [...(input ?? [])]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) {
    throw new TrayConnectorError(`No e-mail address given: pass "${optionName}", e.g. --${optionName}=jane@acme.com,john@acme.com`);
  }
  const invalid = items.filter((e) => !EMAIL_PATTERN.test(e));
  if (invalid.length) {
    throw new TrayConnectorError(`Invalid e-mail address${invalid.length > 1 ? 'es' : ''} in "${optionName}": ${invalid.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  return [...new Set(items)];
}

/** Shares in one region with an existing client (used by deploy's shareWith too). */
export function shareInRegion(client: TrayClient, name: string, version: string, emails: string[]): Promise<{ message: string }> {
  return client.shareWithEmails(name, version, emails);
}

export interface ShareConnectorOptions {
  name: string;
  version: string;
  regions: string | readonly string[];
  emails: string | readonly string[];
  env?: NodeJS.ProcessEnv;
  apiUrls?: Record<string, string | undefined>;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  logger: Logger;
  progress?: ProgressReporter;
}

export interface ShareRegionOutcome {
  region: Region;
  ok: boolean;
  message: string;
  durationMs: number;
}

export interface ShareOutcome {
  success: boolean;
  emails: string[];
  regions: ShareRegionOutcome[];
  table: string;
}

/**
 * Shares a deployed connector version with Tray users in every region at once. Problems found
 * before any request (addresses, regions, tokens, name/version) are thrown together as one
 * TrayConnectorError; per-region failures are in the outcome.
 */
export async function shareConnector(options: ShareConnectorOptions): Promise<ShareOutcome> {
  const { problems, collect } = problemCollector();
  problems.push(...[...connectorNameProblems(options.name), ...connectorVersionProblems(options.version)].map((p) => `connector.json: ${p}`));
  const emails = collect(() => parseEmails(options.emails)) ?? [];
  const regions = collect(() => parseRegions(options.regions)) ?? [];
  const resolved = regions.length ? collect(() => resolveRegionEndpoints(regions, { env: options.env, apiUrls: options.apiUrls })) : undefined;
  if (problems.length) {
    throw new TrayConnectorError(problems.length === 1 ? problems[0] : `Nothing was sent; fix these first:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`);
  }
  for (const w of resolved!.warnings) options.logger.warn(w);
  const progress = options.progress ?? silentProgress;
  const endpoints = resolved!.endpoints;
  const secrets = endpoints.map((e) => e.token);

  const results = await Promise.all(
    endpoints.map(async (endpoint): Promise<ShareRegionOutcome> => {
      const started = Date.now();
      const { region } = endpoint;
      const client = new TrayClient({
        endpoint,
        retry: options.retry,
        requestTimeoutMs: options.requestTimeoutMs,
        onRetry: (e) => progress.event({ type: 'retry', region, operation: e.operation, retry: e.retry, retries: e.retries, reason: e.reason, delayMs: e.delayMs }),
      });
      progress.event({ type: 'start', region, message: `sharing ${options.name} ${options.version} with ${emails.length} address${emails.length > 1 ? 'es' : ''}` });
      try {
        const { message } = await shareInRegion(client, options.name, options.version, emails);
        const safe = redact(message, secrets);
        progress.event({ type: 'done', region, ok: true, status: `shared: ${safe}` });
        return { region, ok: true, message: safe, durationMs: Date.now() - started };
      } catch (e) {
        const message = redact(e instanceof TrayConnectorError ? e.message : `unexpected error: ${(e as Error).message}`, secrets);
        progress.event({ type: 'done', region, ok: false, status: 'failed', message });
        return { region, ok: false, message, durationMs: Date.now() - started };
      }
    }),
  );
  const ok = results.filter((r) => r.ok).length;
  const table =
    `Share of ${options.name} ${options.version} with ${emails.join(', ')}: ${ok}/${results.length} region${results.length > 1 ? 's' : ''} ok\n` +
    formatTable(
      ['Region', 'Result', 'Duration', 'Message'],
      results.map((r) => [r.region, r.ok ? 'Shared' : 'Failed', formatDuration(r.durationMs), r.ok ? r.message : r.message.split('\n')[0].slice(0, 100)]),
    );
  progress.finish(table);
  for (const r of results) if (!r.ok) options.logger.error(r.message);
  return { success: results.every((r) => r.ok), emails, regions: results, table };
}
