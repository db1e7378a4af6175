import { TrayConnectorError } from '../errors';
import type { Region } from '../tray-api/regions';
import { describeBody, redact } from '../redact';
import type { TrayClient } from '../tray-api/tray-client';

/**
 * The share-with-emails request from both sides: the addresses going in (parsed, checked,
 * de-duplicated) and Tray's answer coming back, judged address by address. Used by the share
 * target (share-connector.ts) and by a deploy's shareWith (region-deploy.ts).
 */

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
