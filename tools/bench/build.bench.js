// Build benchmark (issue 2): a generated 20-operation connector, built by this plugin (the built
// code in dist/packages/tray-connector) and by @trayio/cdk-build 2.19.0 (what `tray-cdk connector
// build` runs) on the same sources. Each run is a fresh node process, as a real build is.
// Reports the median of a few runs of each and the ratio. Measures only; asserts nothing.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const DIST_BUILD = path.join(REPO, 'dist/packages/tray-connector/src/core/build-connector.js');
const TRAY_BUILDER = require.resolve('@trayio/cdk-build/connector/ConnectorBuilder', { paths: [REPO] });
const OPERATIONS = 20;
const RUNS = Number(process.env.BENCH_BUILD_RUNS || 3);

const pascal = (s) => s.replace(/(^|_)(\w)/g, (_m, _s, c) => c.toUpperCase());

function write(root, file, content) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/** A connector as `tray-cdk connector init` lays it out, with 20 operations of varied types. */
function generateConnector(dir) {
  write(dir, 'connector.json', JSON.stringify({ name: 'bench-connector', version: '1.0', title: 'Bench Connector', description: '', service: { name: 'bench', version: '1' }, tags: ['service'], isTrigger: false }, null, 2));
  write(dir, 'package.json', JSON.stringify({ name: 'bench-connector', version: '1.0.0', dependencies: { '@trayio/cdk-dsl': '4.65.0' } }, null, 2));
  write(dir, 'tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, rootDir: './src', outDir: './dist', esModuleInterop: true, skipLibCheck: true } }, null, 2));
  write(dir, 'jest.config.js', "module.exports = { preset: 'ts-jest', testMatch: ['**/?(*.)+(test).ts'] };\n");
  write(dir, 'src/BenchConnectorAuth.ts', 'export type BenchConnectorAuth = { access_token: string };\n');
  write(dir, 'src/test.ctx.json', '{"auth":{"access_token":"not-a-real-token"}}\n');
  for (let i = 0; i < OPERATIONS; i++) {
    const op = `operation_${i}`;
    const type = pascal(op);
    write(dir, `src/${op}/operation.json`, JSON.stringify({ name: op, title: `Operation ${i}`, description: '' }));
    write(dir, `src/${op}/input.ts`, `import { FileReference } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

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
`);
    write(dir, `src/${op}/output.ts`, `type Base = { id: string; created_at: string };

export type ${type}Output = {
  items: (Base & { kind: 'person'; name: string } | Base & { kind: 'company'; company: string })[];
  total: number;
  next?: string;
};
`);
    write(dir, `src/${op}/handler.ts`, `export const handler${i} = (n: number): number => n + ${i};\n`);
  }
}

function timeNode(script, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8', cwd: REPO });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`benchmark run failed:\n${r.stdout}\n${r.stderr}`);
  return ms;
}

const OURS = `
const { buildConnector } = require(${JSON.stringify(DIST_BUILD)});
const silent = { info() {}, warn() {}, error() {}, debug() {} };
buildConnector({ connectorDir: process.argv[1], workspaceRoot: process.argv[1], outputPath: process.argv[2], logger: silent })
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

async function run({ log }) {
  if (!fs.existsSync(DIST_BUILD)) throw new Error(`${DIST_BUILD} not found: run npm run build first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-build-'));
  try {
    const source = path.join(tmp, 'source');
    generateConnector(source);
    // Resolve @trayio/cdk-dsl (imported by the inputs) and the @types packages as a connector in a workspace does.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');

    const ours = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(timeNode(OURS, [source, path.join(tmp, `ours-${i}.zip`)]));
      log(`tray-connector run ${i + 1}/${RUNS}: ${fmt(ours[i])}`);
    }
    const same = new Set(ours.map((_, i) => fs.readFileSync(path.join(tmp, `ours-${i}.zip`)).toString('base64'))).size === 1;

    const trays = [];
    for (let i = 0; i < RUNS; i++) {
      // cdk-build writes the schemas into src/ and dist/connector.zip: give every run a fresh copy.
      const copy = path.join(tmp, `tray-${i}`);
      fs.cpSync(source, copy, { recursive: true, verbatimSymlinks: true });
      trays.push(timeNode(TRAYS, [copy]));
      log(`@trayio/cdk-build run ${i + 1}/${RUNS}: ${fmt(trays[i])}`);
      // Same schemas as Tray's? (input/output of the first operation; the conformance spec checks all.)
      if (i === 0) {
        const AdmZip = require(require.resolve('adm-zip', { paths: [REPO] }));
        const zip = new AdmZip(path.join(tmp, 'ours-0.zip'));
        for (const kind of ['input', 'output']) {
          const theirs = fs.readFileSync(path.join(copy, `src/operation_0/${kind}.json`), 'utf8');
          if (zip.readAsText(`bench-connector/src/operation_0/${kind}.json`) !== theirs) log(`WARNING: ${kind}.json differs from cdk-build's`);
        }
      }
    }

    const ratio = median(trays) / median(ours);
    const markdown = [
      `A generated connector with ${OPERATIONS} operations (input.ts, output.ts with lookups, enums, @advanced, unions, intersections, a @trayio/cdk-dsl import), each build in a fresh node process, ${RUNS} runs each:`,
      '',
      '| builder | median | runs |',
      '| --- | ---: | --- |',
      `| tray-connector (one TypeScript program) | ${fmt(median(ours))} | ${ours.map(fmt).join(', ')} |`,
      `| @trayio/cdk-build 2.19.0 (one program per type) | ${fmt(median(trays))} | ${trays.map(fmt).join(', ')} |`,
      '',
      `**Ratio: ${ratio.toFixed(1)}x faster** (goal: at least 10x). Zips of the ${RUNS} tray-connector runs byte-identical: ${same ? 'yes' : 'NO'}.`,
    ].join('\n');
    return { title: `Build: ${OPERATIONS}-operation connector, tray-connector vs @trayio/cdk-build`, markdown };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
