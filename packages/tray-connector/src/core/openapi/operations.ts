import { HEADER_NAME_RULE, isHeaderName } from './header-name';
import { toKebabCase } from '../connector/connector-config';
import type { OpenApiDocument } from './load-spec';
import { selected, type OperationSelection } from './operation-selection';
import type { Schema } from './schema-to-typescript';
import { errorBodies, errorShapes, type ErrorBody } from './error-responses';
import type { ErrorShape } from './files/api-error';

/** HTTP methods in the order OpenAPI lists them in a Path Item; the import keeps document order, then this. */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** What Tray's http DSL can send (`http.get/post/put/patch/delete`). */
export const DSL_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);
const OPERATION_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export type ParamLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ImportedParameter {
  /** The parameter's name in the API. */
  name: string;
  in: ParamLocation;
  /** Its property in the operation's input type (the name, or name_<in> when two locations share it). */
  key: string;
  required: boolean;
  schema: Schema;
  description?: string;
  /** Query only: form arrays with explode=false are joined with commas; deepObject objects become name[key]. */
  explode: boolean;
  style: string;
  /** Query only: reserved characters are sent as they are. */
  allowReserved?: boolean;
  /** A parameter described by `content`: its value is sent as one JSON (or text) string. */
  content?: 'json' | 'text';
}

/** How a body is sent: JSON, form-urlencoded, text, multipart/form-data (files and fields) or one file (octet-stream). */
export type BodyKind = 'json' | 'form' | 'text' | 'multipart' | 'file';
export type ResponseKind = 'json' | 'text' | 'none';

export interface ImportedOperation {
  /** snake_case folder and operation name. */
  name: string;
  title: string;
  description: string;
  method: string;
  /** The OpenAPI path, e.g. /pets/{petId}. */
  path: string;
  operationId?: string;
  tags: string[];
  parameters: ImportedParameter[];
  body?: ImportedBody;
  response: { kind: ResponseKind; status: string; mediaType?: string; schema?: Schema; description?: string };
  /** The error answers whose JSON schema says where the API's words are (explicit codes, then 4XX, then default). */
  errors?: ErrorShape[];
  /** Every error answer with a JSON body schema, in the same order: typed in output.ts (issue 29.2). */
  errorBodies?: ErrorBody[];
  /** What was left out or approximated for this operation. */
  notes: string[];
}

export interface ImportedBody {
  kind: BodyKind;
  mediaType: string;
  schema: Schema;
  required: boolean;
  description?: string;
  /** Its property in the operation's input type. */
  key: string;
  /** multipart: the properties sent as file parts (each a FileReference in the input), the others are text fields. */
  files?: string[];
}

export interface SkippedOperation {
  method: string;
  path: string;
  operationId?: string;
  reason: string;
}

export type { OperationSelection };

export interface CollectedOperations {
  operations: ImportedOperation[];
  skipped: SkippedOperation[];
  /** Operations that the filters left out (not an error; counted in the report). */
  filteredOut: number;
}

