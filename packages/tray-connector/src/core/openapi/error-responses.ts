import type { ErrorField, ErrorShape } from './files/api-error';
import type { Schema } from './schema-to-typescript';

/** Property names that hold an API's words about an error, most telling first. */
const MESSAGE_NAMES = [
  'message',
  'error_description',
  'errorMessage',
  'error_message',
  'detail',
  'details',
  'msg',
  'err',
  'error',
  'title',
  'reason',
  'description',
];
/** Property names that hold an API's own error code. */
const CODE_NAMES = ['code', 'error_code', 'errorCode'];
/** Objects (or lists of objects) in which an API nests its error words: `{error: {message}}`, `{errors: [{detail}]}`. */
const NESTS = ['error', 'err', 'errors', 'fault'];

const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const ERROR_STATUS = /^([45]\d\d|[45]XX|default)$/i;

/** A declared error answer with a JSON body: its status (`404`, `4XX`, `default`), the body's schema, the response's description. */
export interface ErrorBody {
  status: string;
  schema: Schema;
  description?: string;
}

/**
 * The error answers of an operation with a JSON body schema, in document order: explicit codes first,
 * then classes (4XX), then `default` (the order `shapeFor` of files/api-error.ts looks them up in).
 */
export function errorBodies(responses: unknown): ErrorBody[] {
  if (!responses || typeof responses !== 'object') return [];
  const bodies: ErrorBody[] = [];
  for (const [status, response] of Object.entries(responses as Record<string, any>)) {
    if (!ERROR_STATUS.test(status) || !response || typeof response !== 'object') continue;
    const content = response.content && typeof response.content === 'object' ? response.content : {};
    const type = Object.keys(content).find((t) => JSON_TYPE.test(t));
    const schema = type ? content[type]?.schema : undefined;
    if (!schema || typeof schema !== 'object') continue;
    const description = typeof response.description === 'string' && response.description.trim() ? response.description.trim() : undefined;
    bodies.push({
      status: status.toLowerCase() === 'default' ? 'default' : status.toUpperCase(),
      schema,
      ...(description ? { description } : {}),
    });
  }
  const rank = (s: ErrorBody) => (/^\d+$/.test(s.status) ? 0 : s.status === 'default' ? 2 : 1);
  return bodies
    .map((s, i) => [s, i] as const)
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([s]) => s);
}

/**
 * The error answers of an operation whose JSON schema declares where the API's words are, in the
 * order of `errorBodies`. Only declared properties count.
 */
export function errorShapes(responses: unknown): ErrorShape[] {
  return errorBodies(responses).flatMap((body) => shapeOf(body.status, body.schema) ?? []);
}

function shapeOf(status: string, schema: Schema): ErrorShape | undefined {
  const message: ErrorField[] = [];
  let code: ErrorField | undefined;
  const top = properties(schema);
  const visit = (props: Record<string, Schema>, prefix: ErrorField) => {
    for (const name of MESSAGE_NAMES) if (name in props && isText(props[name])) message.push([...prefix, name]);
    for (const name of CODE_NAMES) if (!code && name in props && isScalar(props[name])) code = [...prefix, name];
  };
  visit(top, []);
  for (const nest of NESTS) {
    const inner = top[nest];
    if (!inner || typeof inner !== 'object') continue;
    if (inner.type === 'array' || (!inner.type && inner.items)) visit(properties(inner.items ?? {}), [nest, 0]);
    else visit(properties(inner), [nest]);
  }
  return message.length || code ? { status, message, ...(code ? { code } : {}) } : undefined;
}

/** The declared properties of an object schema, its `allOf` parts merged (own keys only). */
function properties(schema: Schema): Record<string, Schema> {
  const out: Record<string, Schema> = Object.create(null);
  const add = (s: Schema) => {
    if (!s || typeof s !== 'object' || !s.properties || typeof s.properties !== 'object') return;
    for (const [k, v] of Object.entries(s.properties)) if (v && typeof v === 'object') out[k] = v as Schema;
  };
  add(schema);
  if (Array.isArray(schema?.allOf)) schema.allOf.forEach(add);
  return out;
}

function types(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type.filter((t: unknown) => typeof t === 'string');
  if (typeof schema.type === 'string') return [schema.type];
  const alternatives = [...(Array.isArray(schema.oneOf) ? schema.oneOf : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf : [])];
  return alternatives.flatMap((s) => (s && typeof s === 'object' ? types(s) : []));
}

function isText(schema: Schema): boolean {
  return types(schema).includes('string');
}

function isScalar(schema: Schema): boolean {
  return types(schema).some((t) => t === 'string' || t === 'integer' || t === 'number');
}
