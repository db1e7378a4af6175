import { camelCase, startCase } from '../../text-case';

/**
 * Tray's post-processing of a typescript-json-schema result (the rules of
 * `@trayio/tray-schema`'s TJSTraySchemaGenerator, re-implemented): Tray's builder
 * writes the result with `JSON.stringify`, so key order matters and follows the
 * same sequence of operations.
 *
 * On every node, top-down:
 * - `allOf` parts are merged into the node (arrays concatenated, objects shallow-merged,
 *   anything else overwritten) and `allOf` removed;
 * - a node with `properties` gets `advanced`: the names of the properties marked `@advanced true`
 *   (the per-property flag is removed);
 * - then on every object-valued child (arrays included): `lookupOperation` + `lookupInput`
 *   (+ `lookupAuthRequired`) become `lookup`, a string `enumLabels` is split on ", ", an `enum`
 *   without labels gets generated labels, `anyOf` becomes `oneOf`; and the child is walked.
 */

export type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null;
}

function mergeAllOf(node: JsonObject): void {
  if (!Array.isArray(node.allOf)) return;
  for (const part of node.allOf) {
    if (!isObject(part)) continue;
    for (const [key, value] of Object.entries(part)) {
      const current = node[key];
      if (Array.isArray(value)) {
        node[key] = current ? [...(current as unknown[]), ...value] : value;
      } else if (isObject(value)) {
        node[key] = Object.assign({}, current, value);
      } else {
        node[key] = value;
      }
    }
  }
  delete node.allOf;
}

function collectAdvanced(node: JsonObject): void {
  if (!Object.prototype.hasOwnProperty.call(node, 'properties') || node.properties === null) return;
  const advanced: string[] = [];
  node.advanced = advanced;
  if (!isObject(node.properties)) return;
  for (const [name, property] of Object.entries(node.properties)) {
    if (!isObject(property)) continue;
    if (property.advanced === true) advanced.push(name);
    delete property.advanced;
  }
}

function toLookup(node: JsonObject): void {
  if (!node.lookupOperation || !node.lookupInput) return;
  node.lookup = { operation: node.lookupOperation, input: node.lookupInput, authRequired: node.lookupAuthRequired };
  delete node.lookupOperation;
  delete node.lookupInput;
  delete node.lookupAuthRequired;
}

function splitEnumLabels(node: JsonObject): void {
  if (node.enumLabels && typeof node.enumLabels === 'string') node.enumLabels = node.enumLabels.split(', ');
}

/** The label Tray shows for an enum value without `@enumLabels`. */
export function enumLabel(value: unknown): string {
  return typeof value === 'string' ? startCase(camelCase(value)) : String(value);
}

function addEnumLabels(node: JsonObject): void {
  if (node.enum && !node.enumLabels && Array.isArray(node.enum)) node.enumLabels = node.enum.map(enumLabel);
}

function anyOfToOneOf(node: JsonObject): void {
  if (!node.anyOf) return;
  node.oneOf = node.anyOf;
  delete node.anyOf;
}

function walk(node: JsonObject): void {
  mergeAllOf(node);
  collectAdvanced(node);
  for (const value of Object.values(node)) {
    if (!isObject(value)) continue;
    toLookup(value);
    splitEnumLabels(value);
    addEnumLabels(value);
    anyOfToOneOf(value);
    walk(value);
  }
}

/** Applies Tray's rules to a JSON schema, in place, and returns it. */
export function toTraySchema<T extends object>(schema: T): T {
  walk(schema as JsonObject);
  return schema;
}
