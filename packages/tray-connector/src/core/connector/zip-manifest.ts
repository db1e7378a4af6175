import AdmZip from 'adm-zip';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { TrayConnectorError } from '../errors';

/** What a connector zip says it is: its single top folder and the name/version of its connector.json. */
export interface ZipManifest {
  topFolder: string;
  name: unknown;
  version: unknown;
  entries: number;
}

/**
 * Reads `<top>/connector.json` from a connector zip (the layout Tray takes: one top folder).
 * Throws a TrayConnectorError naming the zip when it is missing, not a zip, or laid out otherwise.
 */
export function readZipManifest(zipPath: string): ZipManifest {
  if (!fs.existsSync(zipPath)) {
    throw new TrayConnectorError(
      `The connector zip ${zipPath} does not exist: build it first (nx run <project>:build), or set the "zipPath" option`,
    );
  }
  if (!fs.statSync(zipPath).isFile()) throw new TrayConnectorError(`The connector zip ${zipPath} is not a file`);
  let names: string[];
  let zip: AdmZip;
  try {
    zip = new AdmZip(zipPath);
    names = zip.getEntries().map((e) => e.entryName);
  } catch (e) {
    throw new TrayConnectorError(`${zipPath} is not a readable zip archive (${(e as Error).message}): rebuild it`);
  }
  const tops = [...new Set(names.map((n) => n.split('/')[0]))];
  if (tops.length !== 1 || !names.some((n) => n.includes('/'))) {
    throw new TrayConnectorError(
      `${zipPath} must hold a single top folder named after the connector; found ${tops.slice(0, 5).join(', ') || 'nothing'}: rebuild it`,
    );
  }
  const entry = zip.getEntry(`${tops[0]}/connector.json`);
  if (!entry) throw new TrayConnectorError(`${zipPath} has no ${tops[0]}/connector.json: rebuild it`);
  let config: any;
  try {
    config = JSON.parse(entry.getData().toString('utf8'));
  } catch {
    throw new TrayConnectorError(`${tops[0]}/connector.json inside ${zipPath} is not valid JSON: rebuild it`);
  }
  return { topFolder: tops[0], name: config?.name, version: config?.version, entries: names.length };
}

/** sha256 of a file, read as a stream. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
