import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'fs';

/** Nx's default `--parallel` (nx.json `parallel`, else 3). */
const NX_DEFAULT_PARALLEL = 3;

/**
 * How many tasks `--parallel` lets run at once, from the command line of the nx process that started this
 * task (`--parallel=N`, `--parallel N`, `--parallel` alone or with `--maxParallel=N`, `--parallel=false`),
 * read as Nx reads it; undefined when the command line does not say.
 */
export function parallelFromArgs(args: readonly string[]): number | undefined {
  let parallel: string | boolean | undefined;
  let max: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const next = () => (inline !== undefined ? inline : /^\d+$/.test(args[i + 1] ?? '') ? args[++i] : undefined);
    if (flag === '--parallel') parallel = next() ?? true;
    else if (flag === '--maxParallel' || flag === '--max-parallel') max = next();
    else if (flag === '--no-parallel') parallel = 'false';
  }
  if (parallel === undefined) return undefined;
  if (parallel === 'false') return 1;
  if (parallel === true || parallel === 'true' || parallel === '') return positive(max) ?? NX_DEFAULT_PARALLEL;
  return typeof parallel === 'string' ? positive(parallel) : undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The command line of the nx process that started this task (Linux /proc); empty where it cannot be read. */
export function parentArgs(read: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): string[] {
  try {
    return read(`/proc/${process.ppid}/cmdline`).split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The `--parallel` of this run: the nx command line's, else NX_PARALLEL, else nx.json's `parallel`, else Nx's default 3. */
export function effectiveParallel(args: readonly string[], env: NodeJS.ProcessEnv, nxJsonParallel: number | undefined): number {
  return (
    parallelFromArgs(args) ?? positive(env.NX_PARALLEL) ?? (nxJsonParallel && nxJsonParallel > 0 ? nxJsonParallel : NX_DEFAULT_PARALLEL)
  );
}

/**
 * One line, once per run, when a plain (non --batch) run holds more deploy tasks than `--parallel` lets run
 * at once: the rest wait for a slot while the first ones wait for Tray, and `--batch` deploys them all at
 * once in one process. Only the task that comes first in the run's task graph says it (every task process
 * sees the same graph), so the line is printed once, not once per task. Undefined otherwise.
 */
export function batchHint(context: ExecutorContext, parallel: number): string | undefined {
  const tasks = Object.values(context.taskGraph?.tasks ?? {}).filter((t) => t.target.target === context.targetName);
  if (tasks.length <= parallel) return undefined;
  const first = tasks.map((t) => t.id).sort()[0];
  const mine = tasks.find((t) => t.target.project === context.projectName && t.target.configuration === context.configurationName);
  if (!mine || mine.id !== first) return undefined;
  return (
    `tray-connector: this run holds ${tasks.length} ${context.targetName} tasks and --parallel lets ${parallel} run at once, so the rest wait ` +
    `for a slot while deployments wait for Tray; with --batch every deploy runs at once in one process (e.g. nx affected -t ${context.targetName} --batch).`
  );
}
