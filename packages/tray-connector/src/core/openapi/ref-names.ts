/**
 * The `$ref` each dereferenced schema object came from (`#/components/schemas/Pet`), remembered
 * while the spec is dereferenced, so that a schema the walk meets more than once can become a
 * named type (`Pet`) instead of being written out again. Keyed by the object: nothing is added
 * to the document itself.
 */
const names = new WeakMap<object, string>();

export function rememberRefName(value: unknown, ref: string): void {
  if (value && typeof value === 'object' && typeof ref === 'string' && !names.has(value)) names.set(value, ref);
}

/** The `$ref` `schema` was reached through, if any. */
export function refNameOf(schema: object): string | undefined {
  return names.get(schema);
}
