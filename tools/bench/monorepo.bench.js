// Monorepo benchmark (issue 5): a generated Nx workspace of 50 connectors with the packed plugin.
// Measures cold `nx run-many -t build` (empty Nx cache), warm run-many (everything cached), the
// project graph with a cold and a warm plugin cache, and `nx affected -t deploy` after changing one
// connector, against the emulator (built code from dist/), with the number of deploy requests.
// Measures only; asserts nothing about timings.
const { execFileSync, spawn } = require('child_process');
const { diffDetails } = require('./task-hashes');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const DIST_PLUGIN = path.join(REPO, 'dist/packages/tray-connector');
const DIST_EMULATOR = path.join(REPO, 'dist/packages/tray-api-emulator');
const CONNECTORS = Number(process.env.BENCH_CONNECTORS || 50);
const OPERATIONS = 2;
const REGIONS = [['us'], ['us', 'eu'], ['eu', 'apac']];

const pascal = (s) => s.replace(/(^|[_-])(\w)/g, (_m, _s, c) => c.toUpperCase());

function write(root, file, content) {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

/** One connector with the layout `tray-cdk connector init` gives; every third one imports the shared library. */
function writeConnector(root, i) {
  const name = `connector-${String(i).padStart(3, '0')}`;
  const dir = `connectors/${name}`;
  const auth = `${pascal(name)}Auth`;
  const regions = REGIONS[i % REGIONS.length];
  const importsLibrary = i % 3 === 0;
  write(
    root,
    `${dir}/connector.json`,
    JSON.stringify(
      {
        name,
        version: '1.0',
        title: `Connector ${i}`,
        description: '',
        service: { name, version: '1' },
        tags: ['service'],
        isTrigger: false,
      },
      null,
      2,
    ) + '\n',
  );
  write(
    root,
    `${dir}/package.json`,
    JSON.stringify({ name, version: '1.0.0', private: true, dependencies: { '@trayio/cdk-dsl': '4.65.0' } }, null, 2) + '\n',
  );
  write(
    root,
    `${dir}/tsconfig.json`,
    JSON.stringify(
      {
        extends: '../../tsconfig.base.json',
        compilerOptions: {
          target: 'ES2021',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          outDir: './dist',
          skipLibCheck: true,
        },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ) + '\n',
  );
  // The build type-checks the handlers: the auth type must be one the DSL takes.
  write(
    root,
    `${dir}/src/${auth}.ts`,
    `import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';\nexport type ${auth} = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;\n`,
  );
  // Regions per project.json (like a user who picked them with the generator); one in three is purely inferred.
  if (i % 3 !== 1)
    write(root, `${dir}/project.json`, JSON.stringify({ name, targets: { deploy: { options: { regions } } } }, null, 2) + '\n');
  for (let o = 0; o < OPERATIONS; o++) writeOperation(root, dir, name, auth, `op_${o}`, importsLibrary, '');
  return { name, dir, regions: i % 3 === 1 ? ['us'] : regions };
}

function writeOperation(root, dir, name, auth, op, importsLibrary, extra) {
  const P = pascal(op);
  write(root, `${dir}/src/${op}/operation.json`, JSON.stringify({ name: op, title: P, description: `${op} of ${name}` }) + '\n');
  write(
    root,
    `${dir}/src/${op}/input.ts`,
    `export type ${P}Input = {\n  /** @title Identifier */\n  id: string;\n  limit?: number;\n  mode: 'fast' | 'full';${extra}\n};\n`,
  );
  write(
    root,
    `${dir}/src/${op}/output.ts`,
    `export type ${P}Output = {\n  items: { id: string; name: string; tags: string[] }[];\n  next?: string;\n};\n`,
  );
  write(
    root,
    `${dir}/src/${op}/handler.ts`,
    [
      "import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';",
      "import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';",
      `import { ${auth} } from '../${auth}';`,
      `import { ${P}Input } from './input';`,
      `import { ${P}Output } from './output';`,
      importsLibrary ? "import { label } from '@bench/shared';" : '',
      `export const ${op}Handler = OperationHandlerSetup.configureHandler<${auth}, ${P}Input, ${P}Output>((handler) =>`,
      `  handler.usingComposite(async (_ctx, input) => OperationHandlerResult.success({ items: [{ id: input.id, name: ${importsLibrary ? 'label(input.id)' : 'input.id'}, tags: [] }] })),`,
      ');',
      '',
    ].join('\n'),
  );
}

function pack(dir, dest) {
  const out = execFileSync('npm', ['pack', dir, '--pack-destination', dest, '--json'], { encoding: 'utf8' });
  return path.join(dest, JSON.parse(out)[0].filename);
}

/**
 * Runs shell commands in the workspace, asynchronously: the emulator answering the deploys runs in
 * this process, so a synchronous spawn would starve it.
 */
function makeRunner(root, baseEnv) {
  // Nx 24 keeps a git workspace's cache and task database under ~/.nx/<workspace id>: keep them in the
  // bench workspace, which is removed at the end, rather than leave them in the user's home.
  const nxDirs = {
    NX_CACHE_DIRECTORY: path.join(root, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: path.join(root, '.nx', 'workspace-data'),
  };
  return (command, extraEnv = {}) =>
    new Promise((resolve, reject) => {
      const env = {
        ...process.env,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
        FORCE_COLOR: '0',
        NX_INTERACTIVE: 'false',
        ...nxDirs,
        ...baseEnv,
        ...extraEnv,
      };
      delete env.NX_SKIP_NX_CACHE;
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

const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS || 3);

/**
 * Each task of a static-style run and what Nx says of it: its `> nx run <project>:<target>` line ends
 * with `[local cache]`, `[existing outputs match the cache, left as is]` or `[remote cache]` when Nx
 * took it from the cache, with nothing when the task ran. Checked against Nx's own count in the
 * summary ("... from the cache instead of running the command for X out of Y tasks"), so a change
 * of Nx's wording fails the bench instead of miscounting.
 */
function cacheReport(output, target, expected) {
  const statuses = new Map();
  for (const m of output.matchAll(new RegExp(`^> nx run (\\S+:${target})(?:\\s+\\[([^\\]]+)\\])?\\s*$`, 'gm')))
    statuses.set(m[1], m[2] ?? 'ran');
  const ran = [...statuses].filter(([, status]) => status === 'ran').map(([id]) => id);
  const hits = statuses.size - ran.length;
  const summary = output.match(/from the cache instead of running the command for (\d+) out of (\d+) tasks/);
  const nxHits = summary ? Number(summary[1]) : ran.length === 0 ? statuses.size : 0;
  if (statuses.size !== expected || (summary && Number(summary[2]) !== expected) || nxHits !== hits) {
    throw new Error(
      `monorepo bench: cannot count the cache hits of \`nx run-many -t ${target}\`: ${statuses.size} task lines for ${expected} tasks, ` +
        `${hits} marked as from the cache, Nx's summary: ${summary ? summary[0] : 'none'}\n${output.slice(-3000)}`,
    );
  }
  return { hits, ran };
}

/** Nx's hash of every build task and its parts (tools/bench/task-hashes.js, run in the workspace). */
async function taskHashes(sh) {
  return JSON.parse((await sh(`node ${JSON.stringify(path.join(__dirname, 'task-hashes.js'))} build`)).output);
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
    const tarball = pack(DIST_PLUGIN, tmp);
    const nxVersion = require(path.join(REPO, 'node_modules/nx/package.json')).version;
    const devkitVersion = require(path.join(REPO, 'node_modules/@nx/devkit/package.json')).version;
    write(
      root,
      'package.json',
      JSON.stringify(
        {
          name: 'bench-monorepo',
          version: '0.0.0',
          private: true,
          devDependencies: { nx: nxVersion, '@nx/devkit': devkitVersion, 'tray-connector': `file:${tarball}`, '@trayio/cdk-dsl': '4.65.0' },
        },
        null,
        2,
      ) + '\n',
    );
    write(root, 'nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2) + '\n');
    write(root, '.gitignore', 'node_modules\n.nx\ndist\n');
    const env = emu.env();
    const sh = makeRunner(root, env);
    log('installing (npm, offline cache preferred)');
    await sh('npm install --prefer-offline --no-audit --no-fund');
    await sh('npx nx g tray-connector:init --skipPackageJson --no-interactive');
    write(
      root,
      'tsconfig.base.json',
      JSON.stringify(
        { compilerOptions: { baseUrl: '.', strict: true, paths: { '@bench/shared': ['libs/shared/src/index.ts'] } } },
        null,
        2,
      ) + '\n',
    );
    write(root, 'libs/shared/project.json', JSON.stringify({ name: 'shared', projectType: 'library' }) + '\n');
    write(root, 'libs/shared/src/index.ts', 'export const label = (id: string): string => `#${id}`;\n');
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
    const cold = await sh('npx nx run-many -t build --outputStyle=static');
    const coldReport = cacheReport(cold.output, 'build', CONNECTORS);
    const zip0 = path.join(root, connectors[0].dir, '.tray/connector.zip');
    const zipMtime = fs.statSync(zip0).mtimeMs;
    // Nx's hash of every build with nothing changed since the cold run: what each warm run must find in the cache.
    const coldHashes = await taskHashes(sh);
    const cacheDir = (await sh(`node -e "process.stdout.write(require('nx/src/utils/cache-directory').cacheDir)"`)).output.trim();
    const notCached = Object.entries(coldHashes)
      .filter(([, h]) => !fs.existsSync(path.join(cacheDir, h.hash)))
      .map(([id]) => id);
    const warms = [];
    for (let i = 1; i <= WARM_RUNS; i++) {
      log(`warm run-many -t build (${i} of ${WARM_RUNS})`);
      const warm = await sh('npx nx run-many -t build --outputStyle=static');
      const report = cacheReport(warm.output, 'build', CONNECTORS);
      if (report.hits !== CONNECTORS || notCached.length) {
        // Every warm build must be a hit: say which ran again and which of its inputs Nx hashed differently.
        const now = await taskHashes(sh);
        const why = [...new Set([...report.ran, ...notCached])]
          .slice(0, 20)
          .map(
            (id) =>
              `  ${id}: ${diffDetails(coldHashes[id], now[id]).join(', ') || `hash unchanged (${now[id]?.hash}) yet ${notCached.includes(id) ? 'not in the cache after the cold run' : 'not found in the cache'}`}`,
          );
        throw new Error(
          `monorepo bench: warm run ${i} of ${WARM_RUNS} was ${report.hits}/${CONNECTORS} cache hits, not ${CONNECTORS}/${CONNECTORS}; ` +
            `builds that ran again and the inputs Nx hashed differently since the cold run:\n${why.join('\n')}\n(workspace: ${root}; BENCH_KEEP=1 keeps it)`,
        );
      }
      warms.push(warm.seconds);
    }
    const warm = { seconds: median(warms) };
    const warmHits = CONNECTORS;
    const zipUntouched = fs.statSync(zip0).mtimeMs === zipMtime;

    log('first deploy of every connector (fills the deploy cache)');
    const fullDeploy = await sh('npx nx run-many -t deploy --outputStyle=static');
    const fullRequests = emu.requests.filter((r) => r.kind === 'deploy').length;
    const expectedFull = connectors.reduce((n, c) => n + c.regions.length, 0);

    log('change one operation of one connector, commit, nx affected -t deploy');
    const changed = connectors[4];
    writeOperation(
      root,
      changed.dir,
      changed.name,
      `${pascal(changed.name)}Auth`,
      'op_0',
      false,
      '\n  /** @title Page */\n  page?: number;',
    );
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

    const rows = [
      ['Connectors in the graph', `${projectCount} (+ 1 shared library)`],
      ['`nx show projects`, tray-connector plugin cache removed (median of 3)', s(median(graphCold))],
      ['`nx show projects`, plugin cache warm (median of 3)', s(median(graphWarm))],
      ['cold `nx run-many -t build` (empty cache)', s(cold.seconds)],
      ['cold builds that ran (Nx summary)', `${coldReport.ran.length}/${CONNECTORS}`],
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
    ];
    const markdown = [
      `A generated workspace of ${CONNECTORS} connectors (${OPERATIONS} operations each, one in three importing a shared library; regions us / us,eu / eu,apac), the plugin installed from its packed tarball, daemon off, Nx ${nxVersion}, ${os.cpus().length} CPUs. Deploys go to the local emulator.`,
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
