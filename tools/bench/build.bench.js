// Build benchmark (issues 2 and 10): a generated 20-operation connector, built by this plugin (the built
// code in dist/packages/tray-connector) and by @trayio/cdk-build 2.19.0 (what `tray-cdk connector
// build` runs) on the same sources. Each run is a fresh node process, as a real build is.
// Reports the median of a few runs of each and the ratio. Measures only; asserts nothing.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const DIST_BUILD = path.join(REPO, 'dist/packages/tray-connector/src/core/build/build-connector.js');
const TRAY_BUILDER = require.resolve('@trayio/cdk-build/connector/ConnectorBuilder', { paths: [REPO] });
const OPERATIONS = 20;
const RUNS = Number(process.env.BENCH_BUILD_RUNS || 3);
// @trayio/cdk-build takes minutes a run: on a busy machine BENCH_TRAY_RUNS=1 keeps the bench short.
const TRAY_RUNS = Number(process.env.BENCH_TRAY_RUNS || RUNS);

const pascal = (s) => s.replace(/(^|_)(\w)/g, (_m, _s, c) => c.toUpperCase());

function write(root, file, content) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/**
 * A connector as `nx g tray-connector:new` + `operation` lay it out (the generator's tsconfig, token
 * auth, http handlers with the DSL, a handler test each, test.ctx.json git-ignored), with 20
 * operations of varied types.
 */
function generateConnector(dir) {
  write(
    dir,
    'connector.json',
    JSON.stringify(
      {
        name: 'bench-connector',
        version: '1.0',
        title: 'Bench Connector',
        description: '',
        service: { name: 'bench', version: '1' },
        tags: ['service'],
        isTrigger: false,
      },
      null,
      2,
    ),
  );
  write(
    dir,
    'package.json',
    JSON.stringify(
      { name: 'bench-connector', version: '1.0.0', dependencies: { '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0' } },
      null,
      2,
    ),
  );
  write(
    dir,
    'tsconfig.json',
    JSON.stringify(
      {
        compilerOptions: {
          target: 'es2021',
          module: 'commonjs',
          lib: ['es2021'],
          esModuleInterop: true,
          strict: true,
          skipLibCheck: true,
          rootDir: './src',
          outDir: './dist',
        },
        include: ['src/**/*.ts'],
        exclude: ['node_modules', 'dist', '.tray'],
      },
      null,
      2,
    ),
  );
  write(dir, 'jest.config.js', "module.exports = { preset: 'ts-jest', testMatch: ['**/?(*.)+(test).ts'] };\n");
  write(dir, '.gitignore', '*.ctx.json\n');
  write(
    dir,
    'src/BenchConnectorAuth.ts',
    `import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

export type BenchConnectorAuth = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;
`,
  );
  write(dir, 'src/test.ctx.json', '{"auth":{"user":{"access_token":"not-a-real-token"}}}\n');
  for (let i = 0; i < OPERATIONS; i++) {
    const op = `operation_${i}`;
    const type = pascal(op);
    write(dir, `src/${op}/operation.json`, JSON.stringify({ name: op, title: `Operation ${i}`, description: '' }));
    write(
      dir,
      `src/${op}/input.ts`,
      `import { FileReference } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

type Filter = { field: 'name' | 'created_at' | 'status'; value: string };

export type ${type}Input = {
  /**
   * @lookupOperation list_items_ddl
   * @lookupInput {"page": ${i}}
   * @lookupAuthRequired true
   */
  id: string;
  /** @enumLabels Active, Archived */
  status?: 'active' | 'archived';
  /** @advanced true */
  page_size?: number;
  filters: Filter[];
  file?: FileReference;
  nested: { a: { b: { c: string[] } } };
};
`,
    );
    write(
      dir,
      `src/${op}/output.ts`,
      `type Base = { id: string; created_at: string };

export type ${type}Output = {
  items: (Base & { kind: 'person'; name: string } | Base & { kind: 'company'; company: string })[];
  total: number;
  next?: string;
};
`,
    );
    write(
      dir,
      `src/${op}/handler.ts`,
      `import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';
import { BenchConnectorAuth } from '../BenchConnectorAuth';
import { ${type}Input } from './input';
import { ${type}Output } from './output';

export const operation${i}Handler = OperationHandlerSetup.configureHandler<BenchConnectorAuth, ${type}Input, ${type}Output>((handler) =>
  handler.usingHttp((http) =>
    http
      .get('https://api.example.com/items/:id')
      .handleRequest((ctx, input, request) =>
        request.withBearerToken(ctx.auth!.user.access_token).addPathParameter('id', input.id).addQueryString('page_size', String(input.page_size ?? ${i + 10})).withoutBody(),
      )
      .handleResponse((ctx, input, response) => response.parseWithBodyAsJson()),
  ),
);
`,
    );
    write(
      dir,
      `src/${op}/handler.test.ts`,
      `import { OperationHandlerTestSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerTest';
import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';
import { operation${i}Handler } from './handler';
import '@trayio/cdk-runtime/connector/operation/OperationHandlerTestRunner';

OperationHandlerTestSetup.configureHandlerTest(operation${i}Handler, (handlerTest) =>
  handlerTest
    .usingHandlerContext('test')
    .nothingBeforeAll()
    .testCase('returns items', (testCase) =>
      testCase
        .givenNothing()
        .when(() => ({ id: '1', filters: [], nested: { a: { b: { c: [] } } } }))
        .then(({ output }) => expect(OperationHandlerResult.getSuccessfulValueOrFail(output).total).toBeGreaterThanOrEqual(0))
        .finallyDoNothing(),
    )
    .nothingAfterAll(),
);
`,
    );
  }
}

