import * as fs from 'fs';

/** The exit code of a process stopped by `signal` (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * While `run` runs, SIGINT and SIGTERM abort the signal it gets instead of killing the process, so
 * a deploy can say which deployments are still in flight at Tray before it exits non-zero.
 * `onSignal` runs at once, synchronously, in the handler: whatever it prints or writes is done
 * even when the process is killed right after (Nx, on Ctrl-C, stops forwarding its tasks' output
 * and then terminates them). A second signal ends the process at once, with the first one's code.
 */
export async function whileInterruptible<T>(
  run: (signal: AbortSignal) => Promise<T>,
  onSignal: (name: NodeJS.Signals) => void,
): Promise<{ result: T; interruptedBy?: NodeJS.Signals }> {
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (interruptedBy) {
        process.exit(signalExitCode(interruptedBy));
        return;
      }
      interruptedBy = name;
      process.exitCode = signalExitCode(name);
      try {
        onSignal(name);
      } finally {
        controller.abort(name);
      }
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return { result: await run(controller.signal), interruptedBy };
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/**
 * Writes a notice about an interrupt where the person sees it. In a task Nx runs
 * (NX_INVOCATION_ANCESTOR_PIDS names the outermost nx process), straight to that nx process's stderr
 * when it is not ours: on Ctrl-C Nx silences the output it forwards from its tasks and then stops
 * them (a batch worker, in a process group of its own, sees only that SIGTERM), so through our own
 * stderr the listing would reach nobody. That stderr is a terminal or a pipe (a CI runner's); a socket
 * (nx spawned by a Node program with piped stdio) cannot be opened through /proc. Elsewhere (or when
 * that fails: a socket, not Linux, not allowed) to our own stderr.
 */
export function writeInterruptNotice(text: string, env: NodeJS.ProcessEnv = process.env): void {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  const outer = outerStderr(env);
  if (outer && writeToPath(outer, line)) return;
  process.stderr.write(line);
}

function writeToPath(file: string, text: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a');
    fs.writeSync(fd, text);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** `/proc/<pid>/fd/2` of the outermost nx process, when it leads somewhere other than our own stderr. */
function outerStderr(env: NodeJS.ProcessEnv): string | undefined {
  const outermost = (env.NX_INVOCATION_ANCESTOR_PIDS ?? '')
    .split(',')
    .map(Number)
    .find((pid) => Number.isInteger(pid) && pid > 0);
  if (outermost === undefined || outermost === process.pid) return undefined;
  const path = `/proc/${outermost}/fd/2`;
  try {
    return fs.readlinkSync(path) === fs.readlinkSync('/proc/self/fd/2') ? undefined : path;
  } catch {
    return undefined;
  }
}