/** Every operation of the document, named, with what could not be imported listed with its reason. Deterministic: document order. */
export function collectOperations(doc: OpenApiDocument, selection: OperationSelection = {}): CollectedOperations {
  const operations: ImportedOperation[] = [];
  const skipped: SkippedOperation[] = [];
  const taken = new Set<string>();
  let filteredOut = 0;
  for (const [apiPath, item] of Object.entries(doc.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    for (const method of OPENAPI_METHODS) {
      const op = item[method];
      if (!op || typeof op !== 'object') continue;
      const operationId = typeof op.operationId === 'string' && op.operationId.trim() ? op.operationId.trim() : undefined;
      const base = operationName(operationId, method, apiPath);
      const tags: string[] = Array.isArray(op.tags) ? op.tags.filter((t: unknown) => typeof t === 'string') : [];
      if (!selected(selection, { operationId, name: base, path: apiPath, tags })) {
        filteredOut++;
        continue;
      }
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
      const skip = (reason: string) => skipped.push({ method: method.toUpperCase(), path: apiPath, operationId, reason });
      if (!DSL_METHODS.has(method)) {
        skip(`${method.toUpperCase()} is not a method Tray's http DSL can send (get, post, put, patch, delete)`);
        continue;
      }
      const notes: string[] = [];
      const { params: parameters, refused } = collectParameters(
        [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(op.parameters) ? op.parameters : [])],
        notes,
      );
      if (refused.length) {
        skip(`required parameter${refused.length === 1 ? '' : 's'} ${refused.join('; ')}`);
        continue;
      }
      const body = requestBody(op.requestBody, notes);
      if (typeof body === 'string') {
        skip(body);
        continue;
      }
      if (body && (body.kind === 'form' || body.kind === 'multipart' || body.kind === 'file') && method === 'delete') {
        skip(`a DELETE with a ${body.mediaType} body: Tray's runtime sends it without a Content-Length, so the API would never see it`);
        continue;
      }
      const response = successResponse(op.responses);
      if (typeof response === 'string') {
        skip(response);
        continue;
      }
      if (body) {
        const keys = new Set(parameters.map((p) => p.key));
        body.key = ['body', 'request_body', 'request_body_json'].find((k) => !keys.has(k)) ?? 'body_';
      }
      if (op.callbacks && Object.keys(op.callbacks).length)
        notes.push(`callbacks (${Object.keys(op.callbacks).join(', ')}) are not imported: a Tray operation makes one request`);
      taken.add(name);
      operations.push({
        name,
        title: oneLine(op.summary) || sentence(name),
        description: (typeof op.description === 'string' ? op.description.trim() : '') || oneLine(op.summary) || '',
        method,
        path: apiPath,
        operationId,
        tags,
        parameters,
        body: body ?? undefined,
        response,
        errors: errorShapes(op.responses),
        errorBodies: errorBodies(op.responses),
        notes,
      });
    }
  }
  return { operations, skipped, filteredOut };
}

/** `listPets` -> `list_pets`; no operationId: `GET /pets/{petId}` -> `get_pets_by_pet_id`. Always snake_case starting with a letter. */
export function operationName(operationId: string | undefined, method: string, apiPath: string): string {
  let name = operationId ? snake(operationId) : '';
  if (!name) {
    const segments = apiPath
      .split('/')
      .filter(Boolean)
      .map((s) => (/^\{.+\}$/.test(s) ? `by_${snake(s.slice(1, -1))}` : snake(s)))
      .filter(Boolean);
    name = [method.toLowerCase(), ...segments].join('_');
  }
  if (!/^[a-z]/.test(name)) name = `op_${name}`;
  if (!OPERATION_NAME.test(name)) name = `op_${name.replace(/[^a-z0-9_]/g, '')}`.replace(/_+/g, '_').replace(/_$/, '');
  // A folder Windows cannot create (CON, PRN, AUX, NUL, COM1-9, LPT1-9 in any case) gets a suffix.
  return WINDOWS_RESERVED.test(name) ? `${name}_op` : name;
}

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype).concat('prototype'));

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** The styles OpenAPI defines for each location (the first one is the default). */
const STYLES: Record<ParamLocation, string[]> = {
  path: ['simple', 'label', 'matrix'],
  query: ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'],
  header: ['simple'],
  cookie: ['form'],
};

/** Why `p` cannot be sent exactly as the document describes it, or undefined when it can. */
function unsupportedSerialization(p: ImportedParameter, raw: any): string | undefined {
  if (p.in === 'header' && !isHeaderName(p.name)) return `its name is not a valid HTTP header name (${HEADER_NAME_RULE})`;
  if (!STYLES[p.in].includes(p.style)) return `style ${p.style} is not defined for ${p.in} parameters`;
  if (raw.content && !raw.schema) {
    const types = typeof raw.content === 'object' ? Object.keys(raw.content) : [];
    if (!p.content) return `content ${types.join(', ') || '(none)'} (the importer sends JSON and text/plain content)`;
  }
  const type = p.schema?.type;
  const structured = type === 'array' || type === 'object' || (!type && (p.schema?.items || p.schema?.properties));
  if (p.style === 'deepObject' && !p.content && type !== 'object' && !(!type && p.schema?.properties))
    return 'deepObject is defined for objects only';
  if (p.in === 'cookie' && p.explode && structured && !p.content) return 'an exploded array or object in a cookie has no defined form';
  return undefined;
}

function snake(value: string): string {
  return toKebabCase(value).replace(/-/g, '_');
}

