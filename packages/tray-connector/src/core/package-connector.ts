import * as archiver from 'archiver';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** One entry of the zip: a posix path inside the archive and its bytes; a name ending in "/" is a directory (empty data). */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

export interface ZipResult {
  zipPath: string;
  size: number;
  sha256: string;
}

/** Every entry's timestamp: the earliest a zip can store, so the clock never shows in the bytes. */
export const ZIP_ENTRY_DATE = new Date('1980-01-01T00:00:00Z');
/** rw-r--r-- for every file, whatever the file system says. */
export const ZIP_ENTRY_MODE = 0o644;
/** rwxr-xr-x for directory entries (names ending in "/"). */
export const ZIP_DIRECTORY_MODE = 0o755;

/** Names never packaged, at any depth: credentials, environment files, dependencies, build output, lock files. */
const EXCLUDED_DIRS = new Set(['node_modules', 'dist', '.tray', '.git', '.nx', 'coverage']);
const LOCK_FILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock']);
const JUNK_FILES = new Set(['.DS_Store', 'Thumbs.db']);

/** True for a file name that must never be packaged (credentials, env files, lock files). */
export function isExcludedFileName(name: string): boolean {
  return name.endsWith('.ctx.json') || name.startsWith('.env') || LOCK_FILES.has(name) || JUNK_FILES.has(name);
}

export function isExcludedDirName(name: string): boolean {
  return EXCLUDED_DIRS.has(name);
}

/** The files under `dir` to package (posix paths relative to `dir`, sorted), following the exclusion rules. */
export function listPackagedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const stat = fs.statSync(childAbs, { throwIfNoEntry: false });
        isDir = !!stat?.isDirectory();
        isFile = !!stat?.isFile();
      }
      if (isDir) {
        if (!isExcludedDirName(entry.name)) walk(childAbs, childRel);
      } else if (isFile && !isExcludedFileName(entry.name)) {
        found.push(childRel);
      }
    }
  };
  walk(dir, '');
  return found.sort(compareNames);
}

/** Byte-wise order of names (locale-independent), the order entries have in every zip. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Directory entries for the folders below `under` (e.g. `acme/src`) that hold entries, as
 * `tray-cdk connector build` writes them (it lists every folder inside src/, not src/ itself).
 */
export function directoryEntries(names: string[], under: string): ZipEntry[] {
  const dirs = new Set<string>();
  const prefix = `${under}/`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const parts = name.slice(prefix.length).split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${prefix}${parts.slice(0, i).join('/')}/`);
  }
  return [...dirs].sort(compareNames).map((name) => ({ name, data: Buffer.alloc(0) }));
}

/**
 * Writes a deterministic zip: entries sorted by name, fixed date and mode, stored uncompressed;
 * the same entries always give the same bytes, on any machine. Written to a temporary file beside
 * `zipPath` and renamed into place, so a failed build never leaves a partial zip.
 */
export async function writeDeterministicZip(entries: ZipEntry[], zipPath: string): Promise<ZipResult> {
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) throw new Error(`duplicate zip entry ${entry.name}`);
    names.add(entry.name);
  }
  const sorted = [...entries].sort((a, b) => compareNames(a.name, b.name));
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  const tempPath = `${zipPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const zip = await zipToBuffer(sorted);
    fs.writeFileSync(tempPath, zip);
    fs.renameSync(tempPath, zipPath);
    return { zipPath, size: zip.length, sha256: crypto.createHash('sha256').update(zip).digest('hex') };
  } finally {
    fs.rmSync(tempPath, { force: true });
  }
}

function zipToBuffer(entries: ZipEntry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Stored, not deflated: deflate output may differ between zlib builds (Node versions, CPU-specific
    // code paths), and the same sources must give the same bytes everywhere. Connector sources are small.
    const archive = archiver.create('zip', { store: true, forceLocalTime: false, comment: '' });
    const chunks: Buffer[] = [];
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('warning', reject);
    archive.on('error', reject);
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    for (const entry of entries) {
      const isDirectory = entry.name.endsWith('/');
      archive.append(entry.data, { name: entry.name, date: ZIP_ENTRY_DATE, mode: isDirectory ? ZIP_DIRECTORY_MODE : ZIP_ENTRY_MODE });
    }
    void archive.finalize();
  });
}
