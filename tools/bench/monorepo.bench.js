// Monorepo benchmark (issue 5): a generated Nx workspace of 50 connectors with the packed plugin.
// Measures cold `nx run-many -t build` (empty Nx cache), warm run-many (everything cached), the
// project graph with a cold and a warm plugin cache, and `nx affected -t deploy` after changing one
// connector, against the emulator (built code from dist/), with the number of deploy requests.
// Then, side by side on BENCH_BATCH_CONNECTORS connectors (default 200; BENCH_BATCH=0 skips it): cold
// `nx run-many -t build` and cold `nx run-many -t build --batch` (wall, CPU, peak memory), each with
// its warm runs (100% cache hits or the bench fails), and their zips compared byte for byte.
// Measures only; asserts nothing about timings.
const { spawn } = require('child_process');
const { diffDetails } = require('./task-hashes');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  folderWriter,
  nxEnv,
  packPackage,
  pluginDevDependencies,
  writeConnectorFiles,
  writeWorkspaceFiles,
  WORKSPACE_NX,
} = require('../workspace/connector-files');

const REPO = path.resolve(__dirname, '../..');
const DIST_PLUGIN = path.join(REPO, 'dist/packages/tray-connector');
const DIST_EMULATOR = path.join(REPO, 'dist/packages/tray-api-emulator');
const CONNECTORS = Number(process.env.BENCH_CONNECTORS || 50);
const OPERATIONS = 2;
const REGIONS = [['us'], ['us', 'eu'], ['eu', 'apac']];

/**
 * One connector with the layout `tray-cdk connector init` gives; every third one imports the shared
 * library. `extra` is added to the input of its op_0 (a change to one operation).
 */
function writeConnector(root, i, extra = '') {
  const name = `connector-${String(i).padStart(3, '0')}`;
  const dir = `connectors/${name}`;
  const regions = REGIONS[i % REGIONS.length];
  const importsLibrary = i % 3 === 0;
  const operations = {};
  for (let o = 0; o < OPERATIONS; o++) {
    const op = `op_${o}`;
    operations[op] = {
      description: `${op} of ${name}`,
      inputFields: `  /** @title Identifier */\n  id: string;\n  limit?: number;\n  mode: 'fast' | 'full';${o === 0 ? extra : ''}\n`,
      outputFields: '  items: { id: string; name: string; tags: string[] }[];\n  next?: string;\n',
      handlerPrelude: importsLibrary ? "import { label } from '@bench/shared';" : '',
      result: `{ items: [{ id: input.id, name: ${importsLibrary ? 'label(input.id)' : 'input.id'}, tags: [] }] }`,
    };
  }
  writeConnectorFiles(folderWriter(root), name, {
    dir,
    title: `Connector ${i}`,
    description: '',
    extendsBase: true,
    // Regions per project.json (like a user who picked them with the generator); one in three is purely inferred.
    deployOptions: i % 3 !== 1 ? { regions } : undefined,
    operations,
  });
  return { name, dir, regions: i % 3 === 1 ? ['us'] : regions };
}

/**
 * Runs shell commands in the workspace, asynchronously: the emulator answering the deploys runs in
 * this process, so a synchronous spawn would starve it.
 */
function makeRunner(root, baseEnv) {
  // Nx's cache and task database stay in the bench workspace (removed at the end), not in ~/.nx.
  return (command, extraEnv = {}) =>
    new Promise((resolve, reject) => {
      const env = nxEnv(root, { ...baseEnv, ...extraEnv });
      const started = process.hrtime.bigint();
      const child = spawn('bash', ['-c', command], { cwd: root, env });
      const memory = treeMemorySampler(child.pid);
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const peakTreeRss = memory.stop();
        if (code !== 0) reject(new Error(`\`${command}\` exited ${code} in ${root}\n${output.slice(-4000)}`));
        else resolve({ seconds, output, peakTreeRss });
      });
    });
}

/**
 * Peak memory of a command: the sum of the resident set sizes of the process and every descendant
 * (the nx CLI, its task workers or batch worker, tsc...), sampled from /proc every 100 ms (Linux;
 * elsewhere 0). Sampling can miss a short peak: a lower bound.
 */