function collectParameters(raw: any[], notes: string[]): { params: ImportedParameter[]; refused: string[] } {
  // Operation-level parameters override path-level ones with the same name and location.
  const byId = new Map<string, any>();
  for (const p of raw) {
    if (p && typeof p === 'object' && typeof p.name === 'string' && typeof p.in === 'string') byId.set(`${p.in}:${p.name}`, p);
  }
  const params: ImportedParameter[] = [];
  const refused: string[] = [];
  for (const p of byId.values()) {
    const location = p.in as ParamLocation;
    if (!['path', 'query', 'header', 'cookie'].includes(location)) continue;
    if (location === 'header' && /^(accept|content-type|authorization)$/i.test(p.name)) {
      notes.push(`header parameter ${p.name} is set by the runtime and the connector's auth, not by the input (OpenAPI ignores it too)`);
      continue;
    }
    let schema: Schema = p.schema && typeof p.schema === 'object' ? p.schema : {};
    let content: ImportedParameter['content'];
    if (!p.schema && p.content && typeof p.content === 'object') {
      const [mediaType, first] = (Object.entries(p.content)[0] ?? []) as [string | undefined, any];
      schema = first?.schema ?? {};
      const type = (mediaType ?? '').toLowerCase().split(';')[0].trim();
      content = /^application\/(.+\+)?json$/.test(type) ? 'json' : type === 'text/plain' ? 'text' : undefined;
    }
    const style = typeof p.style === 'string' ? p.style : STYLES[location][0];
    const param: ImportedParameter = {
      name: p.name,
      in: location,
      key: p.name,
      required: location === 'path' ? true : p.required === true,
      schema,
      description: typeof p.description === 'string' ? p.description : undefined,
      explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
      style,
      ...(location === 'query' && p.allowReserved === true ? { allowReserved: true } : {}),
      ...(content ? { content } : {}),
    };
    const problem = unsupportedSerialization(param, p);
    if (problem && param.required)
      refused.push(`${location} ${JSON.stringify(p.name)}: ${problem}, so it cannot be sent as the document describes`);
    else if (problem)
      notes.push(
        `optional ${location} parameter ${JSON.stringify(p.name)} is left out of the input: ${problem}, so it cannot be sent as the document describes`,
      );
    else params.push(param);
  }
  // Order: path, query, header, cookie (each in document order); keys unique.
  const order: ParamLocation[] = ['path', 'query', 'header', 'cookie'];
  params.sort((a, b) => order.indexOf(a.in) - order.indexOf(b.in));
  const counts = new Map<string, number>();
  for (const p of params) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  const used = new Set<string>();
  for (const p of params) {
    // Names an object inherits (`__proto__`, `constructor`...) become `<name>_<in>`, as do names two locations share.
    let key = (counts.get(p.name)! > 1 && p.in !== 'path') || INHERITED.has(p.name) ? `${p.name}_${p.in}` : p.name;
    for (let i = 2; used.has(key); i++) key = `${p.name}_${p.in}_${i}`;
    used.add(key);
    p.key = key;
  }
  return { params, refused };
}

/** The request body the handler sends; a string is the reason the operation cannot be imported; null: no body. */
function requestBody(body: any, notes: string[]): ImportedBody | string | null {
  if (!body || typeof body !== 'object' || !body.content || typeof body.content !== 'object') return null;
  const types = Object.keys(body.content);
  if (!types.length) return null;
  const pick = (test: (t: string) => boolean) => types.find((t) => test(mediaTypeOf(t)));
  const json = pick((t) => t === 'application/json' || /\+json$/.test(t) || t === '*/*');
  const form = pick((t) => t === 'application/x-www-form-urlencoded');
  const text = pick((t) => t === 'text/plain');
  const multipart = pick((t) => t === 'multipart/form-data');
  const file = pick((t) => isFileType(t, body.content));
  const chosen = json ?? form ?? text ?? multipart ?? file;
  if (!chosen) {
    return `request body ${types.join(', ')} is not supported by the importer (JSON, form-urlencoded, text/plain, multipart/form-data and binary files are): add this operation by hand with nx g tray-connector:operation`;
  }
  const others = types.filter((t) => t !== chosen);
  if (others.length) notes.push(`request body sent as ${chosen}; also accepted by the API but not offered: ${others.join(', ')}`);
  const kind: BodyKind =
    chosen === json ? 'json' : chosen === form ? 'form' : chosen === text ? 'text' : chosen === multipart ? 'multipart' : 'file';
  const schema = (body.content[chosen]?.schema as Schema) ?? {};
  const imported: ImportedBody = {
    kind,
    mediaType: chosen === '*/*' ? 'application/json' : chosen,
    schema: kind === 'text' ? { type: 'string', description: schema.description } : schema,
    required: body.required === true,
    description: typeof body.description === 'string' ? body.description : undefined,
    key: 'body',
  };
  if (kind !== 'multipart') return imported;
  const parts = multipartParts(schema, body.content[chosen]?.encoding, notes);
  return typeof parts === 'string' ? parts : { ...imported, ...parts };
}

