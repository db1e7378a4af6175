/**
 * Keeps secrets out of anything printed. Every message built from an HTTP error, a response
 * body or a header goes through `redact` with the tokens in play.
 */

const MASK = '***';

const formsCache = new Map<string, string[]>();

/**
 * The ways a server or a library may echo a secret: verbatim, URL-encoded (component and form
 * style), base64 and base64url, and, for a secret inside a longer base64 text (e.g. of
 * `Bearer <token>` or `user:<token>`), the part of its base64 that does not depend on what
 * surrounds it, at each of the three byte alignments. Longest first.
 */
export function secretForms(secret: string): string[] {
  const cached = formsCache.get(secret);
  if (cached) return cached;
  const forms = new Set<string>([secret]);
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(uri.toLowerCase() === uri ? uri : uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  const bytes = Buffer.from(secret, 'utf8');
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

/**
 * Replaces every occurrence of each secret in any of its encoded forms (see secretForms), and the
 * value of any `Bearer <value>` / `Basic <value>` (also URL-encoded), `token=<value>` (any
 * `..._token`, as in a query string or an environment line) and JSON `"...token": "<value>"`, with `***`.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) if (out.includes(form)) out = out.split(form).join(MASK);
  }
  return out
    .replace(/\b((?:Bearer|Basic)(?:\s+|%20|\+))(?!\*\*\*)[^\s"',;&]+/gi, `$1${MASK}`)
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

/** A response body (string, Buffer or JSON) as one short line for a message. */
export function describeBody(body: unknown, secrets: readonly (string | undefined)[] = [], max = 500): string {
  if (body === undefined || body === null || body === '') return '';
  let text: string;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else {
    try {
      text = JSON.stringify(body);
    } catch {
      text = String(body);
    }
  }
  return truncate(redact(text.replace(/\s+/g, ' ').trim(), secrets), max);
}