function treeMemorySampler(rootPid) {
  let peak = 0;
  const pageSize = 4096;
  const sample = () => {
    let entries;
    try {
      entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
    } catch {
      return;
    }
    const children = new Map();
    const rss = new Map();
    for (const pid of entries) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ppid = Number(fields[1]);
        rss.set(Number(pid), Number(fields[21]) * pageSize);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
      } catch {
        // the process ended meanwhile
      }
    }
    let total = 0;
    const queue = [rootPid];
    while (queue.length) {
      const pid = queue.pop();
      total += rss.get(pid) ?? 0;
      queue.push(...(children.get(pid) ?? []));
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

const mb = (bytes) => `${Math.round(bytes / 2 ** 20)} MB`;

/** Wall time, CPU time (user + system of the whole process tree, GNU time), the largest single process and the process tree's peak memory of a command. */
async function measured(sh, command) {
  const timeFile = path.join(os.tmpdir(), `tc-bench-time-${process.pid}-${Date.now()}`);
  const hasTime = fs.existsSync('/usr/bin/time');
  const result = await sh(hasTime ? `/usr/bin/time -f '%U %S %M' -o ${timeFile} ${command}` : command);
  let cpuSeconds;
  let maxProcessRss;
  if (hasTime) {
    const [user, system, maxKb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    fs.rmSync(timeFile, { force: true });
    cpuSeconds = user + system;
    maxProcessRss = maxKb * 1024;
  }
  return { ...result, cpuSeconds, maxProcessRss };
}

const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS || 3);
/** Connectors of the side-by-side cold build with and without `--batch` (issue 14's goal: at least 10x at 200). */
const BATCH_CONNECTORS = Number(process.env.BENCH_BATCH_CONNECTORS || 200);

/**
 * What each task of the last `nx run-many -t <target>` did, from Nx's own record of the run:
 * `<cache directory>/run.json`, which Nx 22-24 write at the end of every run with each task's
 * `cacheStatus` (local-cache-hit, remote-cache-hit or cache-miss). The bench once counted the
 * `> nx run <task> [local cache]` lines of the output instead, and reported 186/200 hits on a warm
 * run: through a pipe, Nx 24.0.6 intermittently loses the tail of a long run-many's output (task
 * lines and summary, exit code 0), so the missing lines were counted as builds that ran. The record
 * does not depend on the terminal. It must be this command's (it names the command and started
 * after `since`) and hold every expected task, or the bench fails rather than miscount.
 */
function cacheReport(root, command, target, expected, since) {
  const file = path.join(root, '.nx', 'cache', 'run.json'); // NX_CACHE_DIRECTORY (makeRunner)
  let record;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`monorepo bench: cannot read Nx's run record ${file} after \`${command}\`: ${e.message}`);
  }
  const started = Date.parse(record.run?.startTime ?? '');
  if (!(started >= since - 1000) || !String(record.run?.command ?? '').includes(`run-many -t ${target}`)) {
    throw new Error(
      `monorepo bench: ${file} is not the record of \`${command}\` (it records \`${record.run?.command}\` at ${record.run?.startTime})`,
    );
  }
  const tasks = (record.tasks ?? []).filter((t) => t.target === target);
  const ran = tasks.filter((t) => t.cacheStatus === 'cache-miss').map((t) => t.taskId);
  const failed = tasks.filter((t) => t.status !== 0).map((t) => t.taskId);
  if (tasks.length !== expected || failed.length) {
    throw new Error(
      `monorepo bench: Nx's run record of \`${command}\` holds ${tasks.length} ${target} tasks for ${expected} expected` +
        (failed.length ? `, ${failed.length} failed (${failed.slice(0, 5).join(', ')})` : ''),
    );
  }
  return { hits: tasks.length - ran.length, ran };
}

/** Runs a `nx run-many` command and reads what each of its tasks did from Nx's run record (cacheReport). */
async function runMany(sh, root, command, target, expected) {
  const since = Date.now();
  const result = await sh(command);
  return { ...result, report: cacheReport(root, command, target, expected, since) };
}

/** Nx's hash of every build task and its parts (tools/bench/task-hashes.js, run in the workspace). */
async function taskHashes(sh) {
  return JSON.parse((await sh(`node ${JSON.stringify(path.join(__dirname, 'task-hashes.js'))} build`)).output);
}
/**
 * WARM_RUNS warm runs of `command` (a run-many of every build): each must be 100% cache hits, or the
 * bench fails, saying which builds ran again and which of their inputs Nx hashed differently since the
 * cold run. The wall times of the runs.
 */
