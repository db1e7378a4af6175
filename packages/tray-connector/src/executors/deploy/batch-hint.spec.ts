import type { ExecutorContext } from '@nx/devkit';
import { batchHint, effectiveParallel, parallelFromArgs, parentArgs } from './batch-hint';

/** A run's context as Nx gives each task process: the whole task graph, this task's project and target. */
function runContext(projects: string[], me: string, target = 'deploy'): ExecutorContext {
  const tasks = Object.fromEntries(projects.map((p) => [`${p}:${target}`, { id: `${p}:${target}`, target: { project: p, target } }]));
  // A build task in the same run never counts as a deploy task.
  tasks['zeta:build'] = { id: 'zeta:build', target: { project: 'zeta', target: 'build' } };
  return { projectName: me, targetName: target, taskGraph: { tasks } } as unknown as ExecutorContext;
}

describe('parallelFromArgs: --parallel as Nx reads it', () => {
  it.each([
    [['nx', 'affected', '-t', 'deploy'], undefined],
    [['nx', 'affected', '-t', 'deploy', '--parallel=5'], 5],
    [['nx', 'run-many', '--parallel', '7', '-t', 'deploy'], 7],
    [['nx', 'run-many', '--parallel', '-t', 'deploy'], 3],
    [['nx', 'run-many', '--parallel', '--maxParallel=9'], 9],
    [['nx', 'run-many', '--parallel=true', '--max-parallel', '4'], 4],
    [['nx', 'run-many', '--parallel=false'], 1],
    [['nx', 'run-many', '--parallel=zero'], undefined],
  ])('%j -> %s', (args, expected) => {
    expect(parallelFromArgs(args)).toBe(expected);
  });

  it('takes the command line first, then NX_PARALLEL, then nx.json, then 3', () => {
    expect(effectiveParallel(['--parallel=2'], { NX_PARALLEL: '8' }, 5)).toBe(2);
    expect(effectiveParallel([], { NX_PARALLEL: '8' }, 5)).toBe(8);
    expect(effectiveParallel([], {}, 5)).toBe(5);
    expect(effectiveParallel([], {}, undefined)).toBe(3);
  });

  it("reads the parent's command line split on NUL, and nothing when it cannot", () => {
    expect(parentArgs(() => 'node\0/ws/node_modules/.bin/nx\0affected\0--parallel=4\0')).toEqual([
      'node',
      '/ws/node_modules/.bin/nx',
      'affected',
      '--parallel=4',
    ]);
    expect(
      parentArgs(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual([]);
  });
});

describe('batchHint (issue 27.6)', () => {
  const projects = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];

  it('is said by one task only (the first of the run), when the deploy tasks outnumber --parallel', () => {
    const said = projects.map((p) => batchHint(runContext(projects, p), 3)).filter(Boolean);
    expect(said).toEqual([
      'tray-connector: this run holds 5 deploy tasks and --parallel lets 3 run at once, so the rest wait for a slot while deployments ' +
        'wait for Tray; with --batch every deploy runs at once in one process (e.g. nx affected -t deploy --batch).',
    ]);
    expect(batchHint(runContext(projects, 'alpha'), 3)).toBe(said[0]);
  });

  it('says nothing when --parallel lets every deploy task run at once, or without a task graph', () => {
    for (const p of projects) expect(batchHint(runContext(projects, p), 5)).toBeUndefined();
    expect(batchHint(runContext(['alpha'], 'alpha'), 1)).toBeUndefined();
    expect(batchHint({ projectName: 'alpha', targetName: 'deploy' } as ExecutorContext, 1)).toBeUndefined();
  });
});
