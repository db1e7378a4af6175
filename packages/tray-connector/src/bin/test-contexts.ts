import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TrayConnectorError } from '../core/errors';
import { entryKind, writeNewFile } from './no-follow-write';

/**
 * `tray-connector ci test-contexts`: before CI runs the tests, every connector (a folder with a
 * committed connector.json) gets a src/test.ctx.json, which is git-ignored and so missing in a fresh
 * clone: from the secret (a JSON object keyed by connector name) when it has an entry, else from the
 * connector's committed test.ctx.example.json, else `{}`. Existing files are kept; the secret's
 * content is never printed; files are written 0600 and never through a symlink (no-follow-write.ts): a
 * symlink on the way is refused, naming the file, after the other connectors are done.
 */

/** The committed connector.json files (paths relative to cwd, `/`-separated). */
export function committedConnectorConfigs(cwd: string): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', ':(glob)**/connector.json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
}

function secretEntries(secretEnv: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const raw = env[secretEnv];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new TrayConnectorError(`${secretEnv} is not a JSON object: set it to {"<connector name>": <that connector's test.ctx.json>}`);
  return parsed as Record<string, unknown>;
}

function connectorName(cwd: string, file: string): string | undefined {
  try {
    const name = (JSON.parse(fs.readFileSync(path.join(cwd, file), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** True when `rel` (which may not exist yet) resolves, through any symlink, inside `cwd`. */
function staysInside(cwd: string, rel: string): boolean {
  const root = fs.realpathSync(cwd);
  let probe = path.join(cwd, rel);
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  const real = fs.realpathSync(probe);
  return real === root || real.startsWith(root + path.sep);
}

export interface TestContextsOptions {
  cwd: string;
  secretEnv: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** Writes the missing test contexts; returns, per target file, where its content came from. */
export function writeTestContexts(options: TestContextsOptions): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.secretEnv))
    throw new TrayConnectorError(`--secret-env "${options.secretEnv}" is not an environment variable name`);
  const secret = secretEntries(options.secretEnv, options.env);
  const done: Record<string, string> = {};
  const refused: string[] = [];
  for (const file of committedConnectorConfigs(options.cwd)) {
    const dir = path.posix.dirname(file);
    const target = path.posix.join(dir, 'src', 'test.ctx.json');
    const sample = path.posix.join(dir, 'test.ctx.example.json');
    const name = connectorName(options.cwd, file);
    let content: string | undefined;
    let from: string;
    const targetKind = entryKind(path.join(options.cwd, target));
    if (targetKind === 'symlink') {
      // A committed src/test.ctx.json that is a symlink would take the secret wherever it points.
      refused.push(
        `${target}: not written: it is a symlink (to ${fs.readlinkSync(path.join(options.cwd, target))}); writes never follow symlinks (remove the symlink from the repository)`,
      );
      continue;
    }
    if (!staysInside(options.cwd, sample)) {
      options.log(`${target}: skipped (${sample} is a symlink leading out of the workspace)`);
      done[target] = 'skipped';
      continue;
    }
    if (targetKind !== 'none') from = 'kept';
    else if (name !== undefined && Object.prototype.hasOwnProperty.call(secret, name) && secret[name] !== undefined)
      [content, from] = [`${JSON.stringify(secret[name], null, 2)}\n`, `from ${options.secretEnv}`];
    else if (fs.existsSync(path.join(options.cwd, sample)))
      [content, from] = [fs.readFileSync(path.join(options.cwd, sample), 'utf8'), `from ${sample}`];
    else [content, from] = ['{}\n', `{} (no ${options.secretEnv} entry, no test.ctx.example.json)`];
    if (content !== undefined) {
      try {
        writeNewFile(options.cwd, path.join(options.cwd, target), content);
      } catch (e) {
        if (!(e instanceof TrayConnectorError)) throw e;
        refused.push(e.message);
        continue;
      }
    }
    options.log(`${target}: ${from}`);
    done[target] = from;
  }
  if (refused.length) throw new TrayConnectorError(refused.join('\n'));
  return done;
}
