// Connector test benchmark (issue 29.7): a connector imported from a generated 180-operation spec by
// the built import generator (dist/packages/tray-connector, through Nx's file tree as `nx g` writes it),
// then its tests run as its `test` target runs them (`jest --config jest.config.js`, cold jest cache,
// jest's default workers: on 2 cores one, in band) three ways, interleaved: the jest config the generators
// wrote before (ts-jest type-checking every file: "type-checked"), today's (each file transpiled,
// isolatedModules) with V8's default heap limit ("transpiled", as the test target ran it before), and
// today's as the test target runs it now, with the target's `options.env` (NODE_OPTIONS with a 384 MB heap
// limit: "transpiled, target env"). Reports wall time, CPU time and the peak memory of the whole process
// tree (every jest process summed), with the load average. Measures only; asserts nothing.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const DIST = path.join(REPO, 'dist/packages/tray-connector');
const OPERATIONS = Number(process.env.BENCH_CONNECTOR_TEST_OPERATIONS || 180);
const RUNS = Number(process.env.BENCH_CONNECTOR_TEST_RUNS || 1);
/** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;
/** What the generators wrote before: ts-jest with the connector's tsconfig.json as a path (a language service, type-checking). */
const TYPE_CHECKED_TSCONFIG = "tsconfig: '<rootDir>/tsconfig.json',";
/** Today's template: tsconfig.json plus the compiler option overrides (isolatedModules, the workspace's aliases). */
const TRANSPILED_TSCONFIG = 'tsconfig: overrides,';

/** Sums of RSS (bytes) and CPU seconds (user + system) of `pid` and all its descendants, from /proc. */
function treeUsage(pid) {
  const children = new Map();
  const rss = new Map();
  const cpu = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  const sum = { rss: 0, cpu: 0 };
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    sum.rss += rss.get(p) ?? 0;
    sum.cpu += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return sum;
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/**
 * Runs jest in `dir` with `env` over this process's environment (less NODE_OPTIONS: only a config's own
 * env sets it); resolves with wall seconds, CPU seconds, peak tree RSS, the load average and the summary lines.
 */
function runJest(dir, cacheDirectory, env) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const jest = require.resolve('jest/bin/jest', { paths: [REPO] });
    const inherited = { ...process.env };
    delete inherited.NODE_OPTIONS;
    const child = spawn(process.execPath, [jest, '--config', 'jest.config.js', '--passWithNoTests', `--cacheDirectory=${cacheDirectory}`], {
      cwd: dir,
      env: { ...inherited, CI: 'true', ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let peak = 0;
    let cpu = 0;
    const timer = setInterval(() => {
      const usage = treeUsage(child.pid);
      peak = Math.max(peak, usage.rss);
      cpu = Math.max(cpu, usage.cpu);
    }, 200);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const summary = output.split('\n').filter((l) => /^Test Suites:|^Tests:/.test(l));
      resolve({ seconds: (Date.now() - started) / 1000, cpu, peakMb: peak / 2 ** 20, load: loadAverage(), code, summary });
    });
  });
}

/** The connector as `nx g tray-connector:import` writes it (skipFormat, skipInstall: the repo's node_modules serve it). */
async function importConnector(workspace, spec) {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'bench-ws', private: true }));
  fs.writeFileSync(path.join(workspace, 'nx.json'), '{}');
  const { FsTree, flushChanges } = require(require.resolve('nx/src/generators/tree', { paths: [REPO] }));
  const { importGenerator } = require(path.join(DIST, 'src/generators/import/generator.js'));
  const tree = new FsTree(workspace, false);
  // The generator's report goes to Nx's logger (stdout), where the bench prints its markdown: kept out.
  const { logger } = require(require.resolve('@nx/devkit', { paths: [REPO] }));
  const info = logger.info;
  logger.info = () => undefined;
  try {
    await importGenerator(tree, { spec, name: 'bench', skipInstall: true, skipFormat: true });
  } finally {
    logger.info = info;
  }
  flushChanges(workspace, tree.listChanges());
  return path.join(workspace, 'connectors', 'bench');
}

async function run({ log }) {
  if (!fs.existsSync(path.join(DIST, 'src/generators/import/generator.js')))
    throw new Error('dist/packages/tray-connector is not built: run `npm run build` first');
  const { generatedSpec } = require('./import.bench.js');
  const tmp = path.join(REPO, 'tmp', 'bench-connector-test');
  fs.mkdirSync(tmp, { recursive: true });
  const spec = path.join(tmp, `generated-${OPERATIONS}.json`);
  fs.writeFileSync(spec, JSON.stringify(generatedSpec(OPERATIONS)));
  const dir = await importConnector(path.join(tmp, 'ws'), spec);
  const transpiled = fs.readFileSync(path.join(dir, 'jest.config.js'), 'utf8');
  const typeChecked = transpiled.replace(TRANSPILED_TSCONFIG, TYPE_CHECKED_TSCONFIG);
  if (typeChecked === transpiled) throw new Error(`the generated jest.config.js is not the one this bench knows:\n${transpiled}`);
  // What the test target runs jest with today (the built plugin's target, as createNodes and `new` give it).
  const { testTarget } = require(path.join(DIST, 'src/plugin/targets.js'));
  const targetEnv = testTarget().options.env ?? {};
  const variants = [
    ['type-checked', typeChecked, {}],
    ['transpiled', transpiled, {}],
    ['transpiled, target env', transpiled, targetEnv],
  ];
  const results = Object.fromEntries(variants.map(([label]) => [label, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [label, config, env] of variants) {
      fs.writeFileSync(path.join(dir, 'jest.config.js'), config);
      const cache = path.join(tmp, `jest-cache-${i}`);
      fs.rmSync(cache, { recursive: true, force: true });
      const r = await runJest(dir, cache, env);
      fs.rmSync(cache, { recursive: true, force: true });
      log(
        `${label} run ${i + 1}/${RUNS}: ${r.seconds.toFixed(1)} s (cpu ${r.cpu.toFixed(1)} s), ${r.peakMb.toFixed(0)} MB, load ${r.load}, exit ${r.code}; ${r.summary.join('; ')}`,
      );
      results[label].push(r);
    }
  }
  fs.writeFileSync(path.join(dir, 'jest.config.js'), transpiled);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (label, what) => {
    const rs = results[label];
    const m = (f) => median(rs.map(f));
    return `| ${what} | ${m((r) => r.seconds).toFixed(1)} s | ${m((r) => r.cpu).toFixed(1)} s | ${m((r) => r.peakMb).toFixed(0)} MB | ${rs.map((r) => r.load.split(' ')[0]).join(', ')} | ${rs[rs.length - 1].summary.join(', ')} |`;
  };
  const envText = Object.entries(targetEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    title: `Tests of an imported ${OPERATIONS}-operation connector`,
    markdown: [
      `\`jest --config jest.config.js\` in a connector imported from a generated ${OPERATIONS}-operation spec (the test target's command), cold jest cache, jest's default workers; median of ${RUNS} run(s) each, interleaved. Load average at the end: ${loadAverage()}.`,
      '',
      '| jest config | Wall time | CPU time | Peak memory (all jest processes) | Load (1 min) at each end | Result |',
      '| --- | --- | --- | --- | --- | --- |',
      row('type-checked', "before: ts-jest type-checks every file (`tsconfig: '<rootDir>/tsconfig.json'`)"),
      row('transpiled', "transpiled (`isolatedModules`), the build owns the type check; V8's default heap limit"),
      row('transpiled, target env', `today, as the test target runs it: transpiled, with \`${envText || 'no env'}\``),
    ].join('\n'),
  };
}

module.exports = { run };
