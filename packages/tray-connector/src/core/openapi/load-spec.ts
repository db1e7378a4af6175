import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { TrayConnectorError } from '../errors';

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

/**
 * Reads, parses (JSON or YAML) and dereferences an OpenAPI document with @apidevtools/swagger-parser,
 * including `$ref`s to other local files. Swagger 2.0 is refused with the way to convert it.
 */
export async function loadOpenApi(file: string): Promise<OpenApiDocument> {
  if (!fs.existsSync(file))
    throw new TrayConnectorError(`--spec ${file} does not exist: give the path of an OpenAPI 3.0/3.1 document (.json, .yaml or .yml)`);
  if (!fs.statSync(file).isFile()) throw new TrayConnectorError(`--spec ${file} is not a file`);
  // Loaded lazily: only the import generator needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const SwaggerParser = require('@apidevtools/swagger-parser') as typeof import('@apidevtools/swagger-parser');
  let doc: any;
  try {
    // One pass: parse (JSON or YAML) and resolve every $ref, relative ones against the file's folder.
    doc = await SwaggerParser.dereference(file, { dereference: { circular: true } });
  } catch (e) {
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

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
