// `nx g tray-connector:import` as a user runs it (issue 29.7): GitHub's REST spec (BENCH_GITHUB_SPEC; else a
// generated spec of as many operations) imported by the Nx CLI in a workspace whose node_modules hold the
// built plugin, today's beside the baseline's (the plugin as it was at BENCH_IMPORT_BASELINE, default the
// commit before issue 19's rewrite, built by that commit's own `nx build`), interleaved, each run after
// `sync` so one run's writes do not slow the next. Then the disk's own share: creating the same files with
// plain fs.writeFileSync. Then one run with a `.prettierrc` in the workspace, as create-nx-workspace makes
// it: Nx formats every generated file with Prettier. Measures only; asserts nothing.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BASELINE_REF, baselineSha, generatedSpec } = require('./import.bench.js');

const REPO = path.resolve(__dirname, '../..');
const DIST = path.join(REPO, 'dist/packages/tray-connector');
const RUNS = Number(process.env.BENCH_IMPORT_RUNS || 3);
const NX = path.join(REPO, 'node_modules/nx/dist/bin/nx.js');
const ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The plugin as it was at BASELINE_REF, built by that commit's `nx build` (kept in tmp/, git-ignored). */
function baselinePlugin(log) {
  const sha = baselineSha(log);
  if (!sha) return undefined;
  const dir = path.join(REPO, 'tmp', `bench-import-nx-baseline-${sha}`);
  const dist = path.join(dir, 'dist/packages/tray-connector');
  if (fs.existsSync(path.join(dist, 'generators.json'))) return { sha, dist };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const extract = spawnSync('bash', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], { cwd: REPO, encoding: 'utf8' });
  if (extract.status !== 0) throw new Error(`git archive ${sha}: ${extract.stderr}`);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  const build = spawnSync(process.execPath, [NX, 'build', 'tray-connector', '--skip-nx-cache'], { cwd: dir, env: ENV, encoding: 'utf8' });
  if (!fs.existsSync(path.join(dist, 'generators.json')))
    throw new Error(`building the baseline ${sha} failed:\n${build.stdout}${build.stderr}`);
  log(`baseline ${BASELINE_REF} (${sha}) built into ${path.relative(REPO, dir)}`);
  return { sha, dist };
}