function mediaTypeOf(type: string): string {
  return type.toLowerCase().split(';')[0].trim();
}

/** A binary file body: octet-stream, or a media type that is not text whose schema is absent or binary. */
function isFileType(type: string, content: Record<string, any>): boolean {
  if (type === 'application/octet-stream') return true;
  if (/^(text\/|multipart\/)|json$|xml$|^application\/x-www-form-urlencoded$/.test(type) || !type.includes('/')) return false;
  const schema = Object.entries(content).find(([t]) => mediaTypeOf(t) === type)?.[1]?.schema;
  return !schema || isBinary(schema);
}

/** A schema of file content: `format: binary` (3.0), or 3.1's contentMediaType / contentEncoding on a string. */
export function isBinary(schema: Schema): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if (schema.format === 'binary' || schema.format === 'byte') return schema.format === 'binary';
  return (
    (schema.type === 'string' || schema.type === undefined) &&
    (typeof schema.contentMediaType === 'string' || schema.contentEncoding === 'binary')
  );
}

/**
 * The file and text parts of a multipart/form-data object: binary properties are files (a FileReference
 * each), the others text fields. A list of files or a part with its own headers cannot be sent by Tray's DSL.
 */
function multipartParts(schema: Schema, encoding: any, notes: string[]): { schema: Schema; files: string[] } | string {
  const properties: Record<string, Schema> = schema?.properties && typeof schema.properties === 'object' ? schema.properties : {};
  if (!Object.keys(properties).length) return 'a multipart/form-data body without declared properties: its parts are unknown';
  const required: string[] = Array.isArray(schema.required) ? schema.required : [];
  const files: string[] = [];
  const kept: Record<string, Schema> = {};
  for (const [name, property] of Object.entries(properties)) {
    const list = property?.type === 'array' && isBinary(property.items);
    if (list) {
      if (required.includes(name))
        return `multipart part ${JSON.stringify(name)} is a list of files, which Tray's http DSL cannot send (one file per part)`;
      notes.push(`optional multipart part ${JSON.stringify(name)} (a list of files) is left out: Tray's http DSL sends one file per part`);
      continue;
    }
    if (isBinary(property)) files.push(name);
    kept[name] = property;
  }
  if (encoding && typeof encoding === 'object' && Object.values(encoding).some((e: any) => e && typeof e === 'object' && e.headers))
    notes.push("multipart encoding headers are not sent: Tray's http DSL writes each part's headers itself");
  return { schema: { ...schema, properties: kept, required: required.filter((r) => r in kept) }, files };
}

/** The output from the first 2xx response (200 before 201...; then 2XX, then default when nothing else). */
function successResponse(responses: any): ImportedOperation['response'] | string {
  const entries = responses && typeof responses === 'object' ? Object.entries(responses) : [];
  const ok = entries.filter(([code]) => /^2\d\d$/.test(code)).sort(([a], [b]) => a.localeCompare(b));
  const candidates = [...ok, ...entries.filter(([code]) => /^2xx$/i.test(code))];
  if (!candidates.length) return { kind: 'none', status: 'none' };
  const [status, response] = candidates[0] as [string, any];
  const content = response?.content && typeof response.content === 'object' ? response.content : {};
  const types = Object.keys(content);
  const description = typeof response?.description === 'string' ? response.description : undefined;
  if (!types.length || status === '204') return { kind: 'none', status, description };
  const json = types.find((t) => /^application\/(.+\+)?json\b/i.test(t) || t === '*/*');
  if (json) return { kind: 'json', status, mediaType: json, schema: content[json]?.schema ?? {}, description };
  // Text-like: text/*, application/text, anything/…+text.
  const text = types.find((t) => /^text\/|^[\w.+-]+\/([\w.-]+\+)?text$/i.test(t.split(';')[0].trim()));
  if (text) return { kind: 'text', status, mediaType: text, description };
  return `the ${status} response is ${types.join(', ')}: the importer maps JSON, text and empty responses (a file response needs FileReference handling; add it by hand)`;
}

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

function sentence(name: string): string {
  const words = name.split('_').filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}
