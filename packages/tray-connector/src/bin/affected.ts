import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrayConnectorError } from '../core/errors';
import { readFileList } from './changed-files';
import { filesTargetsRead, type InputsGraph } from './target-inputs';

/**
 * `tray-connector ci run`: runs Nx targets for the projects a list of changed files affects, the
 * list read from a file. `nx affected --files=a,b,...` takes the list as one argument, which a
 * large change (thousands of files) makes longer than Linux allows (128 KB: E2BIG), and splits it
 * at commas. Here Nx itself still decides what is affected (`nx show projects --affected`, so
 * task-level affected, implicit dependencies and lock-file rules stay Nx's), but in chunks of
 * files that each fit in an argument; affected is a union over files, so the union of the chunks
 * is the answer for the whole list. A file whose name holds a comma (which `--files` would split)
 * counts as a change of the project that owns it and of every project that depends on it, read
 * from the project graph. The targets then run once, with `nx run-many -p <projects>`. Before that,
 * the files no selected target reads are left out (target-inputs.ts), so a README edit deploys
 * nothing on Nx 22 and 23 either, whose affected is project-level.
 */

/** Below Linux's 128 KB (MAX_ARG_STRLEN) for one argument, with room for `--files=`. */
export const MAX_FILES_ARGUMENT_BYTES = 100_000;

/** Splits paths (none holding a comma) into comma-joined chunks of at most `maxBytes` bytes each. */
export function chunkFiles(files: readonly string[], maxBytes = MAX_FILES_ARGUMENT_BYTES): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const file of files) {
    const bytes = Buffer.byteLength(file);
    if (bytes > maxBytes)
      throw new TrayConnectorError(`the file name ${JSON.stringify(file.slice(0, 200))}... is longer than ${maxBytes} bytes`);
    if (current && Buffer.byteLength(current) + 1 + bytes > maxBytes) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current},${file}` : file;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** How to run Nx: the workspace's own `nx` (node_modules/nx/bin/nx.js), run with this Node. */
export interface NxRunner {
  cwd: string;
  nxBin: string;
  env: NodeJS.ProcessEnv;
}

export function resolveNxBin(cwd: string): string {
  try {
    return require.resolve('nx/bin/nx.js', { paths: [cwd] });
  } catch {
    throw new TrayConnectorError(`cannot find nx from ${cwd}: run this in the workspace root after installing (npm ci)`);
  }
}

/** Runs an Nx command and returns its stdout, or says which command failed and what it printed. */
export function nxOutput(nx: NxRunner, args: string[]): string {
  const r = spawnSync(process.execPath, [nx.nxBin, ...args], {
    cwd: nx.cwd,
    env: { ...nx.env, NX_TUI: 'false', FORCE_COLOR: '0' },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new TrayConnectorError(`nx ${shownArgs(args)} failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function shownArgs(args: readonly string[]): string {
  return args.map((a) => (a.length > 80 ? `${a.slice(0, 60)}...(${a.length} characters)` : a)).join(' ');
}

/** Runs an Nx command that prints JSON (`--json`) and returns the JSON. */
export function nxJson<T>(nx: NxRunner, args: string[]): T {
  const stdout = nxOutput(nx, args);
  // Nx may print a warning line before the JSON: the JSON is the last line that parses.
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line) as T;
    } catch {
      /* not the JSON line */
    }
  }
  throw new TrayConnectorError(`nx ${shownArgs(args)} printed no JSON:\n${stdout}`);
}

interface GraphFile {
  graph: InputsGraph;
}

/** The project owning each file (the deepest project root above it) and every project depending on those, transitively. */
export function ownersAndDependents(graph: GraphFile['graph'], files: readonly string[]): Set<string> {
  const roots = Object.entries(graph.nodes)
    .map(([name, node]) => ({ name, root: node.data.root === '.' ? '' : node.data.root.replace(/\/$/, '') }))
    .sort((a, b) => b.root.length - a.root.length);
  const result = new Set<string>();
  for (const file of files) {
    const owner = roots.find((r) => r.root === '' || file === r.root || file.startsWith(`${r.root}/`));
    if (owner && owner.root !== '') result.add(owner.name);
  }
  const dependents = new Map<string, string[]>();
  for (const [from, deps] of Object.entries(graph.dependencies))
    for (const d of deps) dependents.set(d.target, [...(dependents.get(d.target) ?? []), from]);
  const queue = [...result];
  for (let current = queue.pop(); current !== undefined; current = queue.pop()) {
    for (const next of dependents.get(current) ?? []) {
      if (graph.nodes[next] && !result.has(next)) {
        result.add(next);
        queue.push(next);
      }
    }
  }
  return result;
}

