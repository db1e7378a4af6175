import { TrayConnectorError } from '../errors';

/**
 * The most objects and arrays a Swagger 2.0 document may expand to before it is bundled and converted
 * (shared YAML aliases counted at each use, as the bundler and the converter walk them): far above any
 * real spec (GitHub's, 1,221 operations, has about 90,000), far below a YAML alias bomb's billions.
 */
export const SWAGGER2_MAX_NODES = 2_000_000;
/** The deepest nesting a Swagger 2.0 document may have before it is converted (the converter recurses). */
export const SWAGGER2_MAX_DEPTH = 500;

/**
 * Refuses a document (the spec, or a file its `$ref`s read) that the bundler and the converter could
 * not walk in bounded time and stack: too many objects once expanded, or too deep.
 */
export function checkSwagger2Size(doc: unknown, file: string, limits = { nodes: SWAGGER2_MAX_NODES, depth: SWAGGER2_MAX_DEPTH }): void {
  let nodes = 0;
  const stack: Array<[unknown, number]> = [[doc, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (++nodes > limits.nodes || depth > limits.depth) {
      throw new TrayConnectorError(
        `--spec ${file}: the Swagger 2.0 document ${nodes > limits.nodes ? `expands to more than ${limits.nodes} objects` : `nests deeper than ${limits.depth} levels`} ` +
          'before conversion (a YAML alias bomb?): it is not converted. Simplify it, or convert it to OpenAPI 3 yourself and import that.',
      );
    }
    for (const child of Object.values(value)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

/**
 * A Swagger 2.0 document (bundled: its `$ref`s all inside it, what the confined loader read) converted
 * to OpenAPI 3.0 by swagger2openapi, with nothing fetched or read: its resolver is off (`resolve`,
 * `resolveInternal` false) and any fetch it might attempt is refused. The result is untrusted data,
 * as the document was: the caller dereferences it through the same confined loader.
 */
export async function convertSwagger2(
  bundled: Record<string, unknown>,
  file: string,
  limits = { nodes: SWAGGER2_MAX_NODES, depth: SWAGGER2_MAX_DEPTH },
): Promise<Record<string, any>> {
  checkSwagger2Size(bundled, file, limits);
  // Loaded lazily: only a Swagger 2.0 import needs it.
  const swagger2openapi = require('swagger2openapi') as {
    convertObj(doc: object, options: Record<string, unknown>): Promise<Record<string, any>>;
  };
  let converted: Record<string, any>;
  try {
    converted = await swagger2openapi.convertObj(bundled, {
      direct: true,
      patch: true,
      resolve: false,
      resolveInternal: false,
      origin: false,
      // The document as text is only for the converter's messages: not worth a second serialisation.
      text: '(the Swagger 2.0 document)',
      fetch: (url: string) => Promise.reject(new Error(`the Swagger 2.0 converter may not fetch anything (asked for ${url})`)),
    });
  } catch (e) {
    const message = String(e instanceof Error ? e.message : e).split('\n')[0];
    throw new TrayConnectorError(
      `--spec ${file}: the Swagger 2.0 document could not be converted to OpenAPI 3.0 (swagger2openapi): ${message}`,
    );
  }
  if (!converted || typeof converted !== 'object' || typeof converted.openapi !== 'string' || !converted.openapi.startsWith('3.0.')) {
    throw new TrayConnectorError(`--spec ${file}: converting the Swagger 2.0 document gave no OpenAPI 3.0 document`);
  }
  return converted;
}
