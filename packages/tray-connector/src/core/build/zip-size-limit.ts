import { TrayConnectorError } from '../errors';

/**
 * The build's size guard (option `maxZipBytes`). Tray documents no size limit for
 * deploy-connector-from-source, so the default is ours: 10 MiB of zip (about 13.3 MiB of request
 * body once base64-encoded). Connector zips are tens of kilobytes; one over 10 MiB almost always
 * holds something that need not ship (a data file, a fixture, a copied node_modules).
 */
export const DEFAULT_MAX_ZIP_BYTES = 10 * 1024 * 1024;
/** How many of the largest files the refusal names. */
const LARGEST_SHOWN = 5;

/** Bytes a stored zip spends on one entry besides its data: local header, data descriptor, central directory record (names twice). */
export function zipEntryOverhead(name: string): number {
  return 30 + 16 + 46 + 2 * Buffer.byteLength(name);
}
/** The end-of-central-directory record. */
export const ZIP_END_BYTES = 22;

export interface SizedFile {
  /** Path as a person finds it (relative to the connector folder, or the workspace for vendored files). */
  name: string;
  bytes: number;
}

/** `12.3 kB` / `4.56 MB` (1 kB = 1024 bytes). */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** The limit from the option: a positive whole number of bytes (default DEFAULT_MAX_ZIP_BYTES). */
export function resolveMaxZipBytes(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_MAX_ZIP_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TrayConnectorError(`"maxZipBytes" must be a positive whole number of bytes, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A lower bound of the stored zip's size for these files (each file's data and headers). */
export function minimumZipBytes(files: readonly SizedFile[], top: string): number {
  return files.reduce((sum, f) => sum + f.bytes + zipEntryOverhead(`${top}/${f.name}`), ZIP_END_BYTES);
}

/**
 * Refuses a zip of `zipBytes` over `maxZipBytes`, naming the largest files and what to do.
 * `estimated` says the size is a lower bound computed before zipping (nothing was written).
 */
export function checkZipSize(
  connector: string,
  zipBytes: number,
  maxZipBytes: number,
  files: readonly SizedFile[],
  estimated = false,
): void {
  if (zipBytes <= maxZipBytes) return;
  const largest = [...files]
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, LARGEST_SHOWN)
    .map((f) => `  ${f.name}: ${formatBytes(f.bytes)} (${f.bytes} bytes)`);
  throw new TrayConnectorError(
    `${connector}: the zip ${estimated ? 'would be at least' : 'is'} ${formatBytes(zipBytes)} (${zipBytes} bytes), over "maxZipBytes" ` +
      `(${formatBytes(maxZipBytes)}, ${maxZipBytes} bytes); nothing was written. Largest files:\n${largest.join('\n')}\n` +
      'Remove (or git-ignore) what need not ship, or raise "maxZipBytes" in the build target\'s options if Tray takes a zip this large.',
  );
}
