// Written by `nx g tray-connector:import` (the same text for every imported connector; an import
// rewrites it). It turns an API's error answer into the failure message of an operation, with the
// words of the fields the OpenAPI document declares for that answer (message, error, detail...)
// and the status code. The server's words are untrusted: bounded and without control characters.

/** A field of an error body: property names and list indexes from the body's root. */
export type ErrorField = ReadonlyArray<string | number>;

/** The error answer the document declares for a status (`404`, `4XX` or `default`): where its words are. */
export interface ErrorShape {
	readonly status: string;
	/** The fields holding the API's words, most telling first (their texts are joined with ': '). */
	readonly message: readonly ErrorField[];
	/** The field holding the API's own error code, if it declares one. */
	readonly code?: ErrorField;
}

/** At most this many characters of each server word reach a failure message. */
export const MAX_WORDS = 300;

// C0 and C1 controls, DEL, line/paragraph separators, bidi overrides and isolates, zero-width marks, BOM.
// eslint-disable-next-line no-control-regex -- these are exactly what is removed
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+/g;

/** An untrusted value as one bounded line of text, or undefined when it holds no words (or is no text). */
export function serverWords(value: unknown, max = MAX_WORDS): string | undefined {
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
	const line = String(value).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
	if (!line) return undefined;
	const chars = Array.from(line);
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}

/** The value at `field` of a parsed JSON body (own properties only), or undefined. */
export function fieldValue(body: unknown, field: ErrorField): unknown {
	let value: unknown = body;
	for (const step of field) {
		if (typeof value !== 'object' || value === null) return undefined;
		if (typeof step === 'number' ? !Array.isArray(value) : Array.isArray(value)) return undefined;
		if (!Object.prototype.hasOwnProperty.call(value, step)) return undefined;
		value = (value as Record<string | number, unknown>)[step];
	}
	return value;
}

/** The shape declared for `status`: the exact code, then its class (`4XX`), then `default`. */
export function shapeFor(status: number, shapes: readonly ErrorShape[]): ErrorShape | undefined {
	const code = String(status);
	return (
		shapes.find((s) => s.status === code) ??
		shapes.find((s) => s.status.toUpperCase() === `${code.charAt(0)}XX`) ??
		shapes.find((s) => s.status === 'default')
	);
}

/**
 * `GET /sites failed with HTTP 404: Site not found (code site_missing)`: the label, the status and the
 * words of the fields declared for that status (the first two that hold text), then the API's code.
 */
export function apiErrorMessage(label: string, status: number, body: unknown, shapes: readonly ErrorShape[]): string {
	const head = `${label} failed with HTTP ${status}`;
	const shape = shapeFor(status, shapes);
	if (!shape) return head;
	const words: string[] = [];
	for (const field of shape.message) {
		const text = serverWords(fieldValue(body, field));
		if (text && !words.includes(text)) words.push(text);
		if (words.length === 2) break;
	}
	const code = shape.code ? serverWords(fieldValue(body, shape.code), 100) : undefined;
	return `${head}${words.length ? `: ${words.join(': ')}` : ''}${code ? ` (code ${code})` : ''}`;
}
