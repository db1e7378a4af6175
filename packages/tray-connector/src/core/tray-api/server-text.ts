import { printable, redact } from '../redact';

/**
 * Text a server wrote, as it may be shown or stored: every encoded form of every token in play masked
 * (redact.ts) and every control character, escape sequence and bidi mark written as `\uXXXX`
 * (printable). It is made once, where an answer is parsed (tray-client.ts, connectivity.ts), so every
 * sink after that (progress lines, the summary table, error messages, deploy-result.json, the step
 * summary, `tray-connector results`) gets safe text without having to remember to. The brand keeps a
 * raw server string from passing for one: only serverText makes a ServerText.
 */
export type ServerText = string & { readonly __serverText: unique symbol };

/** Most characters of one server field kept (a longer one is cut, saying so). */
export const SERVER_TEXT_MAX = 2000;

/** A server's field as ServerText: a string as written, a number or boolean as its text, anything else empty. */
export function serverText(value: unknown, secrets: readonly (string | undefined)[], max = SERVER_TEXT_MAX): ServerText {
  const raw = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  // Masked before (a token may be split by a control character only after escaping) and after escaping.
  const shown = redact(printable(redact(raw, secrets)), secrets);
  return (shown.length > max ? `${shown.slice(0, max)}… (${shown.length - max} more characters)` : shown) as ServerText;
}

/**
 * A value a server sent, kept only to be sent back (a deployment id polled for its status): its raw
 * text is readable by the request that needs it (`forRequestPath`, URL-encoded) and nowhere else;
 * printed, stringified or written to JSON it is its ServerText.
 */
export class ServerHandle {
  readonly #raw: string;
  constructor(
    raw: string,
    /** What may be shown of it. */
    readonly shown: ServerText,
  ) {
    this.#raw = raw;
  }
  /** The raw value as one URL path segment (encodeURIComponent): only for the request to the server that gave it. */
  forRequestPath(): string {
    return encodeURIComponent(this.#raw);
  }
  toString(): string {
    return this.shown;
  }
  toJSON(): string {
    return this.shown;
  }
}

/**
 * A JSON value from a server (a listed operation's schema) with every string in it, keys included,
 * made ServerText; at most `maxDepth` levels (deeper parts become null).
 */
export function serverJson(value: unknown, secrets: readonly (string | undefined)[], maxDepth = 512): unknown {
  if (typeof value === 'string') return serverText(value, secrets, Infinity);
  if (value === null || typeof value !== 'object') return typeof value === 'number' || typeof value === 'boolean' ? value : null;
  if (maxDepth <= 0) return null;
  if (Array.isArray(value)) return value.map((v) => serverJson(v, secrets, maxDepth - 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, serverText(k, secrets, Infinity), {
      value: serverJson(v, secrets, maxDepth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
