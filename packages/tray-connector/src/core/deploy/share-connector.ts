import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { Deadline } from '../tray-api/deadline';
import { problemCollector, throwIfProblems, StoppedError, TrayConnectorError } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, formatTable, reportRetries, silentProgress, type ProgressReporter } from '../tray-api/progress';
import { parseRegions, resolveRegionEndpoints, type Region } from '../tray-api/regions';
import { redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { TrayClient } from '../tray-api/tray-client';
import { pacerFor } from '../tray-api/tray-pacer';
import { describeShare, parseEmails, shareInRegion, type AddressResult } from './share-with-emails';

export { EMAIL_PATTERN, describeShare, judgeShare, parseEmails, shareInRegion } from './share-with-emails';
export type { AddressResult, ShareJudgement } from './share-with-emails';

export interface ShareConnectorOptions {
  name: string;
  version: string;
  regions: string | readonly string[];
  emails: string | readonly string[];
  env?: NodeJS.ProcessEnv;
  apiUrls?: Record<string, string | undefined>;
  retry?: Partial<RetryPolicy>;
  /** Per region: bounds every request, retry and wait of the share; default 300 s. */
  timeoutMs?: number;
  /** Longest time one request may go without data before it is abandoned and retried; default 60 s. */
  idleTimeoutMs?: number;
  /** Older name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Accept an answer that confirms only some addresses (reported per address, as a warning). */
  allowPartial?: boolean;
  /** Requests in any one-second window to one region with one token, shared with every deploy and share of the process; default 20. */
  maxRequestsPerSecond?: number;
  /** Aborts every region (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  logger: Logger;
  progress?: ProgressReporter;
}

export interface ShareRegionOutcome {
  region: Region;
  ok: boolean;
  message: string;
  durationMs: number;
  /** Per address, when Tray answered. */
  addresses?: AddressResult[];
  partial?: boolean;
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
  problems.push(
    ...[...connectorNameProblems(options.name), ...connectorVersionProblems(options.version)].map((p) => `connector.json: ${p}`),
  );
  const emails = collect(() => parseEmails(options.emails)) ?? [];
  const regions = collect(() => parseRegions(options.regions)) ?? [];
  const resolved = regions.length
    ? collect(() => resolveRegionEndpoints(regions, { env: options.env, apiUrls: options.apiUrls }))
    : undefined;
  throwIfProblems(problems);
  for (const w of resolved!.warnings) options.logger.warn(w);
  const progress = options.progress ?? silentProgress;
  const endpoints = resolved!.endpoints;
  const secrets = endpoints.map((e) => e.token);

  const results = await Promise.all(
    endpoints.map(async (endpoint): Promise<ShareRegionOutcome> => {
      const started = Date.now();
      const { region } = endpoint;
      const timeoutMs = options.timeoutMs ?? 300_000;
      const deadline = new Deadline(timeoutMs, { interrupt: options.signal });
      const client = new TrayClient({
        endpoint,
        retry: options.retry,
        idleTimeoutMs: options.idleTimeoutMs ?? options.requestTimeoutMs,
        deadline,
        onRetry: reportRetries(progress, region),
        pacer: pacerFor(endpoint.baseUrl, endpoint.token, { maxRequestsPerSecond: options.maxRequestsPerSecond }),
        secrets,
      });
      progress.event({
        type: 'start',
        region,
        message: `sharing ${options.name} ${options.version} with ${emails.length} address${emails.length > 1 ? 'es' : ''}`,
      });
      const done = (r: Omit<ShareRegionOutcome, 'region' | 'durationMs'>, status: string): ShareRegionOutcome => {
        const message = redact(r.message, secrets);
        progress.event({ type: 'done', region, ok: r.ok, status, message: r.ok ? undefined : message });
        return { ...r, region, message, durationMs: Date.now() - started };
      };
      try {
        const judged = describeShare(await shareInRegion(client, options.name, options.version, emails, secrets), {
          region,
          name: options.name,
          version: options.version,
          allowPartial: options.allowPartial,
          allowOption: 'allowPartial',
        });
        if (judged.complete) return done({ ok: true, message: judged.summary, addresses: judged.addresses }, `shared: ${judged.summary}`);
        if (options.allowPartial) {
          options.logger.warn(redact(judged.message, secrets));
          return done(
            { ok: true, partial: true, message: judged.summary, addresses: judged.addresses },
            `partly shared: ${judged.summary}`,
          );
        }
        return done({ ok: false, partial: true, message: judged.message, addresses: judged.addresses }, 'partly shared');
      } catch (e) {
        if (e instanceof StoppedError) {
          const message =
            e.stop === 'interrupted'
              ? `${region}: interrupted while sharing ${options.name} ${options.version}; Tray may or may not have added the permissions: share again to be sure.`
              : e.stop === 'retry-after'
                ? `${region}: Tray asked to wait ${formatDuration(e.detail.retryAfterMs ?? 0)} (Retry-After), longer than the ${formatDuration(e.detail.leftMs ?? 0)} left of "timeoutSeconds" (${formatDuration(timeoutMs)}); stopped instead of waiting. Share again later, or raise "timeoutSeconds".`
                : `${region}: sharing ${options.name} ${options.version} did not finish within ${formatDuration(Date.now() - started)} (timeout "timeoutSeconds" (${formatDuration(timeoutMs)}))${e.detail.lastReason ? ` (last problem: ${e.detail.lastReason})` : ''}. Share again, or raise "timeoutSeconds".`;
          return done({ ok: false, message }, e.stop === 'interrupted' ? 'interrupted' : 'timed out');
        }
        const message = e instanceof TrayConnectorError ? e.message : `unexpected error: ${(e as Error).message}`;
        return done({ ok: false, message }, 'failed');
      } finally {
        deadline.dispose();
      }
    }),
  );
  const ok = results.filter((r) => r.ok).length;
  const table =
    `Share of ${options.name} ${options.version} with ${emails.join(', ')}: ${ok}/${results.length} region${results.length > 1 ? 's' : ''} ok\n` +
    formatTable(
      ['Region', 'Result', 'Duration', 'Message'],
      results.map((r) => [
        r.region,
        r.ok ? (r.partial ? 'Partly shared' : 'Shared') : r.partial ? 'Partly shared (failed)' : 'Failed',
        formatDuration(r.durationMs),
        r.ok ? r.message : r.message.split('\n')[0].slice(0, 100),
      ]),
    );
  progress.finish(table);
  for (const r of results) if (!r.ok) options.logger.error(r.message);
  return { success: results.every((r) => r.ok), emails, regions: results, table };
}