/** Wall time of a fresh node process, and its CPU time (user + system, as the process reports it at exit). */
function timeNode(script, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', CPU_REPORT + script, ...args], { encoding: 'utf8', cwd: REPO });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`benchmark run failed:\n${r.stdout}\n${r.stderr}`);
  const cpu = Number(/^CPU (\d+(?:\.\d+)?)$/m.exec(r.stderr)?.[1]);
  return { ms, cpu };
}

// On a shared machine wall time says more about the neighbours than about the build: CPU time is reported beside it.
const CPU_REPORT = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('CPU ' + ((u.user + u.system) / 1000).toFixed(0) + '\\n'); });\n`;

const OURS = `
const { buildConnector } = require(${JSON.stringify(DIST_BUILD)});
const silent = { info() {}, warn() {}, error() {}, debug() {} };
buildConnector({ connectorDir: process.argv[1], workspaceRoot: process.argv[1], outputPath: process.argv[2], typeCheck: process.argv[3] !== 'false', logger: silent })
  .catch((e) => { console.error(e.message); process.exit(1); });
`;
const TRAYS = `
const fs = require('fs');
const { ConnectorBuilder } = require(${JSON.stringify(TRAY_BUILDER)});
console.log = () => undefined;
fs.mkdirSync(process.argv[1] + '/dist', { recursive: true });
new ConnectorBuilder().buildConnector(process.argv[1])().then((r) => { if (r._tag !== 'Right') { console.error(r.left); process.exit(1); } });
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtRun = (r) => `${fmt(r.ms)} / ${fmt(r.cpu)}`;