async function warmRuns(sh, command, expected, coldHashes, notCached, root) {
  const warms = [];
  for (let i = 1; i <= WARM_RUNS; i++) {
    const warm = await runMany(sh, root, command, 'build', expected);
    const report = warm.report;
    if (report.hits !== expected || notCached.length) {
      const now = await taskHashes(sh);
      const why = [...new Set([...report.ran, ...notCached])]
        .slice(0, 20)
        .map(
          (id) =>
            `  ${id}: ${diffDetails(coldHashes[id], now[id]).join(', ') || `hash unchanged (${now[id]?.hash}) yet ${notCached.includes(id) ? 'not in the cache after the cold run' : 'not found in the cache'}`}`,
        );
      throw new Error(
        `monorepo bench: warm run ${i} of ${WARM_RUNS} of \`${command}\` was ${report.hits}/${expected} cache hits, not ${expected}/${expected}; ` +
          `builds that ran again and the inputs Nx hashed differently since the cold run:\n${why.join('\n')}\n(workspace: ${root}; BENCH_KEEP=1 keeps it)`,
      );
    }
    warms.push(warm.seconds);
  }
  return warms;
}

/** Nx's hash of every build after a cold run, and the builds whose hash is not in the cache (each must be). */
async function coldCacheState(sh) {
  const coldHashes = await taskHashes(sh);
  const cacheDir = (await sh(`node -e "process.stdout.write(require('nx/src/utils/cache-directory').cacheDir)"`)).output.trim();
  const notCached = Object.entries(coldHashes)
    .filter(([, h]) => !fs.existsSync(path.join(cacheDir, h.hash)))
    .map(([id]) => id);
  return { coldHashes, notCached };
}

/**
 * Cold `nx run-many -t build` against cold `nx run-many -t build --batch` over the same BATCH_CONNECTORS
 * connectors (the workspace gets the connectors it lacks), each after `nx reset`, each followed by its
 * warm runs (100% hits or the bench fails), and the zips of both compared byte for byte.
 */