function graphOf(nx: NxRunner): GraphFile['graph'] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-graph-'));
  try {
    const file = path.join(dir, 'graph.json');
    nxOutput(nx, ['graph', `--file=${file}`]);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as GraphFile).graph;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The projects with any of `targets` that the files affect, sorted. */
export function affectedProjects(nx: NxRunner, files: readonly string[], targets: readonly string[], graph?: InputsGraph): string[] {
  const plain = files.filter((f) => !f.includes(','));
  const withComma = files.filter((f) => f.includes(','));
  const selected = new Set<string>();
  for (const target of targets) {
    for (const chunk of chunkFiles(plain))
      for (const p of nxJson<string[]>(nx, ['show', 'projects', '--affected', `--files=${chunk}`, '-t', target, '--json'])) selected.add(p);
  }
  if (withComma.length) {
    const withTargets = new Set(targets.flatMap((t) => nxJson<string[]>(nx, ['show', 'projects', '-t', t, '--json'])));
    for (const p of ownersAndDependents(graph ?? graphOf(nx), withComma)) if (withTargets.has(p)) selected.add(p);
  }
  return [...selected].sort();
}

/** The projects (of `projects`) that have `target`. */
export function projectsWithTarget(nx: NxRunner, projects: readonly string[], target: string): string[] {
  const have = new Set(nxJson<string[]>(nx, ['show', 'projects', '-t', target, '--json']));
  return projects.filter((p) => have.has(p));
}

export interface CiRunOptions {
  filesFrom: string;
  /** The targets to run (`nx run-many -t ...`). */
  targets: string[];
  /** The targets whose affected projects are selected; default: `targets`. */
  selectBy?: string[];
  /** More arguments for `nx run-many` (after `--`). */
  nxArgs: string[];
  nx: NxRunner;
  log: (line: string) => void;
}

/** What `ci run` decided: the projects, and the run-many arguments (none when nothing is affected). */
export function planCiRun(options: CiRunOptions): { projects: string[]; args: string[] | null } {
  const files = readFileList(options.filesFrom);
  const what = options.targets.join(', ');
  if (!files.length) {
    options.log(`No changed file (besides deleted connectors): nothing to run for ${what}.`);
    return { projects: [], args: null };
  }
  const selectBy = options.selectBy?.length ? options.selectBy : options.targets;
  const graph = graphOf(options.nx);
  const { kept, left } = filesTargetsRead(graph, files, selectBy);
  if (left.length) {
    const shown = left.slice(0, 5).join(', ') + (left.length > 5 ? `, ... (${left.length - 5} more)` : '');
    options.log(
      `${left.length} changed file(s) that no input of ${selectBy.join(', ')} reads left out (on every Nx major, as Nx 24 does): ${shown}`,
    );
  }
  if (!kept.length) {
    options.log(`No changed file is read by ${selectBy.join(', ')}: nothing to run for ${what}.`);
    return { projects: [], args: null };
  }
  let projects = affectedProjects(options.nx, kept, selectBy, graph);
  if (options.selectBy?.length) {
    for (const target of options.targets) {
      const have = projectsWithTarget(options.nx, projects, target);
      const missing = projects.filter((p) => !have.includes(p));
      if (missing.length) options.log(`No ${target} target in ${missing.join(', ')} (an older tray-connector?): skipped there.`);
      projects = have;
    }
  }
  options.log(
    `${kept.length} changed file(s) affect ${projects.length} project(s) for ${selectBy.join(', ')}${projects.length ? `: ${projects.join(', ')}` : ''}`,
  );
  if (!projects.length) return { projects, args: null };
  return { projects, args: ['run-many', '-t', ...options.targets, `--projects=${projects.join(',')}`, ...options.nxArgs] };
}

/** Plans, then runs `nx run-many` with this process's output; resolves to its exit code. */
export async function ciRun(options: CiRunOptions): Promise<number> {
  const { args } = planCiRun(options);
  if (!args) return 0;
  options.log(`nx ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.nx.nxBin, ...args], { cwd: options.nx.cwd, env: options.nx.env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}
