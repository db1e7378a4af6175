import type * as http from 'http';
import type { EmulatorRegion, FailureReason, FaultFilter, RecordedRequest, Reply } from './types';

/**
 * Fault injection, apart from state and routes. A request fault changes how one request is
 * answered, at one of three moments; a new fault is one small factory below:
 * - `arrive`: takes the connection over as soon as the request arrives (drop, hang);
 * - `replace`: answers instead of the routes (a status, a 429, a redirect);
 * - `deliver`: writes the routes' answer differently (late, trickled byte by byte).
 * Outcome faults change what Tray decides (a deployment's final status, a share's refusals).
 */
export interface RequestFault {
  /** Recorded as the request's `fault`. */
  label: string;
  arrive?(req: http.IncomingMessage, res: http.ServerResponse): void;
  replace?(): Reply;
  deliver?(res: http.ServerResponse, reply: { status: number; headers: Record<string, string>; text: string }, later: Later): void;
}

export type Later = (ms: number, fn: () => void) => void;

/** The next `count` things matching `matches` get `fault`, in the order faults were added. */
export class FaultQueue<F, M> {
  private entries: Array<{ remaining: number; matches: (m: M) => boolean; fault: F }> = [];
  add(count: number, matches: (m: M) => boolean, fault: F): void {
    if (count > 0) this.entries.push({ remaining: count, matches, fault });
  }
  take(m: M): F | undefined {
    const entry = this.entries.find((e) => e.remaining > 0 && e.matches(m));
    if (!entry) return undefined;
    entry.remaining--;
    this.entries = this.entries.filter((e) => e.remaining > 0);
    return entry.fault;
  }
  clear(): void {
    this.entries = [];
  }
}

export const matchesRequest =
  (filter: FaultFilter = {}) =>
  (r: RecordedRequest) =>
    (!filter.region || filter.region === r.region) && (!filter.kind || filter.kind === r.kind);

// ---------- request faults ----------

/**
 * Answers `status` with `body` (default `{"message":"Injected failure (status)"}`); a RawBody
 * (see rawBody) is written as it is, not as JSON, with its own Content-Type.
 */
export const statusFault = (status: number, body?: unknown): RequestFault => {
  if (body instanceof RawBody) {
    const raw = body;
    return {
      label: `status ${status} (${raw.contentType})`,
      replace: () => ({ status, body: null }),
      deliver: (res) => writeReply(res, { status, headers: { 'Content-Type': raw.contentType }, text: raw.text }),
    };
  }
  return {
    label: `status ${status}`,
    replace: () => ({ status, body: body ?? { message: `Injected failure (${status})` } }),
  };
};

/** A body written exactly as given (an HTML error page, a proxy's text), not as JSON. */
export class RawBody {
  constructor(
    readonly text: string,
    readonly contentType = 'text/html; charset=utf-8',
  ) {}
}

/** A non-JSON body for `failNext(count, status, { body: rawBody(text) })`. */
export const rawBody = (text: string, contentType?: string): RawBody => new RawBody(text, contentType);

/**
 * Every escaped form a careless server (or proxy) may echo a token in, each on its own line:
 * verbatim, hex (lower and upper case), HTML entities (decimal and hex, every character), `\uXXXX`
 * escapes, JSON's `\/` (JSON.stringify of the token, `/` escaped), URL encoding, base64 and
 * base64url of the token and of `Bearer <token>`.
 */
