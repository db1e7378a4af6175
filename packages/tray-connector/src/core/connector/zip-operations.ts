import AdmZip from 'adm-zip';
import * as fs from 'fs';
import { TrayConnectorError } from '../errors';

/**
 * One operation of a built connector zip, in the shape Tray's Connectivity API lists a deployed
 * version's operations: `name`/`title`/`description` from `operation.json`, the schemas from
 * `input.json`/`output.json` (what Tray serves as `inputSchema`/`outputSchema`).
 */
export interface ZipOperation {
  name: string;
  title: string;
  description: string;
  inputSchema: unknown;
  outputSchema: unknown;
  /** The operation's folder under `<top>/src/`. */
  folder: string;
}

/** Largest operation.json / input.json / output.json read from a zip (a schema is a few KiB; this bounds a hostile zip). */
export const MAX_ZIP_JSON_BYTES = 8 * 1024 * 1024;

const OPERATION_JSON = /^([^/]+)\/src\/([^/]+)\/operation\.json$/;

/**
 * The operations of a built `.tray/connector.zip`: every folder directly under `<top>/src/` holding
 * `operation.json` (Tray's rule), sorted by folder. Throws a TrayConnectorError naming the zip and
 * the entry when the zip is missing or unreadable, or an operation's file is missing, too large or
 * not JSON (a zip the build wrote always has them: rebuild it).
 */
export function readZipOperations(zipPath: string): ZipOperation[] {
  if (!fs.existsSync(zipPath) || !fs.statSync(zipPath).isFile()) {
    throw new TrayConnectorError(`The connector zip ${zipPath} does not exist: build it first (nx run <project>:build)`);
  }
  let entries: Map<string, AdmZip.IZipEntry>;
  try {
    entries = new Map(new AdmZip(zipPath).getEntries().map((e) => [e.entryName, e]));
  } catch (e) {
    throw new TrayConnectorError(`${zipPath} is not a readable zip archive (${(e as Error).message}): rebuild it`);
  }
  const tops = new Set([...entries.keys()].map((n) => n.split('/')[0]));
  if (tops.size !== 1) {
    throw new TrayConnectorError(`${zipPath} must hold a single top folder named after the connector; found ${tops.size}: rebuild it`);
  }
  const json = (entryName: string, requireObject: boolean): unknown => {
    const entry = entries.get(entryName);
    if (!entry || entry.isDirectory) throw new TrayConnectorError(`${zipPath} has no ${entryName}: rebuild it`);
    if (entry.header.size > MAX_ZIP_JSON_BYTES) {
      throw new TrayConnectorError(`${entryName} inside ${zipPath} is larger than ${MAX_ZIP_JSON_BYTES} bytes: rebuild it`);
    }
    let value: unknown;
    try {
      value = JSON.parse(entry.getData().toString('utf8'));
    } catch {
      throw new TrayConnectorError(`${entryName} inside ${zipPath} is not valid JSON: rebuild it`);
    }
    if (requireObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new TrayConnectorError(`${entryName} inside ${zipPath} must be a JSON object: fix it and rebuild`);
    }
    return value;
  };
  const operations: ZipOperation[] = [];
  for (const entryName of [...entries.keys()].sort()) {
    const m = OPERATION_JSON.exec(entryName);
    if (!m) continue;
    const dir = `${m[1]}/src/${m[2]}/`;
    const meta = json(entryName, true) as Record<string, unknown>;
    const text = (key: string, fallback: string) => (typeof meta[key] === 'string' ? (meta[key] as string) : fallback);
    operations.push({
      name: text('name', m[2]),
      title: text('title', ''),
      description: text('description', ''),
      inputSchema: json(`${dir}input.json`, false),
      outputSchema: json(`${dir}output.json`, false),
      folder: m[2],
    });
  }
  return operations.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}
