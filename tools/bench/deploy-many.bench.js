// Deploy-many benchmark (issue 14, point 3): 50 connectors, 99 region deploys, against the emulator
// with 2 s deployments and Tray's rate limit enforced (30 requests/s per region, 429 above), in a
// generated workspace with the packed plugin. Side by side:
//   before:  fixed 5 s first poll (the old schedule), `nx run-many -t deploy` at Nx's default --parallel (3)
//   single:  the new schedule (first poll after 1 s, growing to pollIntervalSeconds), default --parallel
//   batch:   `nx run-many -t deploy --batch`: every deploy at once in one process, paced together
// Builds run once before (the deploy runs exclude task dependencies, so only deploys are timed).
// Ideal: every deployment at once = one 2 s deployment + the uploads (the span of the deploy
// requests of the batch run). "At Tray" is the span from the first to the last request the emulator
// saw in a run (Nx's start-up excluded); the wall time of the command is given too.
// Measures only; asserts nothing about timings.
const { spawn } = require('child_process');
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
} = require('../workspace/connector-files');

const REPO = path.resolve(__dirname, '../..');
const DIST_PLUGIN = path.join(REPO, 'dist/packages/tray-connector');
const DIST_EMULATOR = path.join(REPO, 'dist/packages/tray-api-emulator');
const CONNECTORS = Number(process.env.BENCH_DEPLOY_CONNECTORS || 50);
const DEPLOY_MS = Number(process.env.BENCH_DEPLOY_MS || 2000);
const LIMIT = 30;
const PAIRS = [
  ['us', 'eu'],
  ['eu', 'apac'],
  ['us', 'apac'],
];

/** One connector with one operation; the first deploys to one region, the others to two (99 region deploys for 50). */
function writeConnector(root, i) {
  const name = `connector-${String(i).padStart(3, '0')}`;
  const regions = i === 0 ? ['us'] : PAIRS[i % PAIRS.length];
  writeConnectorFiles(folderWriter(root), name, {
    title: `Connector ${i}`,
    description: '',
    deployOptions: { regions },
    operations: {
      op_0: { inputFields: '  id: string;\n', title: 'Op 0', description: `op_0 of ${name}`, result: '{ items: [{ id: input.id }] }' },
    },
  });
  return { name, regions };
}

/** Runs shell commands in the workspace, asynchronously (the emulator answering the deploys runs in this process). */
function shell(root, baseEnv) {
  return (command) =>
    new Promise((resolve, reject) => {
      const env = nxEnv(root, { ...baseEnv, GITHUB_STEP_SUMMARY: undefined });
      const started = process.hrtime.bigint();
      const child = spawn('bash', ['-c', command], { cwd: root, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (code !== 0) reject(new Error(`\`${command}\` exited ${code} in ${root}\n${output.slice(-4000)}`));
        else resolve({ seconds, output });
      });
    });
}

