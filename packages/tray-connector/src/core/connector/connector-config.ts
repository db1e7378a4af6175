import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError, ValidationError } from '../errors';

/** The fields of `connector.json` this plugin reads (Tray's file may carry more; they are kept). */
export interface ConnectorConfig {
  name: string;
  version: string;
  title: string;
  description?: string;
  service?: { name: string; version: string };
  tags?: string[];
  isTrigger?: boolean;
  [key: string]: unknown;
}

export const CONNECTOR_FILE = 'connector.json';

/** kebab-case: lower-case letters and digits in groups joined by single hyphens. Safe in a URL path. */
export const CONNECTOR_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** MAJOR.MINOR, as Tray's API takes it. */
export const CONNECTOR_VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** `Acme CRM_v2` -> `acme-crm-v2`: the kebab-case form to suggest for a name that isn't. */
export function toKebabCase(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** Problems with a connector name, or [] when it is fit for Tray (and a URL path). */
export function connectorNameProblems(name: unknown): string[] {
  if (typeof name !== 'string' || name.length === 0) return ['"name" is missing: give the connector a kebab-case name, e.g. "acme-crm"'];
  if (!CONNECTOR_NAME_PATTERN.test(name)) {
    const suggestion = toKebabCase(name);
    return [
      `"name" must be kebab-case (lower-case letters, digits and single hyphens; it goes into the deployment URL): got ${JSON.stringify(name)}` +
        (suggestion && CONNECTOR_NAME_PATTERN.test(suggestion) ? `, use ${JSON.stringify(suggestion)}` : ''),
    ];
  }
  return [];
}

export function connectorVersionProblems(version: unknown): string[] {
  if (typeof version !== 'string' || version.length === 0) return ['"version" is missing: Tray connectors use "MAJOR.MINOR", e.g. "1.0"'];
  if (!CONNECTOR_VERSION_PATTERN.test(version)) {
    return [`"version" must be "MAJOR.MINOR" (e.g. "1.0"), as Tray's deployment API takes it: got ${JSON.stringify(version)}`];
  }
  return [];
}

/** Every problem of a parsed connector.json, [] when valid. */
export function validateConnectorConfig(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['must be a JSON object with "name", "version" and "title"'];
  }
  const config = value as Record<string, unknown>;
  const problems = [...connectorNameProblems(config.name), ...connectorVersionProblems(config.version)];
  if (typeof config.title !== 'string' || config.title.trim() === '') {
    problems.push('"title" is missing: it is the name users see in Tray\'s builder, e.g. "Acme CRM"');
  }
  if (config.tags !== undefined && (!Array.isArray(config.tags) || config.tags.some((t) => typeof t !== 'string'))) {
    problems.push('"tags" must be an array of strings');
  }
  if (config.isTrigger !== undefined && typeof config.isTrigger !== 'boolean') {
    problems.push('"isTrigger" must be true or false');
  }
  return problems;
}

/**
 * Reads and validates `<connectorDir>/connector.json`. Throws a ValidationError naming
 * the file and every bad field, or a TrayConnectorError when the file is missing or not JSON.
 */
export function readConnectorConfig(connectorDir: string): ConnectorConfig {
  const file = path.join(connectorDir, CONNECTOR_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new TrayConnectorError(`${file} not found: a Tray connector needs a connector.json at its root`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TrayConnectorError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const problems = validateConnectorConfig(parsed);
  if (problems.length) throw new ValidationError(file, problems);
  return parsed as ConnectorConfig;
}
