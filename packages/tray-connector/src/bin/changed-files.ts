import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../core/errors';

/**
 * `tray-connector ci changed-files`: the files changed between two commits, written one per line
 * to a file, never through one argument or variable (a large change is megabytes: Linux refuses any
 * single argument or variable over 128 KB with E2BIG). The files of deleted connectors (a folder
 * whose connector.json is gone at the head) are left out: Nx counts a deleted project configuration
 * as a change of every project, so without this a merge that deletes one connector would rebuild and
 * redeploy all the others. A file deleted inside a connector that still exists stays a change.
 * A file name with a line break (or any other control character) is refused: it could end a line
 * of the list, and such a name has no business in a repository of connectors.
 */

export interface ChangedFiles {
  files: string[];
  /** Roots (with a trailing /) of connectors deleted between base and head. */
  deletedConnectors: string[];
}

/** A control character (C0, DEL, C1) or a Unicode line/paragraph separator. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Refuses a path that could not stay one line of a list. */
export function assertOneLinePath(file: string, where: string): void {
  if (CONTROL_CHARACTER.test(file)) {
    throw new TrayConnectorError(
      `${where}: the file name ${JSON.stringify(file)} holds a line break or control character; rename it (git mv) and commit again`,
    );
  }
}

/** `git diff --name-only` between base and head, NUL-separated (any byte of a name survives). */
export function gitChangedFiles(cwd: string, base: string, head: string): string[] {
  for (const [name, sha] of [
    ['--base (NX_BASE)', base],
    ['--head (NX_HEAD)', head],
  ]) {
    if (!/^[A-Za-z0-9._/@^~-]+$/.test(sha) || sha.startsWith('-'))
      throw new TrayConnectorError(`${name} "${sha}" is not a commit, branch or tag name`);
  }
  const out = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', base, head, '--'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  return out.split('\0').filter(Boolean);
}

/** Leaves out every file of a connector whose connector.json was deleted (checked on disk, at the head). */
export function withoutDeletedConnectors(cwd: string, changed: readonly string[]): ChangedFiles {
  const deletedConnectors = changed
    .filter((f) => path.posix.basename(f) === 'connector.json' && path.posix.dirname(f) !== '.' && !fs.existsSync(path.join(cwd, f)))
    .map((f) => `${path.posix.dirname(f)}/`);
  const files = changed.filter((f) => !deletedConnectors.some((root) => f.startsWith(root)));
  return { files, deletedConnectors };
}

export interface ChangedFilesOptions {
  cwd: string;
  base: string | undefined;
  head: string | undefined;
  output: string;
  log: (line: string) => void;
}

/** Writes the list (one path per line, UTF-8) to `output` and returns what it wrote. */
export function writeChangedFiles(options: ChangedFilesOptions): ChangedFiles {
  if (!options.base) throw new TrayConnectorError('NX_BASE is not set (nor --base): the affected base must be set before this step');
  const head = options.head || 'HEAD';
  const changed = gitChangedFiles(options.cwd, options.base, head);
  for (const file of changed) assertOneLinePath(file, `git diff ${options.base} ${head}`);
  const result = withoutDeletedConnectors(options.cwd, changed);
  for (const root of result.deletedConnectors) options.log(`deleted connector ${root}: nothing to build or deploy for it`);
  fs.mkdirSync(path.dirname(path.resolve(options.cwd, options.output)), { recursive: true });
  fs.writeFileSync(path.resolve(options.cwd, options.output), result.files.map((f) => `${f}\n`).join(''));
  options.log(
    `${result.files.length} changed file(s) between ${options.base} and ${head}` +
      `${result.deletedConnectors.length ? ' besides deleted connectors' : ''}, listed in ${options.output}`,
  );
  return result;
}

/** Reads a list written by writeChangedFiles (or by hand): one path per line; blank lines are skipped. */
export function readFileList(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new TrayConnectorError(`--files-from ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const files = text.split('\n').filter((line) => line !== '');
  for (const f of files) assertOneLinePath(f, `--files-from ${file}`);
  return files;
}
