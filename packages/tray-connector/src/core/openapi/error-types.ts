/**
 * The TypeScript types of an operation's declared error answers (issue 29.2), written in output.ts
 * beside the output type: one type per error body schema (a schema that several statuses share, one
 * `$ref` say, is written once), and `<Operation>Error`, the union of them, which the handler reads
 * an error answer as. Spec text reaches them only as types (schema-to-typescript) and comment words.
 */
import { code, type Code, docComment, emitted, id, join } from '../connector/ts-writer';
import type { ErrorBody } from './error-responses';
import type { ImportedOperation } from './operations';
import { reserveTypeName, schemaToType, type Schema, type TypeWalk } from './schema-to-typescript';

interface ErrorType {
  name: string;
  statuses: string[];
  schema: Schema;
  descriptions: string[];
}

/** The error types of an operation: `name` is the type the handler reads an error answer as. */
export interface ErrorTypes {
  name: string;
  types: ErrorType[];
}

/**
 * The error types of `op` (undefined when it declares no JSON error body), their names kept free in
 * `walk`'s file: call it before the walk writes the output type, whose shared schemas get names too.
 */
export function planErrorTypes(op: ImportedOperation, pascal: string, walk: TypeWalk): ErrorTypes | undefined {
  const bodies: ErrorBody[] = op.errorBodies ?? [];
  if (!bodies.length) return undefined;
  const bySchema = new Map<object, ErrorType>();
  for (const body of bodies) {
    const known = bySchema.get(body.schema);
    const type = known ?? { name: '', statuses: [], schema: body.schema, descriptions: [] };
    type.statuses.push(body.status);
    if (body.description && !type.descriptions.includes(body.description)) type.descriptions.push(body.description);
    if (!known) bySchema.set(body.schema, type);
  }
  const name = `${pascal}Error`;
  const types = [...bySchema.values()];
  for (const type of types) {
    // 404 -> Error404, 4XX -> Error4XX, default -> ErrorDefault (statuses are checked: [45]\d\d, [45]XX or default).
    type.name = types.length === 1 ? name : `${name}${type.statuses[0].charAt(0).toUpperCase()}${type.statuses[0].slice(1)}`;
  }
  for (const n of [name, ...types.map((t) => t.name)]) reserveTypeName(walk, n);
  return { name, types };
}

/** The declarations of the error types (after the output type of output.ts). */
export function renderErrorTypes(op: ImportedOperation, errors: ErrorTypes, walk: TypeWalk): Code {
  const label = `${op.method.toUpperCase()} ${op.path}`;
  const union =
    errors.types.length > 1
      ? code`\n${docComment([
          `The body of an error answer of ${label}, by status (${errors.types
            .map((t) => `${t.statuses.join(', ')}: ${t.name}`)
            .join('; ')}).`,
        ])}export type ${id(errors.name)} = ${join(
          errors.types.map((t) => id(t.name)),
          ' | ',
        )};\n`
      : code``;
  const types = errors.types.map((type) => {
    const about = `The body of an error answer of ${label} (HTTP ${type.statuses.join(', ')}), as the document declares it.`;
    const doc = docComment(type.descriptions.length ? [...type.descriptions, '', about] : [about]);
    return code`\n${doc}export type ${id(type.name)} = ${emitted(schemaToType(type.schema, walk, ''))};\n`;
  });
  return code`${union}${types}`;
}
