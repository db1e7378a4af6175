// Written by `nx g tray-connector:import` (the same text for every imported connector; an import
// rewrites it). It sends each operation's parameters exactly as the OpenAPI document describes
// them (location, style, explode, allowReserved, content): the handlers pass their parameters as
// data, so no request is built by code generated per parameter.

/** How one parameter is serialized (OpenAPI 3 `in`, `style`, `explode`, `allowReserved`, `content`). */
export interface HttpParameter {
	/** The name in the API. */
	readonly name: string;
	readonly in: 'path' | 'query' | 'header' | 'cookie';
	/** The property of the operation's input that holds the value. */
	readonly key: string;
	readonly style: 'form' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject' | 'simple' | 'label' | 'matrix';
	readonly explode: boolean;
	readonly allowReserved?: boolean;
	/** `content` parameters: the value is sent as one JSON (or text) string. */
	readonly content?: 'json' | 'text';
}

/** The request target and headers the parameters give: `path` (with its query string) and header values. */
export interface HttpTarget {
	path: string;
	headers: Array<[string, string]>;
}

type Entries = Array<[string, string]>;

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

/** Percent-encoding of RFC 3986: every character but the unreserved ones (and the reserved ones when allowed). */
export function encode(value: string, allowReserved = false): string {
	let out = '';
	for (const char of value) {
		if (UNRESERVED.test(char) || (allowReserved && RESERVED.test(char))) out += char;
		else if (allowReserved && char === '%') out += char;
		else out += Array.from(new TextEncoder().encode(char), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
	}
	return out;
}

/** A value as one string: primitives as written, anything nested as JSON. */
export function text(value: unknown): string {
	return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A JSON-safe copy of a body (undefined properties dropped), as the http DSL takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DSL's body types are JSON types
export function json(value: unknown): any {
	return JSON.parse(JSON.stringify(value ?? null));
}

/** The size of a body as the runtime sends it (JSON.stringify for JSON bodies). */
export function byteLength(body: unknown): string {
	return String(Buffer.byteLength(typeof body === 'string' ? body : JSON.stringify(body)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function present(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (Array.isArray(value)) return value.length > 0;
	return !isRecord(value) || Object.keys(value).length > 0;
}

/** The value as the parameter sends it: `content` parameters become one string. */
function valueOf(p: HttpParameter, raw: unknown): unknown {
	if (p.content === 'json') return JSON.stringify(raw);
	if (p.content === 'text') return text(raw);
	return raw;
}

/** path (simple, label, matrix) and header (simple): RFC 6570 `{x}`, `{.x}`, `{;x}` with or without `*`. */
function expandSimple(p: HttpParameter, value: unknown, enc: (s: string) => string): string {
	const prefix = p.style === 'label' ? '.' : p.style === 'matrix' ? ';' : '';
	const named = p.style === 'matrix';
	const sep = p.explode ? prefix || ',' : ',';
	if (Array.isArray(value)) {
		const items = value.map((v) => enc(text(v)));
		if (named) return p.explode ? items.map((v) => `;${enc(p.name)}=${v}`).join('') : `;${enc(p.name)}=${items.join(',')}`;
		return prefix + items.join(sep);
	}
	if (isRecord(value)) {
		const pairs = Object.entries(value).map(([k, v]) => [enc(k), enc(text(v))]);
		if (p.explode) return prefix + pairs.map(([k, v]) => `${k}=${v}`).join(sep);
		const flat = pairs.flat().join(',');
		return named ? `;${enc(p.name)}=${flat}` : prefix + flat;
	}
	const single = enc(text(value));
	return named ? `;${enc(p.name)}${single === '' ? '' : `=${single}`}` : prefix + single;
}

/** query (form, spaceDelimited, pipeDelimited, deepObject) and cookie (form): name=value pairs, still to be joined. */
function expandForm(p: HttpParameter, value: unknown, enc: (s: string) => string): Entries {
	const name = enc(p.name);
	if (p.style === 'deepObject' && isRecord(value)) return Object.entries(value).map(([k, v]) => [`${name}[${enc(k)}]`, enc(text(v))]);
	const delimiter = p.style === 'spaceDelimited' ? '%20' : p.style === 'pipeDelimited' ? '|' : ',';
	if (Array.isArray(value)) {
		const items = value.map((v) => enc(text(v)));
		return p.explode ? items.map((v) => [name, v]) : [[name, items.join(delimiter)]];
	}
	if (isRecord(value)) {
		const pairs = Object.entries(value).map(([k, v]) => [enc(k), enc(text(v))] as [string, string]);
		return p.explode ? pairs : [[name, pairs.flat().join(delimiter)]];
	}
	return [[name, enc(text(value))]];
}

/** The request target (`template` with its `{name}` placeholders filled, then the query) and the headers. */
export function httpTarget(template: string, input: object, parameters: readonly HttpParameter[], extraQuery: Entries = []): HttpTarget {
	const values = input as Record<string, unknown>;
	const query: Entries = [];
	const cookies: Entries = [];
	const headers: Entries = [];
	let path = template;
	for (const p of parameters) {
		const raw = Object.prototype.hasOwnProperty.call(values, p.key) ? values[p.key] : undefined;
		// A content parameter is one value: an empty object is still `{}`.
		if (p.in !== 'path' && !(p.content ? raw !== undefined && raw !== null : present(raw))) continue;
		const value = valueOf(p, raw);
		if (p.in === 'path') path = path.split(`{${p.name}}`).join(expandSimple(p, value ?? '', (s) => encode(s)));
		else if (p.in === 'header') headers.push([p.name, expandSimple(p, value, (s) => s)]);
		else if (p.in === 'query') query.push(...expandForm(p, value, (s) => encode(s, p.allowReserved === true)));
		else cookies.push(...expandForm(p, value, (s) => encode(s)));
	}
	for (const [name, value] of extraQuery) query.push([encode(name), encode(value)]);
	if (cookies.length) headers.push(['Cookie', cookies.map(([k, v]) => `${k}=${v}`).join('; ')]);
	const search = query.map(([k, v]) => `${k}=${v}`).join('&');
	return { path: search ? `${path}?${search}` : path, headers };
}

/** What the http DSL's request builder offers that this file uses. */
interface RequestBuilder<R> {
	readonly path: string;
	withUrl(url: string): R;
	addHeader(name: string, value: string): R;
}

/** A header the builder already holds (the DSL keeps them in its `request`, which its types do not show), if any. */
function headerSetBefore(builder: object, name: string): unknown {
	const headers = (builder as { request?: { headers?: unknown } }).request?.headers;
	if (typeof headers !== 'object' || headers === null) return undefined;
	return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/**
 * `request` sent to `template` (the OpenAPI path, e.g. `/pets/{petId}`) with every parameter of
 * `input` serialized as described. `dslPath` is the path the handler gave the DSL (`/pets/:petId`):
 * what precedes it in `request.path` is the base URL of GlobalConfig.ts.
 */
export function withParameters<R extends RequestBuilder<R>>(
	request: R,
	dslPath: string,
	template: string,
	input: object,
	parameters: readonly HttpParameter[],
	extraQuery: Entries = [],
): R {
	const base = request.path.endsWith(dslPath) ? request.path.slice(0, request.path.length - dslPath.length) : request.path;
	const target = httpTarget(template, input, parameters, extraQuery);
	let out = request.withUrl(`${base}${target.path}`);
	for (const [name, value] of target.headers) {
		// An API key cookie of the auth is already in the Cookie header: the parameters join it instead of replacing it.
		const earlier = name === 'Cookie' ? headerSetBefore(request, 'cookie') : undefined;
		out = out.addHeader(name, typeof earlier === 'string' && earlier ? `${earlier}; ${value}` : value);
	}
	return out;
}
