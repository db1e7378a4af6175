import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { Deadline } from '../tray-api/deadline';
import { problemCollector, throwIfProblems, StoppedError, TrayConnectorError } from '../errors';
import type { Logger } from '../logger';
import { formatDuration, formatTable, reportRetries, silentProgress, type ProgressReporter } from '../tray-api/progress';
import { parseRegions, resolveRegionEndpoints, type Region } from '../tray-api/regions';
import { describeBody, redact } from '../redact';
import type { RetryPolicy } from '../tray-api/retry';
import { TrayClient } from '../tray-api/tray-client';
import { pacerFor } from '../tray-api/tray-pacer';

/** A plain address check: something@domain.tld, no spaces or commas. Tray checks the rest. */
export const EMAIL_PATTERN = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;

/**
 * E-mails from an array or a comma list (`a@b.com,c@d.com`), trimmed and without duplicates
 * (compared case-insensitively, as e-mail addresses are in practice: the first spelling is kept).
 * Throws when the list is empty or any address is invalid (all invalid ones named).
 */
export function parseEmails(input: string | readonly string[] | undefined, optionName = 'emails'): string[] {
  const items = (typeof input === 'string' ? [input] : [...(input ?? [])])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new TrayConnectorError(`No e-mail address given: pass "${optionName}", e.g. --${optionName}=jane@acme.com,john@acme.com`);
  }
  const invalid = items.filter((e) => !EMAIL_PATTERN.test(e));
  if (invalid.length) {
    throw new TrayConnectorError(
      `Invalid e-mail address${invalid.length > 1 ? 'es' : ''} in "${optionName}": ${invalid.map((e) => JSON.stringify(e)).join(', ')}`,
    );
  }
  const seen = new Set<string>();
  return items.filter((e) => {
    const key = e.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a share did for one address. */
export interface AddressResult {
  email: string;
  /** added: Tray confirmed it; refused: Tray listed it as failed; unconfirmed: Tray added fewer permissions than addresses, without saying which. */
  result: 'added' | 'refused' | 'unconfirmed';
  reason?: string;
}

export interface ShareJudgement {
  complete: boolean;
  /** Tray's message (e.g. "2 permissions added"), redacted. */
  message: string;
  addresses: AddressResult[];
}

const FAILURE_LISTS = ['failures', 'failed', 'errors', 'notAdded', 'rejected', 'invalidEmails'];

/**
 * Reads Tray's answer to share-with-emails against the addresses sent: a `failures` (or failed,
 * errors, notAdded, rejected, invalidEmails) list names refused addresses; "N permissions added"
 * with N below the number of addresses leaves the others unconfirmed. Any 2xx is not success.
 */
export function judgeShare(body: unknown, emails: readonly string[], secrets: readonly string[] = []): ShareJudgement {
  const data = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const message = typeof data.message === 'string' ? redact(data.message, secrets) : describeBody(body, secrets, 300) || '(no message)';
  const refused = new Map<string, string | undefined>();
  const unmatched: string[] = [];
  for (const key of FAILURE_LISTS) {
    const list = data[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const email =
        typeof item === 'string'
          ? item
          : item && typeof item === 'object'
            ? ((item as any).email ?? (item as any).emailAddress ?? (item as any).address)
            : undefined;
      const reason = item && typeof item === 'object' ? ((item as any).reason ?? (item as any).message ?? (item as any).error) : undefined;
      const known = typeof email === 'string' ? emails.find((e) => e.toLowerCase() === email.toLowerCase()) : undefined;
      if (known) refused.set(known.toLowerCase(), typeof reason === 'string' ? redact(reason, secrets) : undefined);
      else unmatched.push(describeBody(item, secrets, 200));
    }
  }
  const counted = /(\d+)\s+permissions?\s+(?:were\s+)?added/i.exec(message);
  const added = counted ? Number(counted[1]) : undefined;
  const notRefused = emails.filter((e) => !refused.has(e.toLowerCase()));
  const unsure = (added !== undefined && added < notRefused.length) || unmatched.length > 0;
  const addresses: AddressResult[] = emails.map((email) =>
    refused.has(email.toLowerCase())
      ? { email, result: 'refused', reason: refused.get(email.toLowerCase()) }
      : unsure
        ? {
            email,
            result: 'unconfirmed',
            reason: unmatched.length ? `Tray listed failures it did not tie to an address: ${unmatched.join('; ')}` : undefined,
          }
        : { email, result: 'added' },
  );
  return { complete: addresses.every((a) => a.result === 'added'), message, addresses };
}

/** A judged share as text: a one-line summary, and (when not complete) a message listing every address. */
export function describeShare(
  judged: ShareJudgement,
  ctx: { region: Region; name: string; version: string; allowPartial?: boolean; allowOption: string },
): ShareJudgement & { summary: string } {
  const added = judged.addresses.filter((a) => a.result === 'added').length;
  const total = judged.addresses.length;
  const summary = judged.complete ? judged.message : `${judged.message} (${added} of ${total} addresses confirmed)`;
  if (judged.complete) return { ...judged, summary };
  const lines = judged.addresses.map((a) => `    ${a.email}: ${a.result}${a.reason ? ` (${a.reason})` : ''}`);
  const message =
    `${ctx.region}: sharing ${ctx.name} ${ctx.version} did not reach every address: Tray answered "${judged.message}" for ${total} address${total > 1 ? 'es' : ''}:\n` +
    `${lines.join('\n')}\n  ` +
    (ctx.allowPartial
      ? `Accepted because of "${ctx.allowOption}".`
      : `Check that each address is a Tray user of the API user's organisation, then share again; pass --${ctx.allowOption} to accept a partial share.`);
  return { ...judged, summary, message };
}

/** Shares in one region with an existing client (used by deploy's shareWith too), judging Tray's answer per address. */
export async function shareInRegion(
  client: TrayClient,
  name: string,
  version: string,
  emails: string[],
  secrets: readonly string[] = [],
): Promise<ShareJudgement> {
  const { body } = await client.shareWithEmails(name, version, emails);
  return judgeShare(body, emails, secrets);
}

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
