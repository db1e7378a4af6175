// Import benchmark (issue 13): `nx g tray-connector:import` without Nx around it: the built core
// (dist/packages/tray-connector/src/core/openapi) reads, dereferences and plans the largest vendored
// OpenAPI document (Ory Kratos, 60 operations) and a generated one of 100 operations, then writes
// the files to a temp folder. Each run is a fresh node process, as `nx g` is. Reports the median
// and the number of files written. Then the two bombs of issue 19 (a 1.8 KB YAML alias bomb, a
// 7 KB JSON $ref bomb), each in a node process limited to 512 MB of heap: how long until the
// import budget ends them, peak RSS, and the first line of the error. Measures only; asserts nothing.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const CORE = path.join(REPO, 'dist/packages/tray-connector/src/core/openapi');
const KRATOS = path.join(REPO, 'e2e/tray-connector-e2e/fixtures/openapi/ory-kratos/api.json');
const BOMBS = path.join(REPO, 'packages/tray-connector/src/core/openapi/__fixtures__/bombs');
const RUNS = Number(process.env.BENCH_IMPORT_RUNS || 3);
/** Generated spec sizes (operations): cost should grow linearly with them. */
const SIZES = [100, 400, 1221];

/** An OpenAPI 3.0 document of `count` operations sharing $ref'd schemas, bearer security and a server. */
function generatedSpec(count) {
  const paths = {};
  for (let i = 0; i < Math.ceil(count / 4); i++) {
    const ok = (schema) => ({ 200: { description: 'ok', content: { 'application/json': { schema } } } });
    paths[`/things${i}`] = {
      get: {
        operationId: `listThings${i}`,
        parameters: [{ $ref: '#/components/parameters/Limit' }],
        responses: ok({ type: 'array', items: { $ref: '#/components/schemas/Thing' } }),
      },
      post: {
        operationId: `createThing${i}`,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewThing' } } } },
        responses: ok({ $ref: '#/components/schemas/Thing' }),
      },
    };
    paths[`/things${i}/{id}`] = {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      get: { operationId: `getThing${i}`, responses: ok({ $ref: '#/components/schemas/Thing' }) },
      delete: { operationId: `deleteThing${i}`, responses: { 204: { description: 'gone' } } },
    };
  }
  // Exactly `count` operations: the last path pair loses what is over.
  let over = Object.values(paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0) - count;
  for (const item of Object.values(paths).reverse()) {
    for (const method of ['delete', 'get', 'post']) {
      if (over > 0 && item[method]) {
        delete item[method];
        over--;
      }
    }
  }
  for (const [key, item] of Object.entries(paths)) if (!Object.keys(item).some((k) => k !== 'parameters')) delete paths[key];
  return {
    openapi: '3.0.3',
    info: { title: 'Generated', version: '1' },
    servers: [{ url: 'https://api.example.com/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } } },
      schemas: {
        NewThing: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
            kind: { type: 'string', enum: ['a', 'b'] },
          },
        },
        Thing: {
          allOf: [
            { $ref: '#/components/schemas/NewThing' },
            {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string', format: 'uuid' }, created: { type: 'string', format: 'date-time', nullable: true } },
            },
          ],
        },
      },
    },
    paths,
  };
}

