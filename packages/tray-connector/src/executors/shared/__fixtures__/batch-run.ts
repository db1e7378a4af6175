import type { ExecutorContext, TaskGraph } from '@nx/devkit';

/** Where each project of a batch lives in its workspace. */
export const projectRootOf = (project: string): string => `connectors/${project}`;

/**
 * The task graph Nx's batch runner passes for `nx run-many -t <target> --batch` over `projects`:
 * one task `<project>:<target>` each, no dependencies between them.
 */
export function batchTaskGraph(target: string, projects: string[]): TaskGraph {
  const tasks = Object.fromEntries(
    projects.map((project) => [
      `${project}:${target}`,
      {
        id: `${project}:${target}`,
        target: { project, target },
        overrides: {},
        outputs: [],
        projectRoot: projectRootOf(project),
        parallelism: true,
      },
    ]),
  );
  return { roots: Object.keys(tasks), tasks, dependencies: {}, continuousDependencies: {} } as unknown as TaskGraph;
}

/**
 * The ExecutorContext Nx's batch runner gives a batch implementation: no projectName (the batch is
 * many projects), every project's configuration, and the task graph when given.
 */
export function batchContext(root: string, projects: Record<string, object>, taskGraph?: TaskGraph): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectsConfigurations: { version: 2, projects },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
    ...(taskGraph ? { taskGraph } : {}),
  } as unknown as ExecutorContext;
}

/** Every result a batch implementation yields, in the order it yields them. */
export async function collectBatch<R>(results: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of results) out.push(r);
  return out;
}
