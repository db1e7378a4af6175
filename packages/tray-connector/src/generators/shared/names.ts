import { toKebabCase } from '../../core/connector-config';

/** snake_case, as Tray names operations (and their folders): lower-case letters and digits joined by single underscores. */
export const OPERATION_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * The words lodash's `words()` finds in a name made of lower-case letters, digits and
 * separators (`get_1st_item` -> get, 1st, item; `list_contacts_v2` -> list, contacts, v, 2),
 * so type names match the ones Tray's build derives with `upperFirst(camelCase(folder))`.
 */
function words(value: string): string[] {
  return value.match(/\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])|\d+|[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** lodash `camelCase`: `list_contacts` -> `listContacts`. */
export function camelCase(value: string): string {
  return words(value)
    .map((w, i) => (i === 0 ? w.toLowerCase() : upperFirst(w.toLowerCase())))
    .join('');
}

/** lodash `upperFirst(camelCase(x))`: `list_contacts` -> `ListContacts`, the prefix of an operation's type names. */
export function pascalCase(value: string): string {
  return upperFirst(camelCase(value));
}

/** `listContacts`, `List-Contacts`, `list contacts` -> `list_contacts`. */
export function toSnakeCase(value: string): string {
  return toKebabCase(value).replace(/-/g, '_');
}

/** `acme-crm` -> `Acme Crm`; `list_contacts` -> `List contacts` (sentence case for operation titles). */
export function titleFromName(name: string, style: 'title' | 'sentence' = 'title'): string {
  const parts = name.split(/[-_\s]+/).filter(Boolean);
  return parts.map((p, i) => (style === 'title' || i === 0 ? upperFirst(p) : p)).join(' ');
}

/** `acme-crm` -> `ACME_CRM_BASE_URL`: the environment variable a connector's tests use to point its HTTP base URL at a local server. */
export function baseUrlEnvName(connectorName: string): string {
  return `${toSnakeCase(connectorName).toUpperCase()}_BASE_URL`;
}