async function batchComparison(shPiped, root, connectors, log) {
  // Nx's output goes to a file, not a pipe: through a pipe, Nx 24.0.6 intermittently loses the tail of
  // a 200-task run-many's output (task lines and summary; exit code 0), with and without --batch: 2 of
  // 6 runs here, against 0 of 5 into a file. The counts come from Nx's run record (cacheReport); the
  // file keeps the whole output for an error message.
  const sh = async (command, extraEnv) => {
    const file = path.join(os.tmpdir(), `tc-bench-out-${process.pid}-${Date.now()}`);
    try {
      const result = await shPiped(`${command} > ${file} 2>&1`, extraEnv);
      return { ...result, output: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      e.message += fs.existsSync(file) ? `\n${fs.readFileSync(file, 'utf8').slice(-4000)}` : '';
      throw e;
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
  for (let i = connectors.length; i < BATCH_CONNECTORS; i++) connectors.push(writeConnector(root, i));
  await sh('git add -A && git commit -qm "more connectors" --allow-empty');
  const selected = connectors.slice(0, BATCH_CONNECTORS).map((c) => c.name);
  const projects = `--projects=${selected.join(',')}`;
  const zipsOf = () =>
    Object.fromEntries(
      connectors.slice(0, BATCH_CONNECTORS).map((c) => [c.name, fs.readFileSync(path.join(root, c.dir, '.tray/connector.zip'))]),
    );
  const runs = {};
  for (const [label, flags] of [
    ['without --batch', ''],
    ['with --batch', ' --batch'],
  ]) {
    log(`cold run-many -t build${flags} (${BATCH_CONNECTORS} connectors)`);
    await sh('npx nx reset');
    for (const c of connectors) fs.rmSync(path.join(root, c.dir, '.tray'), { recursive: true, force: true });
    const command = `npx nx run-many -t build ${projects} --outputStyle=static${flags}`;
    const since = Date.now();
    const cold = await measured(sh, command);
    const report = cacheReport(root, command, 'build', BATCH_CONNECTORS, since);
    const { coldHashes, notCached } = await coldCacheState(sh);
    log(`warm run-many -t build${flags} (${WARM_RUNS} runs)`);
    const warms = await warmRuns(sh, command, BATCH_CONNECTORS, coldHashes, notCached, root);
    runs[label] = { cold, ran: report.ran.length, warm: median(warms), zips: zipsOf() };
  }
  const a = runs['without --batch'];
  const b = runs['with --batch'];
  const differing = Object.keys(a.zips).filter((n) => !a.zips[n].equals(b.zips[n]));
  const cpu = (r) => (r.cold.cpuSeconds === undefined ? 'n/a' : s(r.cold.cpuSeconds));
  return [
    [
      `cold \`nx run-many -t build\`, ${BATCH_CONNECTORS} connectors: wall (CPU)`,
      `${s(a.cold.seconds)} (${cpu(a)}), ${a.ran}/${BATCH_CONNECTORS} ran`,
    ],
    [
      `cold \`nx run-many -t build --batch\`, ${BATCH_CONNECTORS} connectors: wall (CPU)`,
      `${s(b.cold.seconds)} (${cpu(b)}), ${b.ran}/${BATCH_CONNECTORS} ran`,
    ],
    [
      'without / with --batch (wall; CPU)',
      `${(a.cold.seconds / b.cold.seconds).toFixed(1)}x; ${a.cold.cpuSeconds && b.cold.cpuSeconds ? `${(a.cold.cpuSeconds / b.cold.cpuSeconds).toFixed(1)}x` : 'n/a'} (goal: at least 10x)`,
    ],
    [
      'peak memory, without / with --batch: sum of RSS over the nx process tree (sampled /proc, 100 ms); largest single process (max RSS)',
      `${mb(a.cold.peakTreeRss)} / ${mb(b.cold.peakTreeRss)}; ${a.cold.maxProcessRss ? mb(a.cold.maxProcessRss) : 'n/a'} / ${b.cold.maxProcessRss ? mb(b.cold.maxProcessRss) : 'n/a'}`,
    ],
    [
      `warm run-many, without / with --batch (${WARM_RUNS} runs each, median)`,
      `${s(a.warm)} / ${s(b.warm)}: ${BATCH_CONNECTORS}/${BATCH_CONNECTORS} cache hits in every run (the bench fails otherwise)`,
    ],
    [
      'zips of the batch build identical to the single builds',
      differing.length ? `NO: ${differing.slice(0, 5).join(', ')}` : `yes (${BATCH_CONNECTORS}/${BATCH_CONNECTORS})`,
    ],
  ];
}

const s = (x) => `${x.toFixed(2)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run({ log }) {
  if (!fs.existsSync(path.join(DIST_PLUGIN, 'package.json')) || !fs.existsSync(path.join(DIST_EMULATOR, 'package.json'))) {
    throw new Error('dist/packages is missing: `npm run bench` builds first');
  }
  const { startEmulator } = require(DIST_EMULATOR);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-monorepo-'));
  const root = path.join(tmp, 'ws');
  fs.mkdirSync(root);
  const emu = await startEmulator({ deployDelayMs: 20 });
  try {
    log('packing the plugin');
    const tarball = packPackage(DIST_PLUGIN, tmp);
    const write = folderWriter(root);
    writeWorkspaceFiles(write, 'bench-monorepo', pluginDevDependencies(tarball, { '@trayio/cdk-dsl': '4.65.0' }));
    const env = emu.env();
    const sh = makeRunner(root, env);
    log('installing (npm, offline cache preferred)');
    await sh('npm install --prefer-offline --no-audit --no-fund');
    await sh('npx nx g tray-connector:init --skipPackageJson --no-interactive');
    write(
      'tsconfig.base.json',
      JSON.stringify(
        { compilerOptions: { baseUrl: '.', strict: true, paths: { '@bench/shared': ['libs/shared/src/index.ts'] } } },
        null,
        2,
      ) + '\n',
    );
    write('libs/shared/project.json', JSON.stringify({ name: 'shared', projectType: 'library' }) + '\n');
    write('libs/shared/src/index.ts', 'export const label = (id: string): string => `#${id}`;\n');
    log(`generating ${CONNECTORS} connectors`);
    const connectors = [];
    for (let i = 0; i < CONNECTORS; i++) connectors.push(writeConnector(root, i));
    await sh(
      'git init -q -b main && git config user.email bench@example.com && git config user.name bench && git config commit.gpgsign false && git add -A && git commit -qm connectors',
    );

    log('project graph with a cold and a warm tray-connector plugin cache (median of 3 each)');
    await sh('npx nx reset');
    const first = await sh('npx nx show projects');
    const projectCount = first.output.split('\n').filter((l) => /^connector-\d+$/.test(l.trim())).length;
    const dataDir = path.join(root, '.nx', 'workspace-data');
    const dropPluginCache = () => {
      for (const f of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [])
        if (/^tray-connector-.*\.hash$/.test(f)) fs.rmSync(path.join(dataDir, f));
    };
    const graphCold = [];
    const graphWarm = [];
    for (let i = 0; i < 3; i++) {
      dropPluginCache();
      graphCold.push((await sh('npx nx show projects')).seconds);
      graphWarm.push((await sh('npx nx show projects')).seconds);
    }

    log('cold run-many -t build');
    await sh('npx nx reset');
    const cold = await runMany(sh, root, 'npx nx run-many -t build --outputStyle=static', 'build', CONNECTORS);
    const coldReport = cold.report;
    const zip0 = path.join(root, connectors[0].dir, '.tray/connector.zip');
    const zipMtime = fs.statSync(zip0).mtimeMs;
    // Nx's hash of every build with nothing changed since the cold run: what each warm run must find in the cache.
    const { coldHashes, notCached } = await coldCacheState(sh);
    log(`warm run-many -t build (${WARM_RUNS} runs)`);
    const warms = await warmRuns(sh, 'npx nx run-many -t build --outputStyle=static', CONNECTORS, coldHashes, notCached, root);
    const warm = { seconds: median(warms) };
    const warmHits = CONNECTORS;
    const zipUntouched = fs.statSync(zip0).mtimeMs === zipMtime;

    log('first deploy of every connector (fills the deploy cache)');
    const fullDeploy = await sh('npx nx run-many -t deploy --outputStyle=static');
    const fullRequests = emu.requests.filter((r) => r.kind === 'deploy').length;
    const expectedFull = connectors.reduce((n, c) => n + c.regions.length, 0);

    log('change one operation of one connector, commit, nx affected -t deploy');
    const changed = connectors[4];
    writeConnector(root, connectors.indexOf(changed), '\n  /** @title Page */\n  page?: number;');
    await sh('git commit -qam "change one connector"');
    const before = emu.requests.length;
    const affected = await sh('npx nx affected -t deploy --base=HEAD~1 --outputStyle=static');
    const affectedDeploys = emu.requests.slice(before).filter((r) => r.kind === 'deploy');
    const affectedConnectors = [...new Set(affectedDeploys.map((r) => r.connectorName))];

    log('no change: affected and run-many -t deploy again');
    const before2 = emu.requests.length;
    const idleAffected = await sh('npx nx affected -t deploy --outputStyle=static');
    const idleRunMany = await sh('npx nx run-many -t deploy --outputStyle=static');
    const idleRequests = emu.requests.slice(before2).filter((r) => r.kind === 'deploy').length;

    const batchRows = process.env.BENCH_BATCH === '0' ? [] : await batchComparison(sh, root, connectors, log);

    const rows = [
      ['Connectors in the graph', `${projectCount} (+ 1 shared library)`],
      ['`nx show projects`, tray-connector plugin cache removed (median of 3)', s(median(graphCold))],
      ['`nx show projects`, plugin cache warm (median of 3)', s(median(graphWarm))],
      ['cold `nx run-many -t build` (empty cache)', s(cold.seconds)],
      ["cold builds that ran (Nx's run record)", `${coldReport.ran.length}/${CONNECTORS}`],
      [
        `warm \`nx run-many -t build\` (no change), ${WARM_RUNS} runs (median)`,
        `${s(warm.seconds)}: ${warmHits}/${CONNECTORS} cache hits in every run (the bench fails otherwise), zips ${zipUntouched ? 'not rewritten' : 'REWRITTEN'}`,
      ],
      ['warm / cold', `${((warm.seconds / cold.seconds) * 100).toFixed(1)} % (goal: at most 10 %)`],
      [
        'first `nx run-many -t deploy` (all connectors, all their regions)',
        `${s(fullDeploy.seconds)}: ${fullRequests} deploy requests (expected ${expectedFull})`,
      ],
      [
        `\`nx affected -t deploy\` after changing one operation of ${changed.name} (${changed.regions.join(', ')})`,
        `${s(affected.seconds)}: ${affectedDeploys.length} deploy request(s), for ${affectedConnectors.join(', ') || 'no connector'}`,
      ],
      [
        'no change: `nx affected -t deploy` + `nx run-many -t deploy`',
        `${s(idleAffected.seconds)} + ${s(idleRunMany.seconds)}: ${idleRequests} deploy requests`,
      ],
      ...batchRows,
    ];
    const markdown = [
      `A generated workspace of ${CONNECTORS} connectors (${OPERATIONS} operations each, one in three importing a shared library; regions us / us,eu / eu,apac), the plugin installed from its packed tarball, daemon off, Nx ${WORKSPACE_NX.nx}, ${os.cpus().length} CPUs. Deploys go to the local emulator.`,
      '',
      '| Measure | Result |',
      '| --- | --- |',
      ...rows.map(([a, b]) => `| ${a} | ${b} |`),
    ].join('\n');
    return { title: `Monorepo: ${CONNECTORS} connectors, cached builds and affected deploys`, markdown };
  } finally {
    await emu.close();
    if (!process.env.BENCH_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
