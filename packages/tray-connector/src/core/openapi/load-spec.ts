import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { TrayConnectorError } from '../errors';
import { checkSwagger2Size, convertSwagger2 } from './convert-swagger2';
import { confinedResolver, findRef, type RefPolicy, type RefRefusal } from './ref-resolver';
import { rememberRefName } from './ref-names';

/** A parsed, dereferenced OpenAPI 3.0/3.1 document (every `$ref`, local or to another file, resolved; Swagger 2.0 converted to 3.0). */
export type OpenApiDocument = Record<string, any> & { openapi: string; paths?: Record<string, any> };

/** `--spec` as an absolute file path: a path (relative to `cwd`) or a `file:` URL. Other URLs are refused: the import reads local files only. */
export function specPath(spec: string, cwd: string): string {
  const value = (spec ?? '').trim();
  if (!value) throw new TrayConnectorError('No OpenAPI document given: pass --spec=<path to a .json/.yaml file> (or a file: URL)');
  if (/^file:/i.test(value)) {
    try {
      return fileURLToPath(value);
    } catch (e) {
      throw new TrayConnectorError(`--spec ${value} is not a valid file URL: ${(e as Error).message}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new TrayConnectorError(`--spec ${value}: only local files are read (a path or a file: URL); download the document first`);
  }
  return path.resolve(cwd, value);
}

/** The time limit for all the remote `$ref`s of one import together, when none is given (seconds). */
export const DEFAULT_REMOTE_REFS_TIMEOUT = 30;
/** The largest document one remote `$ref` may return. */
export const REMOTE_REF_MAX_BYTES = 10 * 1024 * 1024;

export interface LoadOptions {
  /** Fetch http(s) `$ref`s (from public addresses only). Default false: they are refused. */
  allowRemoteRefs?: boolean;
  /** One time limit for every remote `$ref` together, in seconds. Default DEFAULT_REMOTE_REFS_TIMEOUT. */
  remoteRefsTimeout?: number;
  /** Tests only: which addresses remote `$ref`s may connect to (default: public unicast only). */
  forbiddenAddress?: (address: string) => string | undefined;
}

/**
 * Reads, parses (JSON or YAML) and dereferences an OpenAPI document with @apidevtools/swagger-parser.
 * `$ref`s read files inside the spec's folder tree only (symlinks resolved first); remote ones are
 * refused unless `allowRemoteRefs`, then fetched from public addresses within one time limit.
 * Shared `$ref`s stay shared objects (their names are remembered for the generated types).
 * Swagger 2.0 is read the same way (bundled: its other files inlined), converted to OpenAPI 3.0 by
 * swagger2openapi with nothing fetched (convert-swagger2.ts), and the result dereferenced as above.
 */
export async function loadOpenApi(file: string, options: LoadOptions = {}): Promise<OpenApiDocument> {
  if (!fs.existsSync(file))
    throw new TrayConnectorError(
      `--spec ${file} does not exist: give the path of an OpenAPI 3.0/3.1 or Swagger 2.0 document (.json, .yaml or .yml)`,
    );
  if (!fs.statSync(file).isFile()) throw new TrayConnectorError(`--spec ${file} is not a file`);
  const seconds = remoteRefsTimeout(options.remoteRefsTimeout);
  // One time limit for every remote $ref of the import, however many passes read them.
  const remote = options.allowRemoteRefs
    ? { endsAt: Date.now() + seconds * 1000, seconds, maxBytes: REMOTE_REF_MAX_BYTES, forbidden: options.forbiddenAddress }
    : undefined;
  const dereference = { circular: true, onDereference: (ref: string, value: unknown) => rememberRefName(value, ref) };
  // One pass: parse (JSON or YAML) and resolve every $ref through the confined resolver only.
  let doc: any = await confinedRead(file, remote, (parser, resolve) => parser.dereference(file, { resolve, dereference } as ParserOptions));
  if (doc && typeof doc.swagger === 'string') {
    // Read again without resolving $refs in place (the converter rewrites #/definitions/... refs), convert, then dereference the result.
    // Every file read is sized first: the bundler would walk a YAML alias bomb's every path.
    const files = await confinedRead(file, remote, async (parser, resolve) =>
      (await parser.resolve(file, { resolve } as ParserOptions)).values(),
    );
    for (const value of Object.values(files as Record<string, unknown>)) checkSwagger2Size(value, file);
    const bundled = await confinedRead(file, remote, (parser, resolve) => parser.bundle(file, { resolve } as ParserOptions));
    const converted = await convertSwagger2(bundled as Record<string, unknown>, file);
    doc = await confinedRead(file, remote, (parser, resolve) =>
      parser.dereference(file, converted as never, { resolve, dereference } as ParserOptions),
    );
  }
  if (!doc || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi)) {
    throw new TrayConnectorError(
      `--spec ${file} is not an OpenAPI 3.0/3.1 document: its "openapi" field is ${JSON.stringify(doc?.openapi)} (expected e.g. "3.0.3" or "3.1.0")`,
    );
  }
  return doc as OpenApiDocument;
}

type SwaggerParserInstance = InstanceType<typeof import('@apidevtools/swagger-parser')>;
type ParserOptions = import('@apidevtools/swagger-parser').Options;

/**
 * Runs one read of the spec (`read`: dereference or bundle) with a fresh parser whose only resolver
 * is the confined one (the parser's own file and http resolvers off); a refused `$ref` or a parse
 * failure becomes an error naming the file (and the `$ref`).
 */
async function confinedRead(
  file: string,
  remote: RefPolicy['remote'],
  read: (parser: SwaggerParserInstance, resolve: Record<string, unknown>) => Promise<unknown>,
): Promise<any> {
  // Loaded lazily: only the import generator needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const SwaggerParser = require('@apidevtools/swagger-parser') as typeof import('@apidevtools/swagger-parser');
  const parser = new SwaggerParser();
  let refusal: RefRefusal | undefined;
  const resolver = confinedResolver({ specFile: file, remote }, (r) => (refusal ??= r));
  try {
    return await read(parser, { file: false, http: false, confined: resolver });
  } catch (e) {
    if (refusal) throw refusedError(file, refusal, parser);
    if (e instanceof TrayConnectorError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ERESOLVER' || code === 'EMISSINGPOINTER' || code === 'EUNMATCHEDRESOLVER') {
      throw new TrayConnectorError(`--spec ${file}: a $ref could not be resolved: ${firstLine(e)}`);
    }
    throw new TrayConnectorError(`--spec ${file} could not be read as an OpenAPI document: ${firstLine(e)}`);
  }
}

function remoteRefsTimeout(value: number | undefined): number {
  if (value === undefined || value === null) return DEFAULT_REMOTE_REFS_TIMEOUT;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new TrayConnectorError(`--remoteRefsTimeout ${JSON.stringify(value)} must be a number of seconds above 0 and at most 600`);
  }
  return seconds;
}

/** The error for a refused `$ref`: the `$ref` as written and the file it is in, when the parser had read that file. */
function refusedError(file: string, refusal: RefRefusal, parser: { $refs: { values(): object } }): TrayConnectorError {
  let where: { ref: string; in: string } | undefined;
  try {
    where = findRef(parser.$refs.values() as Record<string, unknown>, refusal.target);
  } catch {
    where = undefined;
  }
  const what = where ? `$ref ${JSON.stringify(where.ref)} in ${where.in}` : `a $ref to ${refusal.target}`;
  return new TrayConnectorError(`--spec ${file}: ${what} is refused: ${refusal.reason}`);
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
