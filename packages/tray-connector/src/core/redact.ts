/**
 * Keeps secrets out of anything printed. Every message built from an HTTP error, a response
 * body or a header goes through `redact` with the tokens in play.
 */

const MASK = '***';

const formsCache = new Map<string, string[]>();
const matchersCache = new Map<string, RegExp[]>();

/**
 * The ways a server or a library may echo a secret, before any character escaping: verbatim,
 * base64 and base64url, hex (matched in either case), and, for a secret inside a longer base64
 * text (e.g. of `Bearer <token>` or `user:<token>`), the part of its base64 that does not depend
 * on what surrounds it, at each of the three byte alignments. Each form is then matched with any
 * of its characters escaped (see secretMatchers): URL encoding, HTML entities, `\uXXXX`, `\xNN`,
 * JSON's `\/`. Longest first.
 */
export function secretForms(secret: string): string[] {
  const cached = formsCache.get(secret);
  if (cached) return cached;
  const forms = new Set<string>([secret]);
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(bytes.toString('hex'));
  const b64 = bytes.toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(toUrlSafe(b64));
  for (let k = 0; k < 3; k++) {
    const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = shifted.slice(k === 0 ? 0 : 4, Math.floor((k + bytes.length) / 3) * 4);
    if (core.length >= 8) {
      forms.add(core);
      forms.add(toUrlSafe(core));
    }
  }
  const list = [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
  if (formsCache.size > 100) formsCache.clear();
  formsCache.set(secret, list);
  return list;
}

function toUrlSafe(b64: string): string {
  return b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A hex number as a regex matching either case, e.g. `2f` -> `2[fF]`. */
function hexCi(hex: string): string {
  return hex.replace(/[a-f]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const NAMED_ENTITIES: Record<string, string[]> = {
  '&': ['amp'],
  '<': ['lt'],
  '>': ['gt'],
  '"': ['quot'],
  "'": ['apos'],
  '/': ['sol'],
  '=': ['equals'],
  '+': ['plus'],
};

/**
 * Every way one character may be written in text a server echoes: itself, URL-encoded (its UTF-8
 * bytes as `%XX` in either case, `+` for a space), an HTML entity (decimal, hex, or named), a
 * JavaScript/JSON escape (`\uXXXX`, surrogate pairs, `\xNN`, `\/`, `\"`, `\\`).
 */
function characterPattern(ch: string, hexForm: boolean): string {
  const cp = ch.codePointAt(0) as number;
  const alternatives = new Set<string>([hexForm && /[a-f]/i.test(ch) ? hexCi(ch) : escapeRegExp(ch)]);
  alternatives.add(`&#0*${cp};`);
  alternatives.add(`&#[xX]0*${hexCi(cp.toString(16))};`);
  for (const name of NAMED_ENTITIES[ch] ?? []) alternatives.add(`&${name};`);
  const units = cp > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [cp];
  alternatives.add(units.map((u) => `\\\\[uU]${hexCi(u.toString(16).padStart(4, '0'))}`).join(''));
  if (cp < 0x100) alternatives.add(`\\\\[xX]${hexCi(cp.toString(16).padStart(2, '0'))}`);
  alternatives.add([...Buffer.from(ch, 'utf8')].map((b) => `%${hexCi(b.toString(16).padStart(2, '0'))}`).join(''));
  if (ch === ' ') alternatives.add('\\+');
  if (ch === '/' || ch === '"' || ch === '\\') alternatives.add(`\\\\${escapeRegExp(ch)}`);
  return alternatives.size === 1 ? [...alternatives][0] : `(?:${[...alternatives].join('|')})`;
}

/** One regular expression per form of the secret (see secretForms), each character in any of its escapes. */
export function secretMatchers(secret: string): RegExp[] {
  const cached = matchersCache.get(secret);
  if (cached) return cached;
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const matchers = secretForms(secret).map(
    (form) =>
      new RegExp(
        Array.from(form)
          .map((ch) => characterPattern(ch, form === hex))
          .join(''),
        'g',
      ),
  );
  if (matchersCache.size > 100) matchersCache.clear();
  matchersCache.set(secret, matchers);
  return matchers;
}

/**
 * Whether a word after `Bearer`/`Basic` looks like a credential rather than prose: a JWT
 * (three dot-separated base64url parts), base64 of `user:password`, or a run of 16+ token
 * characters mixing letters and digits (or ending in base64 padding).
 */
export function hasTokenShape(word: string): boolean {
  if (/^[\w-]{4,}\.[\w-]{4,}\.[\w-]*$/.test(word)) return true;
  if (/^[A-Za-z0-9+/]{6,}={0,2}$/.test(word) && word.length % 4 === 0) {
    const decoded = Buffer.from(word, 'base64').toString('utf8');
    if (/^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded)) return true;
  }
  if (!/^[A-Za-z0-9._~+/=-]{16,}$/.test(word)) return false;
  return (/[A-Za-z]/.test(word) && /\d/.test(word)) || /[A-Za-z0-9]=+$/.test(word);
}

/** The credential after an Authorization header name and its scheme (`Authorization: Bearer x`, `"authorization":"Basic x"`, `authorization=Bearer%20x`). */
const AUTHORIZATION_VALUE = /(\bauthorization"?\s*[:=]\s*"?(?:Bearer|Basic)(?:\s+|%20|\+))(?!\*\*\*)[^\s"',;&]+/gi;
/** `Bearer x` / `Basic x` elsewhere: masked only when x has a token's shape (hasTokenShape). */
const SCHEME_VALUE = /(?<![\w-])((?:Bearer|Basic)(?:\s+|%20|\+))(?!\*\*\*)([^\s"',;&]+)/gi;

/**
 * Replaces every occurrence of each secret in any of its encoded forms (see secretForms and
 * secretMatchers) with `***`; then the credential of an Authorization header, the value of
 * `Bearer <value>` / `Basic <value>` when it has a token's shape (hasTokenShape: `Bearer of bad
 * news` and a connector named `inject-basic` stay as written), `token=<value>` (any `..._token`,
 * as in a query string or an environment line) and JSON `"...token": "<value>"`.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const matcher of secretMatchers(secret)) out = out.replace(matcher, MASK);
  }
  return out
    .replace(AUTHORIZATION_VALUE, `$1${MASK}`)
    .replace(SCHEME_VALUE, (all, scheme: string, word: string) => (hasTokenShape(word) ? `${scheme}${MASK}` : all))
    .replace(/((?:^|[?&;\s])[\w.-]*token=)(?!\*\*\*)[^&\s"',;]+/gi, `$1${MASK}`)
    .replace(/("[\w-]*token"\s*:\s*")(?!\*\*\*)[^"]*"/gi, `$1${MASK}"`);
}

/** A copy of headers with Authorization (and any header carrying a secret) masked. */
export function redactHeaders(
  headers: Record<string, unknown> | undefined,
  secrets: readonly (string | undefined)[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[key] = /^(authorization|proxy-authorization|cookie|x-api-key)$/i.test(key) ? MASK : redact(String(value), secrets);
  }
  return out;
}

/** At most `max` characters, with a note of how much was cut. */
export function truncate(text: string, max = 500): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** How many characters of a non-JSON body are shown. */
export const NON_JSON_SNIPPET = 200;
/** How much of a long text is masked at most before it is cut (a 10 MB body is never scanned whole). */
const MASK_WINDOW = 16 * 1024;

/**
 * The first `max` characters of `text`, masked (see redact). Only a window of the text is masked;
 * when the window cuts the text, its last characters (where a secret's encoded form may have been
 * cut in two, and so not recognized) are dropped before anything is shown.
 */
export function maskedSnippet(text: string, secrets: readonly (string | undefined)[], max: number): string {
  // Masked before whitespace is collapsed (a secret may hold a line separator), and again after.
  // Then made printable (no escape sequence of the server's reaches a terminal), and masked once more.
  const oneLine = (t: string) => redact(printable(redact(redact(t, secrets).replace(/\s+/g, ' ').trim(), secrets)), secrets);
  if (text.length <= MASK_WINDOW) return truncate(oneLine(text), max);
  const longest = Math.max(64, ...secrets.map((s) => (s ? s.length * 24 : 0)));
  const masked = oneLine(text.slice(0, MASK_WINDOW));
  const shown = masked.slice(0, Math.max(0, Math.min(max, masked.length - longest)));
  return `${shown}… (${text.length} characters in all)`;
}

/** A body or value (string, Buffer or JSON) as one short, masked line for a message. */
export function describeBody(body: unknown, secrets: readonly (string | undefined)[] = [], max = 500): string {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body === 'string') return maskedSnippet(body, secrets, max);
  if (Buffer.isBuffer(body)) return maskedSnippet(body.toString('utf8'), secrets, max);
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    text = String(body);
  }
  return maskedSnippet(text, secrets, max);
}

/**
 * A server's answer as one short line: JSON as describeBody shows it; a body that is not JSON (an
 * HTML error page, a proxy's text, which may echo the request) only as a short masked snippet, labelled so.
 */
export function describeResponseBody(body: unknown, secrets: readonly (string | undefined)[] = [], max = 500): string {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined || text.trim() === '' || isJsonText(text)) return describeBody(body, secrets, max);
  return `(not JSON) ${maskedSnippet(text, secrets, Math.min(max, NON_JSON_SNIPPET))}`;
}

function isJsonText(text: string): boolean {
  const trimmed = text.trim();
  if (!/^[[{"]/.test(trimmed)) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/**
 * Characters that act on a terminal or reorder what a reader sees: C0 controls (ESC, BEL, CR, line
 * feeds, ...), DEL, C1 controls (U+0080-U+009F, CSI U+009B among them), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same, except line feed and tab (for multi-line text the program itself lays out). */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text made printable on one line: every character of UNPRINTABLE written as `\uXXXX`, so an escape
 * sequence (CSI, OSC, DCS), a bell, a carriage return or a bidi override is shown, never obeyed. The
 * one implementation for every text someone else wrote (server answers, result files, schema paths).
 */
export function printable(text: string): string {
  return String(text).replace(UNPRINTABLE, escapeChar);
}

/** A colour sequence (CSI ... m: SGR), which only colours the text after it. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/y;

/**
 * Like printable, but keeps line feeds and tabs: for a message of several lines (the logger's last
 * defence). With `keepColours`, colour sequences (SGR, `ESC [ ... m`) stay; every other control is escaped.
 */
export function printableLines(text: string, keepColours = false): string {
  return String(text).replace(UNPRINTABLE_IN_LINES, (c, offset: number, whole: string) => {
    if (keepColours && c === '\u001b') {
      SGR.lastIndex = offset;
      if (SGR.test(whole)) return c;
    }
    return escapeChar(c);
  });
}

/**
 * Text for a markdown table cell or list item: one printable line with markdown and HTML syntax
 * (`\ \` * _ [ ] < > | ~ #`) backslash-escaped, so it stays text and cannot end a cell or a code span.
 */
export function markdownText(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|~#!]/g, (c) => `\\${c}`);
}