async function run({ log }) {
  if (!fs.existsSync(path.join(DIST_PLUGIN, 'package.json')) || !fs.existsSync(path.join(DIST_EMULATOR, 'package.json'))) {
    throw new Error('dist/packages is missing: `npm run bench` builds first');
  }
  const { startEmulator } = require(DIST_EMULATOR);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-deploy-many-'));
  const root = path.join(tmp, 'ws');
  fs.mkdirSync(root);
  const emu = await startEmulator({ deployDelayMs: DEPLOY_MS, rateLimit: { perSecond: LIMIT } });
  try {
    const tarball = packPackage(DIST_PLUGIN, tmp);
    writeWorkspaceFiles(folderWriter(root), 'bench-deploy-many', pluginDevDependencies(tarball, { '@trayio/cdk-dsl': '4.65.0' }));
    const sh = shell(root, emu.env());
    log('installing (npm, offline cache preferred)');
    await sh('npm install --prefer-offline --no-audit --no-fund');
    await sh('npx nx g tray-connector:init --skipPackageJson --no-interactive');
    const connectors = [];
    for (let i = 0; i < CONNECTORS; i++) connectors.push(writeConnector(root, i));
    const regionDeploys = connectors.reduce((n, c) => n + c.regions.length, 0);
    await sh(
      'git init -q -b main && git config user.email bench@example.com && git config user.name bench && git config commit.gpgsign false && git add -A && git commit -qm connectors',
    );
    log(`building ${CONNECTORS} connectors once`);
    await sh('npx nx run-many -t build --outputStyle=static');

    const variants = [
      {
        key: 'before',
        label: 'before: first poll after 5 s (old schedule), `run-many -t deploy` (default --parallel 3)',
        args: '--firstPollSeconds=5',
      },
      { key: 'single', label: 'new polls, `run-many -t deploy` (default --parallel 3)', args: '' },
      { key: 'batch', label: 'new polls, `run-many -t deploy --batch`', args: '--batch' },
      {
        key: 'batch25',
        label: 'new polls, `run-many -t deploy --batch --maxRequestsPerSecond=25`',
        args: '--batch --maxRequestsPerSecond=25',
      },
    ];
    // BENCH_DEPLOY_VARIANTS=batch,batch25 runs only those (for trying a change; the report needs all).
    const only = (process.env.BENCH_DEPLOY_VARIANTS || '').split(',').filter(Boolean);
    const results = {};
    for (const v of variants.filter((x) => !only.length || only.includes(x.key) || x.key === 'batch')) {
      emu.reset();
      log(`${v.key}: nx run-many -t deploy ${v.args}`);
      const r = await sh(`npx nx run-many -t deploy --excludeTaskDependencies ${v.args} --outputStyle=static`);
      const reqs = emu.requests;
      const deploys = reqs.filter((q) => q.kind === 'deploy');
      const span = (list) => (list.length ? (Math.max(...list.map((q) => q.at)) - Math.min(...list.map((q) => q.at))) / 1000 : 0);
      const rates = emu.rates();
      const deployed = emu.deployments.filter((d) => d.status === 'Deployed').length;
      if (deploys.length !== regionDeploys || deployed !== regionDeploys) {
        throw new Error(
          `deploy-many bench (${v.key}): ${deploys.length} deploy requests and ${deployed} deployments Deployed, expected ${regionDeploys} of each`,
        );
      }
      results[v.key] = {
        wall: r.seconds,
        atTray: span(reqs),
        uploads: span(deploys),
        requests: reqs.length,
        maxPerSecond: Math.max(...Object.values(rates.regions).map((x) => x.maxPerSecond)),
        overallMax: rates.overall.maxPerSecond,
        limited: rates.overall.rateLimited,
      };
      log(
        `  ${r.seconds.toFixed(1)} s wall, ${results[v.key].atTray.toFixed(1)} s at Tray, max ${results[v.key].maxPerSecond}/s per region, ${results[v.key].limited} 429s`,
      );
    }
    // Ideal: all at once = one deployment + the uploads (as fast as the batch sent them).
    const ideal = DEPLOY_MS / 1000 + results.batch.uploads;
    // The "before" figure compared with deploys waiting in waves of --parallel: ceil(n/3) deployments one after another.
    const waveIdeal = Math.ceil(CONNECTORS / 3) * (DEPLOY_MS / 1000);
    const rows = variants
      .filter((v) => results[v.key])
      .map((v) => {
        const x = results[v.key];
        return `| ${v.label} | ${x.wall.toFixed(1)} | ${x.atTray.toFixed(1)} | ${(x.atTray / ideal).toFixed(2)}x | ${x.requests} | ${x.maxPerSecond} (${x.overallMax} all regions) | ${x.limited} |`;
      });
    return {
      title: `Deploy many: ${CONNECTORS} connectors, ${regionDeploys} region deploys, ${DEPLOY_MS / 1000} s deployments, limit ${LIMIT}/s`,
      markdown: [
        `The emulator (in the bench process) runs each deployment ${DEPLOY_MS / 1000} s and enforces ${LIMIT} requests/s per region (429 + Retry-After above);`,
        'the plugin lets at most 20 requests reach one region with one token in any second. Builds ran once before; each run is `nx run-many -t deploy --excludeTaskDependencies`.',
        `Ideal = every deployment at once = ${DEPLOY_MS / 1000} s + the uploads (${results.batch.uploads.toFixed(2)} s from first to last deploy request in the batch run) = ${ideal.toFixed(2)} s.`,
        '"At Tray" is the span from the first to the last request the emulator saw (Nx start-up, project graph and task scheduling excluded); the ratio is that over the ideal.',
        '',
        '| Run | Wall (s) | At Tray (s) | vs ideal | Requests | Max requests/s per region | 429s |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
        `The issue's figure (2.7–3.2x) compared "before" with deploys in waves of --parallel (${Math.ceil(CONNECTORS / 3)} × ${DEPLOY_MS / 1000} s = ${waveIdeal} s at --parallel 3): ` +
          `here ${results.before ? (results.before.atTray / waveIdeal).toFixed(2) : '-'}x by that measure.`,
        '',
        `With the plain schedule a ${DEPLOY_MS / 1000} s deployment costs 3 requests (the POST, a poll at 1 s, one at 2.5 s), ~${regionDeploys} per region for ~${Math.round(regionDeploys / 3)} deploys, ` +
          `${(regionDeploys / 20).toFixed(1)} s at 20/s. In one process (--batch) the polls learn from Tray: the oldest deployment of a region finds how long Tray takes ` +
          'while the younger ones wait for it, then each polls first near that duration (2 requests a deploy). The limiter counts a request in its window ' +
          'from its send until its answer is back, so the emulator cannot count more than `maxRequestsPerSecond` in any second.',
      ].join('\n'),
    };
  } finally {
    await emu.close();
    if (!process.env.BENCH_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