export function tokenEchoForms(token: string): Record<string, string> {
  const chars = Array.from(token);
  const bytes = Buffer.from(token, 'utf8');
  const bearer = Buffer.from(`Bearer ${token}`, 'utf8');
  const utf16 = (s: string) => Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  return {
    verbatim: token,
    hex: bytes.toString('hex'),
    hexUpper: bytes.toString('hex').toUpperCase(),
    htmlDecimal: chars.map((c) => `&#${c.codePointAt(0)};`).join(''),
    htmlHex: chars.map((c) => `&#x${(c.codePointAt(0) as number).toString(16)};`).join(''),
    unicodeEscapes: utf16(token),
    jsonSlashes: JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
    urlEncoded: encodeURIComponent(token),
    urlEncodedAll: [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    bearerBase64: bearer.toString('base64'),
    bearerBase64url: bearer.toString('base64url'),
  };
}

/** An HTML error page that echoes the request's token in the forms named (default every form of tokenEchoForms). */
export function tokenEchoPage(token: string, forms: readonly string[] = Object.keys(tokenEchoForms(token))): string {
  const all = tokenEchoForms(token);
  const lines = forms.map((form) => `<li>${form}: ${all[form]}</li>`);
  return `<html><body><h1>Bad Request</h1><ul>\n${lines.join('\n')}\n</ul></body></html>`;
}

/** What a gateway in front of Tray answers to a body over its limit (413), for `failNext(1, 413, { body: payloadTooLargePage() })`. */
export const payloadTooLargePage = (): RawBody =>
  rawBody(
    '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>',
  );

/** 429 "Limit exceeded" with Retry-After (seconds, or an HTTP date). */
export const rateLimitFault = (retryAfter: number | string): RequestFault => ({
  label: `429 retry-after ${retryAfter}`,
  replace: () => ({ status: 429, body: { message: 'Limit exceeded' }, headers: { 'Retry-After': String(retryAfter) } }),
});

/** A redirect (default 302) to `location`, which may be another origin. */
export const redirectFault = (location: string, status = 302): RequestFault => ({
  label: `redirect ${status} ${location}`,
  replace: () => ({ status, body: { message: `Moved to ${location}` }, headers: { Location: location } }),
});

/** The connection is destroyed without an answer. */
export const dropFault = (): RequestFault => ({
  label: 'drop',
  arrive: (req) => req.socket.destroy(),
});

/** The request is read and never answered: the connection stays open until the client gives up (or the emulator closes). */
export const hangFault = (): RequestFault => ({
  label: 'hang',
  arrive: (req) => {
    req.resume();
  },
});

/** The answer is written after `delayMs`. */
export const slowFault = (delayMs: number): RequestFault => ({
  label: `slow ${delayMs}ms`,
  deliver: (res, reply, later) => later(delayMs, () => writeReply(res, reply)),
});

/** Headers at once, then the body `bytes` bytes every `intervalMs` (a server that never quite stops talking). */
export const trickleFault = (intervalMs: number, bytes = 1): RequestFault => ({
  label: `trickle ${bytes}B/${intervalMs}ms`,
  deliver: (res, reply, later) => {
    if (res.destroyed) return;
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.text)) });
    const data = Buffer.from(reply.text);
    let offset = 0;
    const next = () => {
      if (res.destroyed || offset >= data.length) return void (!res.destroyed && res.end());
      res.write(data.subarray(offset, offset + bytes));
      offset += bytes;
      later(intervalMs, next);
    };
    next();
  },
});

export function writeReply(res: http.ServerResponse, reply: { status: number; headers: Record<string, string>; text: string }): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.text)) });
  res.end(reply.text);
}

// ---------- outcome faults ----------

/** How a deployment accepted under a fault ends: `Failed` (default) or any other final word, with Tray's reason. */
export interface DeploymentOutcome {
  status: string;
  reason?: FailureReason;
  /** The id Tray gives the deployment (default a random UUID): any text, e.g. a hostile one, still found by the status route. */
  id?: string;
}

export interface DeploymentMatch {
  region: EmulatorRegion;
  name: string;
}

/** A share under a fault adds permissions for some addresses only. */
export interface PartialShare {
  /** The addresses refused (matched case-insensitively), or how many of the last ones are refused; default 1. */
  refuse?: string[] | number;
  /** List the refused addresses in the body (`failures: [{email, reason}]`); default true. Without it only the count tells. */
  listFailures?: boolean;
  /** Why they were refused; default "User not found in this organization". */
  reason?: string;
}

/** The addresses a partial share refuses, and the answer Tray gives. */
export function partialShareReply(emails: string[], fault: PartialShare): { added: string[]; refused: string[]; reply: Reply } {
  const refuse = fault.refuse ?? 1;
  const refusedSet = new Set(
    typeof refuse === 'number'
      ? emails.slice(Math.max(0, emails.length - refuse)).map((e) => e.toLowerCase())
      : refuse.map((e) => e.toLowerCase()),
  );
  const refused = emails.filter((e) => refusedSet.has(e.toLowerCase()));
  const added = emails.filter((e) => !refusedSet.has(e.toLowerCase()));
  const reason = fault.reason ?? 'User not found in this organization';
  const body: Record<string, unknown> = { message: `${added.length} permission${added.length === 1 ? '' : 's'} added` };
  if (fault.listFailures !== false) body.failures = refused.map((email) => ({ email, reason }));
  return { added, refused, reply: { status: 200, body } };
}