async function run({ log }) {
  if (!fs.existsSync(DIST_BUILD)) throw new Error(`${DIST_BUILD} not found: run npm run build first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-build-'));
  try {
    const source = path.join(tmp, 'source');
    generateConnector(source);
    // Resolve @trayio/cdk-dsl (imported by the inputs) and the @types packages as a connector in a workspace does.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');

    // With the type check (the default) and without it (typeCheck: false, the build as it was before
    // the check), alternating so that a busy machine weighs on both alike.
    const ours = [];
    const unchecked = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(timeNode(OURS, [source, path.join(tmp, `ours-${i}.zip`), 'true']));
      unchecked.push(timeNode(OURS, [source, path.join(tmp, `unchecked-${i}.zip`), 'false']));
      log(`tray-connector run ${i + 1}/${RUNS}: ${fmtRun(ours[i])} with the type check, ${fmtRun(unchecked[i])} without`);
    }
    const zipsOf = (prefix) =>
      new Set([...Array(RUNS).keys()].map((i) => fs.readFileSync(path.join(tmp, `${prefix}-${i}.zip`)).toString('base64')));
    const same = new Set([...zipsOf('ours'), ...zipsOf('unchecked')]).size === 1;

    const trays = [];
    for (let i = 0; i < TRAY_RUNS; i++) {
      // cdk-build writes the schemas into src/ and dist/connector.zip: give every run a fresh copy.
      const copy = path.join(tmp, `tray-${i}`);
      fs.cpSync(source, copy, { recursive: true, verbatimSymlinks: true });
      trays.push(timeNode(TRAYS, [copy]));
      log(`@trayio/cdk-build run ${i + 1}/${TRAY_RUNS}: ${fmtRun(trays[i])}`);
      // Same schemas as Tray's? (input/output of the first operation; the conformance spec checks all.)
      if (i === 0) {
        const AdmZip = require(require.resolve('adm-zip', { paths: [REPO] }));
        const zip = new AdmZip(path.join(tmp, 'ours-0.zip'));
        for (const kind of ['input', 'output']) {
          const theirs = fs.readFileSync(path.join(copy, `src/operation_0/${kind}.json`), 'utf8');
          if (zip.readAsText(`bench-connector/src/operation_0/${kind}.json`) !== theirs)
            log(`WARNING: ${kind}.json differs from cdk-build's`);
        }
      }
    }

    const med = (runs, key) => median(runs.map((r) => r[key]));
    const ratio = med(trays, 'ms') / med(ours, 'ms');
    const cpuRatio = med(trays, 'cpu') / med(ours, 'cpu');
    const checkCost = med(ours, 'ms') / med(unchecked, 'ms');
    const checkCpuCost = med(ours, 'cpu') / med(unchecked, 'cpu');
    const row = (what, runs) => `| ${what} | ${fmt(med(runs, 'ms'))} | ${fmt(med(runs, 'cpu'))} | ${runs.map(fmtRun).join(', ')} |`;
    const markdown = [
      `A generated connector with ${OPERATIONS} operations as the plugin's generators write them (input.ts, output.ts with lookups, enums, @advanced, unions, intersections, a @trayio/cdk-dsl import; an http handler with the DSL and a handler test each), each build in a fresh node process, ${RUNS} runs of tray-connector each way and ${TRAY_RUNS} of @trayio/cdk-build (wall time / CPU time):`,
      '',
      '| builder | median wall | median CPU | runs (wall / CPU) |',
      '| --- | ---: | ---: | --- |',
      row('tray-connector, whole connector type-checked (default)', ours),
      row('tray-connector, `typeCheck: false` (schemas only)', unchecked),
      row('@trayio/cdk-build 2.19.0 (one program per type, no type check)', trays),
      '',
      `**Ratio against @trayio/cdk-build, with the type check: ${ratio.toFixed(1)}x faster** (CPU: ${cpuRatio.toFixed(1)}x; goal: at least 10x). ` +
        `**The type check costs ${checkCost.toFixed(2)}x** the build without it (CPU: ${checkCpuCost.toFixed(2)}x; goal: at most 1.5x). ` +
        `Zips of all ${2 * RUNS} tray-connector runs byte-identical: ${same ? 'yes' : 'NO'}.`,
    ].join('\n');
    return { title: `Build: ${OPERATIONS}-operation connector, tray-connector vs @trayio/cdk-build`, markdown };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run, generateConnector };
