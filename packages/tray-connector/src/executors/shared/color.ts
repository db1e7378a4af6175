import { readlinkSync } from 'fs';

/**
 * Whether what an executor prints ends up on a terminal, so colours are wanted. Nx runs a task with
 * FORCE_COLOR=true (unless the user set FORCE_COLOR=0) and, in run-many or when piped, with its
 * output on a pipe, so neither FORCE_COLOR nor the task's own isTTY says where the output goes; Nx's
 * logger would colour every error, and `nx build x 2>&1 | tee log` or a CI log would get raw ANSI
 * codes. The outermost nx process (NX_INVOCATION_ANCESTOR_PIDS) is the one writing to the user's
 * terminal or pipe: where /proc shows its stdout (Linux), that decides; elsewhere Nx's choice stands.
 * NO_COLOR and FORCE_COLOR=0 always turn colours off.
 */
export function colorWanted(env: NodeJS.ProcessEnv = process.env, linkOf: (path: string) => string = readlinkSync): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  const outermost = (env.NX_INVOCATION_ANCESTOR_PIDS ?? '')
    .split(',')
    .map(Number)
    .find((pid) => Number.isInteger(pid) && pid > 0);
  if (outermost === undefined) return true;
  let target: string;
  try {
    target = linkOf(`/proc/${outermost}/fd/1`);
  } catch {
    return true; // no /proc (macOS, Windows) or not allowed to look: as Nx decided
  }
  return /^\/dev\/(pts\/|tty)/.test(target);
}

/**
 * Removes ANSI escape sequences: CSI (colours, cursor moves; `ESC [` or the C1 `\u009b`), OSC (titles,
 * hyperlinks, clipboard; ended by BEL or ST), DCS/SOS/PM/APC strings (ended by ST), and two-character
 * escapes. (What a server wrote never gets here raw: it is made printable where it enters.)
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

const ANSI =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[ -/]*[0-~]/g;