/** A workspace whose node_modules is this repository's, except `tray-connector`, which is `plugin`. */
function workspace(dir, plugin) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (entry !== 'tray-connector') fs.symlinkSync(path.join(REPO, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  fs.symlinkSync(plugin, path.join(dir, 'node_modules', 'tray-connector'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-ws', private: true }));
  return dir;
}

/** One `nx g tray-connector:import` into a clean workspace state, after `sync`. */
function importOnce(dir, spec, { prettier = false } = {}) {
  for (const p of ['connectors', '.nx', '.prettierrc']) fs.rmSync(path.join(dir, p), { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, 'nx.json'), '{}');
  if (prettier) fs.writeFileSync(path.join(dir, '.prettierrc'), '{ "singleQuote": true }\n');
  spawnSync('sync');
  const started = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      process.execPath,
      NX,
      'g',
      'tray-connector:import',
      `--spec=${spec}`,
      '--name=github',
      '--skipInstall',
      '--no-interactive',
    ],
    { cwd: dir, env: ENV, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`nx g in ${dir} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  const rssMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
  const took = /Import took (\d+) ms/.exec(r.stdout);
  return { ms, rssMb, importMs: took ? Number(took[1]) : undefined };
}

/** Every file under `dir`, with its bytes. */
function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      out.push([path.relative(dir, file), fs.readFileSync(file)]);
    }
  }
  return out;
}

/** The disk's share: the same files created with plain fs calls (one mkdir a folder), after `sync`. */
function writeOnly(files, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  spawnSync('sync');
  const started = process.hrtime.bigint();
  const made = new Set();
  for (const [rel, bytes] of files) {
    const parent = path.dirname(path.join(dir, rel));
    if (!made.has(parent)) fs.mkdirSync(parent, { recursive: true });
    made.add(parent);
    fs.writeFileSync(path.join(dir, rel), bytes);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function run({ log }) {
  if (!fs.existsSync(path.join(DIST, 'generators.json')))
    throw new Error('dist/packages/tray-connector is not built: run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-import-nx-'));
  try {
    let spec = process.env.BENCH_GITHUB_SPEC;
    const label = spec
      ? `GitHub REST (${path.basename(spec)})`
      : 'generated, 1,221 operations (set BENCH_GITHUB_SPEC for GitHub\u2019s own)';
    if (!spec) {
      spec = path.join(tmp, 'generated-1221.json');
      fs.writeFileSync(spec, JSON.stringify(generatedSpec(1221)));
    }
    const baseline = baselinePlugin(log);
    const today = workspace(path.join(tmp, 'today'), DIST);
    const before = baseline ? workspace(path.join(tmp, 'baseline'), baseline.dist) : undefined;
    const runs = { today: [], baseline: [], disk: [] };
    let files = [];
    for (let i = 0; i < RUNS; i++) {
      runs.today.push(importOnce(today, spec));
      log(`today run ${i + 1}/${RUNS}: ${runs.today[i].ms.toFixed(0)} ms (import ${runs.today[i].importMs} ms)`);
      if (i === 0) files = filesUnder(path.join(today, 'connectors'));
      runs.disk.push(writeOnly(files, path.join(tmp, 'disk')));
      log(`disk only run ${i + 1}/${RUNS}: ${runs.disk[i].toFixed(0)} ms for ${files.length} files`);
      if (before) {
        runs.baseline.push(importOnce(before, spec));
        log(`baseline run ${i + 1}/${RUNS}: ${runs.baseline[i].ms.toFixed(0)} ms (import ${runs.baseline[i].importMs ?? '?'} ms)`);
      }
    }
    const prettier = importOnce(today, spec, { prettier: true });
    log(`today with .prettierrc: ${prettier.ms.toFixed(0)} ms`);
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const cell = (rs, key) => `${median(rs.map((r) => r[key] ?? NaN)).toFixed(0)}`;
    const row = (what, rs) =>
      `| ${what} | ${cell(rs, 'ms')} ms (${Math.min(...rs.map((r) => r.ms)).toFixed(0)}-${Math.max(...rs.map((r) => r.ms)).toFixed(0)}) | ${rs.some((r) => r.importMs !== undefined) ? `${cell(rs, 'importMs')} ms` : '-'} | ${cell(rs, 'rssMb')} MB |`;
    return {
      title: 'Import through `nx g` (the Nx CLI, as a user runs it)',
      markdown: [
        `\`nx g tray-connector:import --spec=<${label}> --name=github --skipInstall\`, median of ${RUNS} (min-max), interleaved, \`sync\` before each; the workspace has no formatter configured unless said. ${files.length} files written. Load average at the end: ${load}.`,
        '',
        '| Run | Whole `nx g` | The generator\u2019s own "Import took" | Peak RSS |',
        '| --- | --- | --- | --- |',
        row('today', runs.today),
        ...(before ? [row(`baseline (${BASELINE_REF}, ${baseline.sha})`, runs.baseline)] : []),
        `| the disk alone: the same ${files.length} files created with fs.writeFileSync | ${median(runs.disk).toFixed(0)} ms (${Math.min(...runs.disk).toFixed(0)}-${Math.max(...runs.disk).toFixed(0)}) | - | - |`,
        `| today, with a \`.prettierrc\` (Nx formats each file with Prettier), once | ${prettier.ms.toFixed(0)} ms | ${prettier.importMs ?? '-'} ms | ${prettier.rssMb.toFixed(0)} MB |`,
      ].join('\n'),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
