/** Small helpers over untrusted JSON values (a server's answer, a zip's files): compare, name a path, preview. */

export type Json = Record<string, unknown>;

const SAME_VALUE_MAX_DEPTH = 512;
const PREVIEW_CHARS = 80;

/** Two JSON values equal, whatever the order of their keys. */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  // Deeper than any schema: counted as different rather than risking the stack on hostile input.
  if (depth > SAME_VALUE_MAX_DEPTH) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && sameValue(a[k], b[k], depth + 1));
}

/** JSON text of a value with every object's keys sorted: equal for values `sameValue` calls equal (deep ones cut). */
export function canonicalJson(value: unknown, depth = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  if (depth > SAME_VALUE_MAX_DEPTH) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Json)[k], depth + 1)}`).join(',')}}`;
}

/** The values of `list` that are not in `other` (by canonical JSON, so a long list costs little). */
export function valuesMissing(list: unknown[], other: unknown[]): unknown[] {
  const keys = new Set(other.map((v) => canonicalJson(v)));
  return list.filter((v) => !keys.has(canonicalJson(v)));
}

/** `$.a.b` for a plain key, `$["a b"]` (JSON-quoted) for any other. */
export function propertyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(o: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function valuesText(values: unknown[]): string {
  return truncateText(values.map((v) => preview(v)).join(', '));
}

export function valueText(value: unknown): string {
  return truncateText(preview(value));
}

/** JSON text of a value, cut short once it passes PREVIEW_CHARS (so a huge or deeply nested value costs little). */
function preview(value: unknown, depth = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (depth > 8) return '…';
  const parts: string[] = [];
  let length = 0;
  const entries: [string | undefined, unknown][] = Array.isArray(value) ? value.map((v) => [undefined, v]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (length > PREVIEW_CHARS) {
      parts.push('…');
      break;
    }
    const text = (key === undefined ? '' : `${JSON.stringify(key)}:`) + preview(item, depth + 1);
    parts.push(text);
    length += text.length + 1;
  }
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

function truncateText(text: string, max = PREVIEW_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
