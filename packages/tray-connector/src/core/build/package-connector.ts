import type * as Archiver from 'archiver';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../errors';
import { GitIgnore } from '../connector/git-ignore';

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

/**
 * Names never packaged, at any depth, without a word: dependencies, build output, lock files, OS junk.
 * (Credential-looking files are not skipped silently: the build refuses them, see credential-files.ts.)
 */
const EXCLUDED_DIRS = new Set(['node_modules', 'dist', '.tray', '.git', '.nx', 'coverage']);
const LOCK_FILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock']);
const JUNK_FILES = new Set(['.DS_Store', 'Thumbs.db']);

/** True for a file name that is never packaged (lock files, OS junk). */
export function isExcludedFileName(name: string): boolean {
  return LOCK_FILES.has(name) || JUNK_FILES.has(name);
}

export function isExcludedDirName(name: string): boolean {
  return EXCLUDED_DIRS.has(name);
}

/** One file to package, found under the listed folder. */
export interface PackagedFile {
  /** Posix path relative to the listed folder. */
  rel: string;
  /** Absolute path as walked (through any symlink). */
  abs: string;
  /** True when the path goes through a symlink (the file also has its own path, or lives in a vendored library). */
  linked: boolean;
}

/** A symlink under the listed folder whose target is elsewhere in the workspace (allowed only into a vendored library). */
export interface OutsideLink {
  link: string;
  target: string;
}

export interface ListPackagedFilesOptions {
  /** The workspace root: .gitignore/.nxignore files from here down apply, and links may point into it (see `outsideLinks`). */
  workspaceRoot?: string;
  /** The connector folder (holding `dir`): links into it, outside `dir`, are refused with a message saying why. */
  connectorDir?: string;
}

export interface PackagedFiles {
  files: PackagedFile[];
  /** Links to workspace folders outside the connector: the caller allows them only into vendored libraries. */
  outsideLinks: OutsideLink[];
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A file name for a one-line message: printable ASCII as is, every other byte as \xNN. */
export function escapeFileName(name: Buffer): string {
  return Array.from(name)
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`))
    .join('');
}

/** Where a symlink points, as it says (for messages). */
function linkText(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '?';
  }
}

/**
 * The files under `dir` to package (sorted by path), following the rules of the zip:
 * - never node_modules/dist/.tray/.git/.nx/coverage folders, lock files or OS junk;
 * - never a file git ignores (every .gitignore/.nxignore from the workspace root down, nested ones too),
 *   so the zip holds exactly what Nx hashes;
 * - a symlink only when it resolves inside `dir` (or, reported in `outsideLinks`, inside the workspace);
 *   a link elsewhere, a dangling link or a loop is an error naming the link and where it points;
 * - a file name that is not valid UTF-8 is an error naming the path.
 * Every such problem is reported at once (one line each) in a TrayConnectorError.
 */
export function collectPackagedFiles(dir: string, options: ListPackagedFilesOptions = {}): PackagedFiles {
  const root = path.resolve(dir);
  const realRoot = fs.realpathSync(root);
  const connectorDir = options.connectorDir ? path.resolve(options.connectorDir) : undefined;
  const realConnector = connectorDir && fs.existsSync(connectorDir) ? fs.realpathSync(connectorDir) : undefined;
  const workspaceRoot = options.workspaceRoot ? path.resolve(options.workspaceRoot) : undefined;
  const realWorkspace = workspaceRoot && fs.existsSync(workspaceRoot) ? fs.realpathSync(workspaceRoot) : undefined;
  const files: PackagedFile[] = [];
  const outsideLinks: OutsideLink[] = [];
  const problems: string[] = [];

  /** The real path behind a link, or undefined after recording why it cannot be packaged. */
  const followLink = (link: string): string | undefined => {
    let real: string;
    try {
      real = fs.realpathSync(link);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') problems.push(`${link} -> ${linkText(link)}: symlink loop (the link resolves to itself): remove or fix it`);
      else if (code === 'ENOENT' || code === 'ENOTDIR')
        problems.push(`${link} -> ${linkText(link)}: dangling symlink (its target does not exist): remove or fix it`);
      else problems.push(`${link} -> ${linkText(link)}: cannot be resolved (${code ?? (e as Error).message})`);
      return undefined;
    }
    if (isInside(realRoot, real)) return real;
    if (realConnector && isInside(realConnector, real)) {
      problems.push(
        `${link} -> ${real}: the symlink points outside src/ of the connector; Nx hashes only src/** for the build, so link only within src/ (or move the files there)`,
      );
      return undefined;
    }
    if (realWorkspace && isInside(realWorkspace, real)) {
      outsideLinks.push({ link, target: real });
      return real;
    }
    problems.push(
      `${link} -> ${real}: the symlink points outside the connector folder; only the connector's own files (and workspace libraries it imports) may go into the zip`,
    );
    return undefined;
  };

  const walk = (abs: string, rel: string, rules: GitIgnore, realDirs: string[], linked: boolean) => {
    const entries = fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' }).sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        problems.push(
          `${path.join(abs, escapeFileName(entry.name))}: the file name is not valid UTF-8; rename it (zip entries and Tray need UTF-8 names)`,
        );
        continue;
      }
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real = isDir ? undefined : childAbs;
      if (entry.isSymbolicLink()) {
        if (isExcludedDirName(name) || isExcludedFileName(name)) continue;
        const target = followLink(childAbs);
        if (!target) continue;
        const stat = fs.statSync(target);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
        real = target;
        if (isDir && realDirs.includes(target)) {
          problems.push(`${childAbs} -> ${linkText(childAbs)}: symlink loop (it points to a folder that contains it): remove or fix it`);
          continue;
        }
      }
      if (isDir) {
        if (isExcludedDirName(name) || rules.ignores(childAbs, true)) continue;
        walk(childAbs, childRel, rules.enter(childAbs), [...realDirs, real ?? fs.realpathSync(childAbs)], linked || entry.isSymbolicLink());
      } else if (isFile && !isExcludedFileName(name) && !rules.ignores(childAbs, false)) {
        files.push({ rel: childRel, abs: childAbs, linked: linked || entry.isSymbolicLink() });
      }
    }
  };
  // Ignore files apply from the workspace root down (from the connector folder for one outside the workspace).
  const top = workspaceRoot && isInside(workspaceRoot, root) ? workspaceRoot : (connectorDir ?? root);
  walk(root, '', GitIgnore.at(root, top), [realRoot], false);
  if (problems.length) throw new TrayConnectorError(problems.join('\n'));
  files.sort((a, b) => compareNames(a.rel, b.rel));
  return { files, outsideLinks };
}

/** The files under `dir` to package (posix paths relative to `dir`, sorted); see collectPackagedFiles. */
export function listPackagedFiles(dir: string, options: ListPackagedFilesOptions = {}): string[] {
  return collectPackagedFiles(dir, options).files.map((f) => f.rel);
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
export async function writeDeterministicZip(
  entries: ZipEntry[],
  zipPath: string,
  /** Throws to refuse a zip of this many bytes before anything is written (the build's maxZipBytes). */
  checkSize?: (bytes: number) => void,
): Promise<ZipResult> {
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
    checkSize?.(zip.length);
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
    // archiver is loaded when first zipping: the generators load this module for the project graph's file list only.
    const archiver = require('archiver') as typeof Archiver;
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
