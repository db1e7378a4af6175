import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chunkFiles, ciRun, ownersAndDependents, planCiRun, type NxRunner } from './affected';

const REPO = path.resolve(__dirname, '../../../..');

describe('chunkFiles', () => {
  it('keeps every file whole and in order, each chunk within the limit', () => {
    const files = Array.from({ length: 500 }, (_, i) => `connectors/c${i % 7}/src/file-${i}.ts`);
    const chunks = chunkFiles(files, 1000);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(1000);
    expect(chunks.join(',').split(',')).toEqual(files);
    expect(chunkFiles([])).toEqual([]);
    expect(() => chunkFiles(['x'.repeat(20)], 10)).toThrow('is longer than 10 bytes');
  });
});

describe('ownersAndDependents', () => {
  it('maps files to the deepest project root and adds every project depending on it, transitively', () => {
    const graph = {
      nodes: {
        root: { data: { root: '.' } },
        shared: { data: { root: 'libs/shared' } },
        inner: { data: { root: 'libs/shared/inner' } },
        alpha: { data: { root: 'connectors/alpha' } },
        beta: { data: { root: 'connectors/beta' } },
        app: { data: { root: 'apps/app' } },
      },
      dependencies: {
        alpha: [{ target: 'shared' }],
        app: [{ target: 'alpha' }],
        beta: [],
        'npm:x': [{ target: 'shared' }],
      },
    };
    expect([...ownersAndDependents(graph, ['libs/shared/src/a,b.ts'])].sort()).toEqual(['alpha', 'app', 'shared']);
    expect([...ownersAndDependents(graph, ['libs/shared/inner/x,y.ts'])]).toEqual(['inner']);
    expect([...ownersAndDependents(graph, ['README,old.md', 'connectors/betamax/a,b'])]).toEqual([]);
  });
});

/**
 * A real Nx workspace (this repository's nx, linked in) with run-commands targets that record what
 * ran: Nx itself decides what is affected, in chunks, and the targets run once for all of it.
 */
describe('tray-connector ci run (a real Nx workspace)', () => {
  let dir: string;
  let nx: NxRunner;
  const record = (project: string, target: string) => ({
    executor: 'nx:run-commands',
    options: { command: `node -e "require('fs').appendFileSync('ran.txt', '${project}:${target}\\n')"` },
    cache: false,
  });
  const project = (root: string, name: string, targets: string[], implicitDependencies: string[] = []) => {
    fs.mkdirSync(path.join(dir, root), { recursive: true });
    fs.writeFileSync(
      path.join(dir, root, 'project.json'),
      JSON.stringify({ name, root, implicitDependencies, targets: Object.fromEntries(targets.map((t) => [t, record(name, t)])) }),
    );
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-run-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
    fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({}));
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.nx\nran.txt\n');
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    project('libs/shared', 'shared', ['build']);
    project('connectors/alpha', 'alpha', ['build', 'deploy', 'verify'], ['shared']);
    project('connectors/beta', 'beta', ['build', 'deploy']);
    project('connectors/gamma', 'gamma', ['build', 'deploy']);
    project('tools/other', 'other', ['build']);
    // a connector whose targets name their inputs, as the plugin's do: deploy reads the build's zip, the build src/**
    fs.mkdirSync(path.join(dir, 'connectors/delta'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'connectors/delta/project.json'),
      JSON.stringify({
        name: 'delta',
        root: 'connectors/delta',
        targets: {
          build: { ...record('delta', 'build'), inputs: ['{projectRoot}/src/**/*'] },
          deploy: { ...record('delta', 'deploy'), dependsOn: ['build'], inputs: [{ dependentTasksOutputFiles: '**/*.zip' }] },
        },
      }),
    );
    execFileSync('git', ['init', '-q'], { cwd: dir });
    nx = {
      cwd: dir,
      nxBin: require.resolve('nx/bin/nx.js', { paths: [dir] }),
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true', NX_BASE: '', NX_HEAD: '' },
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const list = (files: string[]) => {
    const file = path.join(dir, '..', `${path.basename(dir)}-files.txt`);
    fs.writeFileSync(file, files.map((f) => `${f}\n`).join(''));
    return file;
  };

  it('6,113 changed files (over 128 KB of names) and a name with a comma: the affected deploys run once, nothing else', async () => {
    const files = Array.from(
      { length: 6113 },
      (_, i) => `connectors/beta/docs/repos-owner-repo-actions-runs-run-id-attempts-attempt-${i}.md`,
    );
    files.push('libs/shared/src/a,b.md');
    expect(Buffer.byteLength(files.join(','))).toBeGreaterThan(3 * 128 * 1024);
    const log: string[] = [];
    fs.rmSync(path.join(dir, 'ran.txt'), { force: true });
    const code = await ciRun({
      filesFrom: list(files),
      targets: ['deploy'],
      nxArgs: ['--output-style=stream'],
      nx,
      log: (l) => log.push(l),
    });
    expect(code).toBe(0);
    // beta by its files (in 6 chunks of at most 100 KB), alpha through shared's file with a comma; gamma untouched; shared has no deploy.
    expect(fs.readFileSync(path.join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['alpha:deploy', 'beta:deploy']);
    expect(log.join('\n')).toContain('6114 changed file(s) affect 2 project(s) for deploy: alpha, beta');
  }, 300_000);

  it('--select-by deploy --targets verify: only where verify exists, the others named; an empty list runs nothing', () => {
    const log: string[] = [];
    const plan = planCiRun({
      filesFrom: list(['connectors/alpha/src/x.ts', 'connectors/gamma/src/y.ts', 'README.md']),
      targets: ['verify'],
      selectBy: ['deploy'],
      nxArgs: [],
      nx,
      log: (l) => log.push(l),
    });
    expect(plan).toEqual({ projects: ['alpha'], args: ['run-many', '-t', 'verify', '--projects=alpha'] });
    expect(log.join('\n')).toContain('No verify target in gamma (an older tray-connector?): skipped there.');
    const none = planCiRun({ filesFrom: list([]), targets: ['deploy'], nxArgs: [], nx, log: (l) => log.push(l) });
    expect(none).toEqual({ projects: [], args: null });
    expect(log.join('\n')).toContain('No changed file (besides deleted connectors): nothing to run for deploy.');
  }, 300_000);

  it('a README edit deploys nothing on every Nx major: files no input of deploy reads are left out first (issue 22.6)', () => {
    const log: string[] = [];
    const readmeOnly = planCiRun({
      filesFrom: list(['connectors/delta/README.md']),
      targets: ['deploy'],
      nxArgs: [],
      nx,
      log: (l) => log.push(l),
    });
    expect(readmeOnly).toEqual({ projects: [], args: null });
    expect(log.join('\n')).toContain(
      '1 changed file(s) that no input of deploy reads left out (on every Nx major, as Nx 24 does): connectors/delta/README.md',
    );
    expect(log.join('\n')).toContain('No changed file is read by deploy: nothing to run for deploy.');
    const withSource = planCiRun({
      filesFrom: list(['connectors/delta/README.md', 'connectors/delta/src/a.ts']),
      targets: ['deploy'],
      nxArgs: [],
      nx,
      log: () => undefined,
    });
    expect(withSource).toEqual({ projects: ['delta'], args: ['run-many', '-t', 'deploy', '--projects=delta'] });
  }, 300_000);
});
