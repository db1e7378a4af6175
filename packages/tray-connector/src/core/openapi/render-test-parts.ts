// Parts of an imported operation that depend on its auth, its error answers and its file bodies: the input
// type of a file body, and what the generated test sends and checks for each.
import { code, type Code, member, str } from '../connector/ts-writer';
import { apiErrorMessage, type ErrorField } from './files/api-error';
import { encode } from './files/http-parameters';
import type { ImportedBody, ImportedOperation } from './operations';
import { jsDoc, sampleValue, schemaToType, type Schema, type TypeWalk } from './schema-to-typescript';
import { propertyName } from '../connector/ts-writer';

/** How requests authenticate (from the connector's GlobalConfig.ts and its handlers): what the generated test checks. */
export interface HandlerAuth {
  /** Name of the query parameter carrying `ctx.auth.user.access_token`, when the API takes its key there. */
  apiKeyQuery?: string;
  /** How the credential reaches every request; absent: the test does not check it (an existing connector's own auth). */
  sent?: { via: 'bearer' | 'header' | 'query' | 'cookie' | 'basic'; name?: string };
}

/** The path of the stand-in's file, which the sample input's file references point at. */
export const STAND_IN_FILE = '/__stand-in-file__';

/** The TypeScript type of a file body (a FileReference) or a multipart body (files as FileReferences, fields as their schemas). */
export function fileInput(body: ImportedBody, walk: TypeWalk): string {
  if (body.kind === 'file') return 'FileReference';
  const required = new Set<string>(Array.isArray(body.schema.required) ? body.schema.required : []);
  const files = new Set(body.files ?? []);
  const lines = Object.entries((body.schema.properties ?? {}) as Record<string, Schema>).map(([name, schema]) => {
    const type = files.has(name) ? 'FileReference' : schemaToType(schema, walk, '\t\t');
    const part = `A file (FileReference), sent as the multipart part \`${name}\`.`;
    const description =
      typeof schema?.description === 'string' && schema.description.trim() ? `${schema.description.trim()}\n\n${part}` : part;
    const doc = jsDoc(files.has(name) ? undefined : schema, '\t\t', files.has(name) ? description : undefined);
    return `${doc}\t\t${propertyName(name, 'type').text}${required.has(name) ? '' : '?'}: ${type};`;
  });
  return `{\n${lines.join('\n')}\n\t}`;
}

/** A sample file reference; the test points its url at the stand-in. */
const fileSample = (name: string) => ({ name: `${name}.bin`, url: '', mime_type: 'application/octet-stream', expires: 0 });

/** The sample value of a file or multipart body (every part, optional ones too), and where its file references are. */
export function fileBodySample(body: ImportedBody): { value: unknown; files: ErrorField[] } {
  if (body.kind === 'file') return { value: fileSample('body'), files: [[body.key]] };
  const value: Record<string, unknown> = {};
  const files = new Set(body.files ?? []);
  for (const [name, schema] of Object.entries((body.schema.properties ?? {}) as Record<string, Schema>)) {
    const sample = files.has(name) ? fileSample(name) : sampleValue(schema, 'input', name);
    Object.defineProperty(value, name, { value: sample, enumerable: true, writable: true, configurable: true });
  }
  return { value, files: [...files].map((name) => [body.key, name]) };
}

/** The checks of a request that carries files: the exact bytes (octet-stream), or each part (multipart). */
export function fileTest(op: ImportedOperation, input: Record<string, unknown>): Code[] {
  const body = op.body!;
  if (body.kind === 'file') {
    const type = body.mediaType.includes('*') ? 'application/octet-stream' : body.mediaType;
    return [code`expect(request.headers['content-type']).toBe(${str(type)});`, code`expect(request.raw.equals(FILE_BYTES)).toBe(true);`];
  }
  const checks: Code[] = [code`expect(request.headers['content-type']).toMatch(/^multipart\\/form-data; boundary=/);`];
  const files = new Set(body.files ?? []);
  const sample = (input[body.key] ?? {}) as Record<string, unknown>;
  for (const [name, part] of Object.entries(sample)) {
    const disposition = `Content-Disposition: form-data; name="${name}"`;
    if (files.has(name)) {
      checks.push(code`expect(request.body).toContain(${str(disposition)});`);
      checks.push(code`expect(partBytes(request.raw, ${str(name)}).equals(FILE_BYTES)).toBe(true);`);
    } else if (part !== undefined && part !== null) {
      const text = typeof part === 'object' ? JSON.stringify(part) : String(part);
      checks.push(code`expect(partBytes(request.raw, ${str(name)}).toString('utf8')).toBe(${str(text)});`);
    }
  }
  return checks;
}