const child = (core) => `
const fs = require('fs'); const path = require('path');
const { loadOpenApi } = require(${JSON.stringify(path.join(core, 'load-spec.js'))});
const { planImport } = require(${JSON.stringify(path.join(core, 'import-plan.js'))});
(async () => {
  const [spec, out] = process.argv.slice(1);
  const started = process.hrtime.bigint();
  const doc = await loadOpenApi(spec);
  const loaded = process.hrtime.bigint();
  const plan = planImport(doc, { connectorName: 'bench', authType: 'BenchAuth', baseUrlEnv: 'BENCH_BASE_URL', newConnector: true });
  let files = 0;
  for (const op of plan.operations) for (const [f, text] of Object.entries(op.files)) { fs.mkdirSync(path.join(out, op.name), { recursive: true }); fs.writeFileSync(path.join(out, op.name, f), text); files++; }
  const done = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ operations: plan.operations.length, skipped: plan.skipped.length, files, loadMs: Number(loaded - started) / 1e6, totalMs: Number(done - started) / 1e6 }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function once(spec, out, core = CORE) {
  fs.rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', child(core), spec, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import of ${spec} failed: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), processMs: Date.now() - started };
}

const BOMB_CHILD = `
const { loadOpenApi } = require(${JSON.stringify(path.join(CORE, 'load-spec.js'))});
const { planImport } = require(${JSON.stringify(path.join(CORE, 'import-plan.js'))});
(async () => {
  const started = process.hrtime.bigint();
  let outcome;
  try {
    const plan = planImport(await loadOpenApi(process.argv[1]), { connectorName: 'bomb', authType: 'BombAuth', baseUrlEnv: 'BOMB_BASE_URL', newConnector: true });
    outcome = 'imported, ' + plan.operations.length + ' operation(s)';
  } catch (e) {
    outcome = String(e.message).split('\\n')[0];
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, outcome }));
})();
`;

/** One bomb in a fresh node process with a 512 MB heap: time, peak RSS and how it ended (a crash counts as an outcome). */
function bomb(file) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', '-e', BOMB_CHILD, file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !r.stdout) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    return { ms: Date.now() - started, rssMb: NaN, outcome: `process ended without a result (${r.signal ?? `exit ${r.status}`}): ${why}` };
  }
  return { ...JSON.parse(r.stdout), processMs: Date.now() - started };
}

/**
 * The importer as it was before issue 19 (before $refs were confined, the one code writer and the
 * budget: BENCH_IMPORT_BASELINE, a git ref; `none` skips it), compiled from that commit's sources with
 * this repository's TypeScript into tmp/ (git-ignored), so both run side by side in one bench run.
 */
const BASELINE_REF = process.env.BENCH_IMPORT_BASELINE || '498266d~1';

/** The baseline's short commit, or undefined (said in the log) when it is `none` or not in this clone's history. */
function baselineSha(log) {
  if (BASELINE_REF === 'none') return undefined;
  const sha = spawnSync('git', ['rev-parse', '--short', BASELINE_REF], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  if (!sha) log(`baseline ${BASELINE_REF}: not in this clone's history, skipped`);
  return sha || undefined;
}

