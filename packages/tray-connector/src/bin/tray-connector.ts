#!/usr/bin/env node
import * as path from 'path';
import { parseArgs } from 'util';
import { TrayConnectorError } from '../core/errors';
import { ciRun, resolveNxBin } from './affected';
import { writeChangedFiles } from './changed-files';
import { formatResults, readResults } from './results';
import { ensureTestContext } from './test-context';
import { writeTestContexts } from './test-contexts';
import { typecheckCommand } from './typecheck';

/**
 * The `tray-connector` command (package.json "bin"): what CI and scripts need besides Nx's targets.
 *   tray-connector results [--json]
 *   tray-connector ci changed-files --output <file> [--base <sha>] [--head <sha>]
 *   tray-connector ci run --files-from <file> -t <target>[,<target>] [--select-by <target>] [-- <nx run-many options>]
 *   tray-connector ci test-contexts [--secret-env TRAY_TEST_CTX]
 *   tray-connector test-context [<connector folder>]
 *   tray-connector typecheck [<connector folder>]
 */

export const USAGE = `Usage:
  tray-connector results [--json]
      The last deploy (and verify) results of every connector, from .tray/*.json: one line per
      connector and region; --json prints only JSON.
  tray-connector ci changed-files --output <file> [--base <sha>] [--head <sha>]
      Writes the files changed between base (default $NX_BASE) and head (default $NX_HEAD, else HEAD)
      to <file>, one per line, without those of deleted connectors.
  tray-connector ci run --files-from <file> --targets <t>[,<t>...] [--select-by <t>[,<t>...]] [-- <nx options>]
      Runs nx run-many -t <targets> for the projects those files affect (selected by --select-by,
      default the targets themselves); options after -- go to nx run-many.
  tray-connector ci test-contexts [--secret-env TRAY_TEST_CTX]
      Writes each connector's missing src/test.ctx.json from the secret, its test.ctx.example.json, or {}.
  tray-connector test-context [<connector folder>]
      Before a connector's tests (its test target runs it): copies test.ctx.example.json to a missing
      src/test.ctx.json, or stops naming both files.
  tray-connector typecheck [<connector folder>]
      The connector's typecheck target: its sources and tests (and the workspace library files they
      import) type-checked with its tsconfig.json and the workspace's path aliases; exits 1 listing
      the errors.
`;

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

async function ci(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  const log = (line: string) => io.err(`${line}\n`);
  if (command === 'changed-files') {
    const { values } = parseArgs({
      args: rest,
      options: { output: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' } },
    });
    if (!values.output) throw new TrayConnectorError('ci changed-files: --output <file> is required');
    writeChangedFiles({
      cwd: io.cwd,
      base: values.base ?? io.env.NX_BASE,
      head: values.head ?? io.env.NX_HEAD,
      output: values.output,
      log,
    });
    return 0;
  }
  if (command === 'run') {
    const dash = rest.indexOf('--');
    const own = dash === -1 ? rest : rest.slice(0, dash);
    const nxArgs = dash === -1 ? [] : rest.slice(dash + 1);
    const { values } = parseArgs({
      args: own,
      options: {
        'files-from': { type: 'string' },
        targets: { type: 'string', short: 't', multiple: true },
        'select-by': { type: 'string', multiple: true },
      },
    });
    const targets = list(values.targets);
    if (!values['files-from']) throw new TrayConnectorError('ci run: --files-from <file> is required (write it with ci changed-files)');
    if (!targets.length) throw new TrayConnectorError('ci run: --targets <target> is required (e.g. --targets build,test)');
    for (const t of [...targets, ...list(values['select-by'])])
      if (!/^[A-Za-z0-9][A-Za-z0-9:_-]*$/.test(t)) throw new TrayConnectorError(`ci run: "${t}" is not a target name`);
    const nx = { cwd: io.cwd, env: io.env, nxBin: resolveNxBin(io.cwd) };
    return ciRun({ filesFrom: values['files-from'], targets, selectBy: list(values['select-by']), nxArgs, nx, log });
  }
  if (command === 'test-contexts') {
    const { values } = parseArgs({ args: rest, options: { 'secret-env': { type: 'string' } } });
    writeTestContexts({ cwd: io.cwd, env: io.env, secretEnv: values['secret-env'] ?? 'TRAY_TEST_CTX', log: (l) => io.out(`${l}\n`) });
    return 0;
  }
  throw new TrayConnectorError(`unknown command "ci ${command ?? ''}"\n${USAGE}`);
}

/** Runs the command `args` (without node and the script); resolves to the exit code. */
export async function main(args: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === 'results') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      const report = readResults(io.cwd);
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatResults(report));
      return 0;
    }
    if (command === 'ci') return await ci(rest, io);
    if (command === 'test-context') {
      const note = ensureTestContext(path.resolve(io.cwd, rest[0] ?? '.'));
      if (note) io.err(`${note}\n`);
      return 0;
    }
    if (command === 'typecheck') {
      if (rest.length > 1) throw new TrayConnectorError(`typecheck takes one connector folder at most\n${USAGE}`);
      io.out(`${typecheckCommand(path.resolve(io.cwd, rest[0] ?? '.'))}\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    }
    throw new TrayConnectorError(`unknown command "${command}"\n${USAGE}`);
  } catch (e) {
    const err = e as { message?: unknown; stack?: unknown; code?: unknown };
    const known = e instanceof TrayConnectorError || (typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'));
    const message = known ? String(err.message) : String(err?.stack ?? err?.message ?? e);
    io.err(`tray-connector: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
