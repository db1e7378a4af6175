import { minimatch } from 'minimatch';

/**
 * Which changed files a target can see. Nx 24's `affected` is task-level: `nx affected -t deploy`
 * selects a connector only when a file in the inputs of its deploy (through its build) changed, so a
 * README edit deploys nothing. Nx 22 and 23 select a project when any file in its folder changes. So
 * that `tray-connector ci run` (what the generated CI workflow runs) deploys the same on every Nx major,
 * it first leaves out the files that no selected target of their project reads, then lets Nx decide
 * on the rest. Only what is certain is left out: a file is kept when its project has none of the
 * targets, when another project depends on its project (that one's inputs may read it), when it is the
 * project's project.json or package.json, or when an input cannot be read here (a named input, a
 * target without inputs: Nx then reads every file of the project).
 */

export interface GraphTarget {
  inputs?: unknown[];
  dependsOn?: unknown[];
}

export interface InputsGraph {
  nodes: Record<string, { data: { root: string; targets?: Record<string, GraphTarget> } }>;
  dependencies: Record<string, { target: string }[]>;
}

/** A target's own file patterns (workspace-relative), or 'all' when it may read any file of its project. */
type Patterns = { include: string[]; exclude: string[] } | 'all';

function filePattern(input: string, root: string): string | undefined {
  const replaced = input.replace(/^\{projectRoot\}/, root).replace(/^\{workspaceRoot\}\//, '');
  return replaced === input && !input.startsWith('{workspaceRoot}/') ? undefined : replaced.replace(/^\.\//, '');
}

/** The same-project targets a target depends on (`build`, `{ target: 'build' }`); `^build` and other projects' are not. */
function sameProjectDependencies(dependsOn: unknown[] | undefined): string[] {
  const names: string[] = [];
  for (const d of dependsOn ?? []) {
    if (typeof d === 'string' && !d.startsWith('^')) names.push(d);
    else if (d && typeof d === 'object') {
      const dep = d as { target?: unknown; projects?: unknown; dependencies?: unknown };
      if (typeof dep.target === 'string' && dep.projects === undefined && !dep.dependencies && !dep.target.startsWith('^'))
        names.push(dep.target);
    }
  }
  return names;
}

function ownPatterns(target: GraphTarget, root: string): Patterns {
  if (!Array.isArray(target.inputs)) return 'all';
  const include: string[] = [];
  const exclude: string[] = [];
  for (const input of target.inputs) {
    let glob: string;
    if (typeof input === 'string') {
      if (input.startsWith('^')) continue; // the projects it depends on: their own files, not this project's
      glob = input;
    } else if (input && typeof input === 'object') {
      const o = input as Record<string, unknown>;
      if (typeof o.fileset === 'string') glob = o.fileset;
      else if ('dependentTasksOutputFiles' in o || 'env' in o || 'runtime' in o || 'externalDependencies' in o) continue;
      else return 'all'; // { input, projects }: not resolved here
    } else continue;
    const negated = glob.startsWith('!');
    const pattern = filePattern(negated ? glob.slice(1) : glob, root);
    if (pattern === undefined) return 'all'; // a named input ("default", "production"): not resolved here
    (negated ? exclude : include).push(pattern);
  }
  return { include, exclude };
}

/** Every pattern set a project's target reads through, its own and its same-project dependencies' (deploy -> build). */
function targetPatterns(targets: Record<string, GraphTarget>, name: string, root: string, seen = new Set<string>()): Patterns[] {
  const target = targets[name];
  if (!target || seen.has(name)) return [];
  seen.add(name);
  const own = ownPatterns(target, root);
  if (own === 'all') return ['all'];
  // A task runs again when a task it depends on does (the deploy's zip comes from the build): what those read counts.
  return [own, ...sameProjectDependencies(target.dependsOn).flatMap((dependency) => targetPatterns(targets, dependency, root, seen))];
}

function matches(file: string, patterns: Patterns): boolean {
  if (patterns === 'all') return true;
  const hit = (p: string) => minimatch(file, p, { dot: true });
  return patterns.include.some(hit) && !patterns.exclude.some(hit);
}

/**
 * Splits `files` into those some of `targets` of their project may read (or that are kept for safety,
 * see above) and those none reads (`left`), e.g. a connector's README.md for `deploy`.
 */
export function filesTargetsRead(
  graph: InputsGraph,
  files: readonly string[],
  targets: readonly string[],
): { kept: string[]; left: string[] } {
  const projects = Object.entries(graph.nodes)
    .map(([name, node]) => ({
      name,
      root: node.data.root === '.' ? '' : node.data.root.replace(/\/$/, ''),
      targets: node.data.targets ?? {},
    }))
    .filter((p) => p.root !== '')
    .sort((a, b) => b.root.length - a.root.length);
  const dependedOn = new Set(Object.values(graph.dependencies).flatMap((deps) => deps.map((d) => d.target)));
  const cache = new Map<string, Patterns[] | undefined>();
  const patternsOf = (project: (typeof projects)[number]): Patterns[] | undefined => {
    if (!cache.has(project.name)) {
      const own = targets.filter((t) => project.targets[t]);
      cache.set(
        project.name,
        !own.length || dependedOn.has(project.name) ? undefined : own.flatMap((t) => targetPatterns(project.targets, t, project.root)),
      );
    }
    return cache.get(project.name);
  };
  const kept: string[] = [];
  const left: string[] = [];
  for (const file of files) {
    const owner = projects.find((p) => file.startsWith(`${p.root}/`));
    const patterns = owner && patternsOf(owner);
    const config = owner && (file === `${owner.root}/project.json` || file === `${owner.root}/package.json`);
    if (!owner || !patterns || config || patterns.some((p) => matches(file, p))) kept.push(file);
    else left.push(file);
  }
  return { kept, left };
}
