/**
 * Keeps secrets out of anything printed. Every message built from an HTTP error, a response
 * body or a header goes through `redact` with the tokens in play.
 */

const MASK = '***';

/** Replaces every occurrence of each secret, and any `Bearer <value>`, with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out.replace(/(Bearer\s+)[^\s"',;]+/gi, `$1${MASK}`);
}

/** A copy of headers with Authorization (and any header carrying a secret) masked. */
export function redactHeaders(headers: Record<string, unknown> | undefined, secrets: readonly (string | undefined)[] = []): Record<string, string> {
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