function baselineCore(log) {
  const sha = baselineSha(log);
  if (!sha) return undefined;
  const dir = path.join(REPO, 'tmp', `bench-import-baseline-${sha}`);
  const core = path.join(dir, 'out', 'core', 'openapi');
  if (fs.existsSync(path.join(core, 'import-plan.js'))) return { sha, core };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const extract = spawnSync('bash', ['-c', `git archive ${sha} packages/tray-connector/src | tar -x -C ${JSON.stringify(dir)}`], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (extract.status !== 0) throw new Error(`git archive ${sha}: ${extract.stderr}`);
  const src = path.join(dir, 'packages', 'tray-connector', 'src');
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc', { paths: [REPO] }),
      ...['--outDir', path.join(dir, 'out'), '--rootDir', src, '--module', 'commonjs', '--target', 'es2022', '--moduleResolution', 'node'],
      ...['--esModuleInterop', '--resolveJsonModule', '--skipLibCheck', '--types', 'node', '--noEmitOnError', 'false'],
      path.join(src, 'core', 'openapi', 'load-spec.ts'),
      path.join(src, 'core', 'openapi', 'import-plan.ts'),
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (!fs.existsSync(path.join(core, 'import-plan.js')))
    throw new Error(`compiling the baseline ${sha} failed:\n${tsc.stdout}${tsc.stderr}`);
  log(`baseline ${BASELINE_REF} (${sha}) compiled into ${path.relative(REPO, dir)}`);
  return { sha, core };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run({ log }) {
  if (!fs.existsSync(path.join(CORE, 'import-plan.js')))
    throw new Error('dist/packages/tray-connector is not built: run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-import-'));
  try {
    // Cost against size: generated specs of 100, 400 and 1,221 operations (GitHub's REST spec has 1,221 importable),
    // and GitHub's own spec when BENCH_GITHUB_SPEC names it (offline: `npm pack @octokit/openapi`, then
    // package/generated/api.github.com.json).
    const documents = [['Ory Kratos (largest vendored spec, 398 kB)', KRATOS]];
    for (const count of SIZES) {
      const generated = path.join(tmp, `generated-${count}.json`);
      fs.writeFileSync(generated, JSON.stringify(generatedSpec(count)));
      documents.push([`generated, ${count} operations`, generated]);
    }
    if (process.env.BENCH_GITHUB_SPEC)
      documents.push([`GitHub REST (${path.basename(process.env.BENCH_GITHUB_SPEC)})`, process.env.BENCH_GITHUB_SPEC]);
    const baseline = baselineCore(log);
    const rows = [];
    for (const [label, spec] of documents) {
      const runs = [];
      const before = [];
      // Interleaved, so that a busier moment of the machine weighs on both alike.
      for (let i = 0; i < RUNS; i++) {
        runs.push(once(spec, path.join(tmp, 'out')));
        log(`${label}: run ${i + 1}/${RUNS} ${runs[i].totalMs.toFixed(0)} ms`);
        if (baseline) {
          before.push(once(spec, path.join(tmp, 'out'), baseline.core));
          log(`${label}: baseline run ${i + 1}/${RUNS} ${before[i].totalMs.toFixed(0)} ms`);
        }
      }
      const last = runs[runs.length - 1];
      const now = median(runs.map((r) => r.totalMs));
      const was = before.length ? median(before.map((r) => r.totalMs)) : undefined;
      rows.push(
        `| ${label} | ${last.operations} (${last.skipped} not importable) | ${last.files} | ${median(runs.map((r) => r.loadMs)).toFixed(0)} ms | ${now.toFixed(0)} ms | ${median(runs.map((r) => r.processMs))} ms | ${was === undefined ? '-' : `${was.toFixed(0)} ms (${before[before.length - 1].operations} operations)`} | ${was === undefined ? '-' : `${(now / was).toFixed(2)}x`} |`,
      );
    }
    const bombRows = [];
    for (const [label, file] of [
      ['YAML alias bomb (1.8 KB, 12 levels x 10 aliases)', path.join(BOMBS, 'alias-bomb.yaml')],
      ['JSON $ref bomb (7 KB, 12 levels x 10 $refs)', path.join(BOMBS, 'ref-bomb.json')],
    ]) {
      const b = bomb(file);
      log(`${label}: ${b.ms.toFixed(0)} ms, ${b.rssMb.toFixed(0)} MB: ${b.outcome.slice(0, 120)}`);
      bombRows.push(
        `| ${label} | ${b.ms.toFixed(0)} ms | ${b.processMs ?? '-'} ms | ${b.rssMb.toFixed(0)} MB | ${b.outcome.slice(0, 160).replace(/\|/g, '\\|')}... |`,
      );
    }
    return {
      title: 'Import from OpenAPI',
      markdown: [
        `Median of ${RUNS} runs, each a fresh node process (\`BENCH_IMPORT_RUNS\` changes the count): read + parse + dereference (\`@apidevtools/swagger-parser\`), plan, write every operation's files.`,
        '',
        `Baseline: the importer before issue 19 (\`BENCH_IMPORT_BASELINE\`, default \`${BASELINE_REF}\`; \`none\` skips it), compiled from that commit and run interleaved with today's, same documents.`,
        '',
        '| Document | Operations | Files written | Read + dereference | Total import | Whole process (incl. node start) | Total import, baseline | Today / baseline |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
        'Hostile documents (issue 19), each once in a node process with `--max-old-space-size=512`: load + plan until the import budget ends it.',
        '',
        '| Document | Load + plan | Whole process | Peak RSS | Outcome |',
        '| --- | --- | --- | --- | --- |',
        ...bombRows,
      ].join('\n'),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run, generatedSpec, baselineSha, BASELINE_REF };
