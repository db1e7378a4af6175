import { toKebabCase } from '../../core/connector/connector-config';
import { upperFirst } from '../../core/text-case';

/** snake_case, as Tray names operations (and their folders): lower-case letters and digits joined by single underscores. */
export const OPERATION_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** lodash `camelCase` / `upperFirst(camelCase(x))`: the one implementation the schema build uses to find `<Pascal>Input` etc. */
export { camelCase, pascalCase } from '../../core/text-case';

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

/** Device names Windows reserves for a file whatever its case or extension (`con`, `NUL.txt`, `com1.yml`, `lpt9`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;

/** True when a file called `fileName` cannot be made or checked out on Windows (a reserved device name). */
export function isWindowsReservedName(fileName: string): boolean {
  return WINDOWS_RESERVED.test(fileName.trim());
}