/** The checks that the request carries the credential of the test context (src/test.ctx.json), as GlobalConfig.ts sends it. */
export function authChecks(auth: HandlerAuth): Code[] {
  if (!auth.sent) return [];
  const token = code`ctx.auth?.user.access_token ?? ''`;
  const { via, name } = auth.sent;
  if (via === 'bearer') return [code`expect(request.headers['authorization']).toBe('Bearer ' + (${token}));`];
  if (via === 'basic') {
    return [
      code`expect(request.headers['authorization']).toBe('Basic ' + Buffer.from((ctx.auth?.user.username ?? '') + ':' + (ctx.auth?.user.password ?? '')).toString('base64'));`,
    ];
  }
  if (via === 'header') return [code`expect(request.headers[${str(name!.toLowerCase())}]).toBe(${token});`];
  if (via === 'query') return [code`expect(new URL(request.url ?? '', 'http://stand-in').searchParams.get(${str(name!)})).toBe(${token});`];
  return [code`expect(request.headers['cookie']).toContain(${str(`${encode(name!)}=`)} + encodeURIComponent(${token}));`];
}

/**
 * The declared error answers whose words can reach the failure. Tray's runtime hands the error handling
 * the body of an error answer only when it parses the response as JSON: a JSON or empty response (the
 * handler parses an empty one as JSON too), never a text one.
 */
export function readableErrors(op: ImportedOperation): ImportedOperation['errors'] {
  return op.response.kind === 'text' ? [] : (op.errors ?? []);
}

/** The error answer the test's stand-in gives, and the failure message the handler must make of it. */
export function errorCase(op: ImportedOperation): { status: number; body: unknown; message: string } {
  const label = `${op.method.toUpperCase()} ${op.path}`;
  const shapes = readableErrors(op) ?? [];
  const shape = shapes[0];
  const status = !shape
    ? 500
    : /^\d+$/.test(shape.status)
      ? Number(shape.status)
      : shape.status === 'default'
        ? 500
        : Number(`${shape.status[0]}00`);
  let body: unknown = { message: 'stand-in failure' };
  if (shape) {
    body = undefined;
    // Words with a control character and a line break: the message keeps the words, not them.
    shape.message.forEach((field, i) => (body = setField(body, field, `The stand-in\u0007 refuses\n(${i + 1})`)));
    if (shape.code) body = setField(body, shape.code, 'stand_in_code');
  }
  return { status, body, message: apiErrorMessage(label, status, body, shapes) };
}

/** `root` with `value` at `field`, making the objects and lists on the way (own properties only). */
function setField(root: unknown, field: ErrorField, value: unknown): unknown {
  if (!field.length) return root === undefined ? value : root;
  const [step, ...rest] = field;
  const container: any = root !== undefined ? root : typeof step === 'number' ? [] : {};
  if (typeof container !== 'object' || container === null) return root;
  const next = setField(Object.prototype.hasOwnProperty.call(container, step) ? container[step] : undefined, rest, value);
  Object.defineProperty(container, step, { value: next, enumerable: true, writable: true, configurable: true });
  return container;
}

/** `input.body.file` for a file reference at `field` of the sample input. */
export function fileMember(field: ErrorField): Code {
  return field.reduce<Code>((object, step) => member(object, String(step)), code`copy`);
}
