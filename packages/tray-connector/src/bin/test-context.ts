import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../core/errors';
import { entryKind, writeNewFile } from './no-follow-write';

export const TEST_CONTEXT = path.join('src', 'test.ctx.json');
export const TEST_CONTEXT_EXAMPLE = 'test.ctx.example.json';

/**
 * Before a connector's tests (the `test` target): Tray's test runner reads `src/test.ctx.json`, which is
 * git-ignored, so a fresh clone has none. Copies the committed `test.ctx.example.json` there (mode 600),
 * or stops with a message naming both files. An existing test.ctx.json is never touched; a symlink there (or a
 * symlinked src/) is refused: the file is never written through one.
 * Returns what it did, for the log ('' when the file was there).
 */
export function ensureTestContext(connectorDir: string): string {
  const target = path.join(connectorDir, TEST_CONTEXT);
  const example = path.join(connectorDir, TEST_CONTEXT_EXAMPLE);
  const kind = entryKind(target);
  if (kind === 'symlink') {
    throw new TrayConnectorError(
      `${target}: not used: it is a symlink (to ${fs.readlinkSync(target)}); writes never follow symlinks (remove the symlink from the repository)`,
    );
  }
  if (kind !== 'none') return '';
  if (!fs.existsSync(example)) {
    throw new TrayConnectorError(
      `${target} is missing (it is git-ignored, so a fresh clone has none), and there is no ${example} to start from. ` +
        `Create ${TEST_CONTEXT} with the test credentials Tray's runner should use ({} when the tests need none), ` +
        `and commit its shape without secrets as ${TEST_CONTEXT_EXAMPLE}.`,
    );
  }
  const real = fs.realpathSync(example);
  if (!real.startsWith(fs.realpathSync(connectorDir) + path.sep)) {
    throw new TrayConnectorError(`${example} leads out of the connector (a symlink): not copied to ${target}.`);
  }
  writeNewFile(connectorDir, target, fs.readFileSync(real));
  return `${target} was missing: copied from ${TEST_CONTEXT_EXAMPLE} (fill in local credentials there if the tests need them).`;
}
