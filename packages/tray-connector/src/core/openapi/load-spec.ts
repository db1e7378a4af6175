import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { TrayConnectorError } from '../errors';
import { confinedResolver, findRef, type RefRefusal } from './ref-resolver';
import { rememberRefName } from './ref-names';

/** A parsed, dereferenced OpenAPI 3.0/3.1 document (every `$ref`, local or to another file, resolved). */
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
 * Swagger 2.0 is refused with the way to convert it.
 */
export async function loadOpenApi(file: string, options: LoadOptions = {}): Promise<OpenApiDocument> {
  if (!fs.existsSync(file))
    throw new TrayConnectorError(`--spec ${file} does not exist: give the path of an OpenAPI 3.0/3.1 document (.json, .yaml or .yml)`);
  if (!fs.statSync(file).isFile()) throw new TrayConnectorError(`--spec ${file} is not a file`);
  const seconds = remoteRefsTimeout(options.remoteRefsTimeout);
  // Loaded lazily: only the import generator needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const SwaggerParser = require('@apidevtools/swagger-parser') as typeof import('@apidevtools/swagger-parser');
  const parser = new SwaggerParser();
  let refusal: RefRefusal | undefined;
  const resolver = confinedResolver(
    {
      specFile: file,
      remote: options.allowRemoteRefs
        ? { endsAt: Date.now() + seconds * 1000, seconds, maxBytes: REMOTE_REF_MAX_BYTES, forbidden: options.forbiddenAddress }
        : undefined,
    },
    (r) => (refusal ??= r),
  );
  let doc: any;
  try {
    // One pass: parse (JSON or YAML) and resolve every $ref through the confined resolver only.
    doc = await parser.dereference(file, {
      resolve: { file: false, http: false, confined: resolver } as any,
      dereference: { circular: true, onDereference: (ref: string, value: unknown) => rememberRefName(value, ref) } as any,
    });
  } catch (e) {
    if (refusal) throw refusedError(file, refusal, parser);
    const code = (e as { code?: string }).code;
    if (code === 'ERESOLVER' || code === 'EMISSINGPOINTER' || code === 'EUNMATCHEDRESOLVER') {
      throw new TrayConnectorError(`--spec ${file}: a $ref could not be resolved: ${firstLine(e)}`);
    }
    throw new TrayConnectorError(`--spec ${file} could not be read as an OpenAPI document: ${firstLine(e)}`);
  }
  if (doc && typeof doc.swagger === 'string') {
    throw new TrayConnectorError(
      `--spec ${file} is Swagger ${doc.swagger}, not OpenAPI 3: the import reads OpenAPI 3.0 and 3.1 only. Convert it first, e.g. \`npx swagger2openapi ${path.basename(file)} -o openapi.json\`, then import openapi.json`,
    );
  }
  if (!doc || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi)) {
    throw new TrayConnectorError(
      `--spec ${file} is not an OpenAPI 3.0/3.1 document: its "openapi" field is ${JSON.stringify(doc?.openapi)} (expected e.g. "3.0.3" or "3.1.0")`,
    );
  }
  return doc as OpenApiDocument;
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
