import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../core/errors';

/**
 * Writes never follow symlinks: a file a command creates inside a repository (a test context holding a secret) must
 * land where its path says, not where a committed symlink points (outside the repository, another user's file).
 */

/** The kind of entry at `p` without following a symlink there: 'none', 'symlink', 'dir' or 'other'. */
export function entryKind(p: string): 'none' | 'symlink' | 'dir' | 'other' {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
  return stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : 'other';
}

function refuse(file: string, why: string): never {
  throw new TrayConnectorError(`${file}: not written: ${why}; writes never follow symlinks (remove the symlink from the repository)`);
}

/**
 * Creates `file` (under `root`) with `content`: every folder between `root` and the file must be a real folder (made
 * when missing), and the file is opened with O_CREAT | O_EXCL | O_NOFOLLOW, so an entry already there (a symlink,
 * dangling or not, above all) is refused. Throws a TrayConnectorError naming the file and the symlink.
 */
export function writeNewFile(root: string, file: string, content: string | Buffer, mode = 0o600): void {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) refuse(file, `it is not inside ${root}`);
  let at = root;
  for (const part of path
    .dirname(rel)
    .split(path.sep)
    .filter((p) => p && p !== '.')) {
    at = path.join(at, part);
    const kind = entryKind(at);
    if (kind === 'symlink') refuse(file, `${at} is a symlink (to ${fs.readlinkSync(at)})`);
    if (kind === 'other') refuse(file, `${at} is not a folder`);
    if (kind === 'none') fs.mkdirSync(at);
  }
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP') {
      refuse(file, entryKind(file) === 'symlink' ? `it is a symlink (to ${fs.readlinkSync(file)})` : 'something is already there');
    }
    throw e;
  }
  try {
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}
