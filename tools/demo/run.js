#!/usr/bin/env node
/**
 * `npm run demo`: the whole product, end to end, with no Tray account.
 *
 * Creates a fresh Nx workspace (a temp folder, or --dir), installs the plugin from its packed
 * tarball, starts the Tray API emulator on 127.0.0.1 and points the plugin at it through the same
 * TRAY_API_URL_* / TRAY_API_TOKEN_* variables a user sets for the real API. Then: three connectors
 * (one importing a shared library), `nx run-many -t deploy`, a change to one connector and
 * `nx affected -t deploy`, `nx run-many -t share`, a `git revert` of the library change whose zips
 * reach Tray again (deploys are never replayed from the Nx cache; builds are), an unchanged
 * `nx affected -t deploy` that sends nothing, a breaking change (an output field removed) that deploy
 * refuses before any upload and that deploys as a new version, `verify` (what each region serves is
 * what was built) after the first deploy and after the new version, and an account of what the emulator saw.
 *
 * Options: --dir <folder> (kept afterwards), --keep (keep the temp folder), --verbose (show all nx output).
 */
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { nxEnv, pluginDevDependencies } = require('../workspace/connector-files');

const REPO = path.resolve(__dirname, '../..');
const DIST = path.join(REPO, 'dist/packages');
const args = parseArgs(process.argv.slice(2));
const startedAt = Date.now();
let emulator;
let currentStep = 'start';

main()
  .then(() => finish(0))
  .catch((e) => {
    console.error(`\n✖ demo failed at step "${currentStep}": ${e.message}`);
    finish(1);
  });

async function main() {
  for (const pkg of ['tray-connector', 'tray-api-emulator']) {
    if (!fs.existsSync(path.join(DIST, pkg, 'package.json'))) {
      throw new Error(`dist/packages/${pkg} is missing: run \`npm run build\` first (npm run demo does)`);
    }
  }

  step('pack the plugin');
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-demo-pack-'));
  const tarball = npmPack(path.join(DIST, 'tray-connector'), packDir);
  log(`packed ${path.basename(tarball)}`);

  step('create a fresh Nx workspace');
  const root = args.dir ? path.resolve(args.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'tray-demo-'));
  if (args.dir) {
    if (fs.existsSync(root) && fs.readdirSync(root).length)
      throw new Error(`--dir ${root} exists and is not empty: give a new or empty folder`);
    fs.mkdirSync(root, { recursive: true });
  }
  const keep = Boolean(args.dir || args.keep);
  process.on('exit', () => {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(packDir, { recursive: true, force: true });
  });
  log(`workspace: ${root}${keep ? '' : ' (removed at the end; --keep to keep it)'}`);
  writeJson(path.join(root, 'package.json'), {
    name: 'tray-demo',
    version: '0.0.0',
    private: true,
    // The newest Nx the plugin supports, as a new user's workspace has it (not this repo's own toolchain).
    devDependencies: pluginDevDependencies(tarball),
  });
  writeJson(path.join(root, 'nx.json'), { $schema: './node_modules/nx/schemas/nx-schema.json', defaultBase: 'main', analytics: false });
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.nx\ndist\n');
  await sh(root, 'npm install --prefer-offline --no-audit --no-fund --loglevel=error', { quiet: true });
  await sh(
    root,
    'git init -q -b main && git config user.email demo@example.com && git config user.name demo && git config commit.gpgsign false',
    { quiet: true },
  );

  step('nx add tray-connector (init)');
  await sh(root, 'npx nx g tray-connector:init --no-interactive', { quiet: !args.verbose });

  step('start the Tray API emulator');
  const { startEmulator } = require(path.join(DIST, 'tray-api-emulator'));
  const tokens = { us: 'demo-token-us', eu: 'demo-token-eu', apac: 'demo-token-apac' };
  emulator = await startEmulator({ tokens, deployDelayMs: 300 });
  // The same variables a user sets for Tray's real API: TRAY_API_URL_<REGION>, TRAY_API_TOKEN_<REGION>.
  const env = emulator.env();
  log(`emulator listening on ${emulator.url} (us: ${env.TRAY_API_URL_US}, eu: ${env.TRAY_API_URL_EU}, apac: ${env.TRAY_API_URL_APAC})`);

  step('scaffold three connectors and a shared library');
  const connectors = [
    { name: 'acme-crm', regions: 'us', op: 'list_contacts' },
    { name: 'globex-billing', regions: 'us,eu', op: 'get_invoice' },
    { name: 'initech-tickets', regions: 'eu,apac', op: 'create_ticket' },
  ];
  for (const c of connectors) {
    await sh(root, `npx nx g tray-connector:new ${c.name} --regions=${c.regions} --no-interactive`, { quiet: !args.verbose });
    await sh(root, `npx nx g tray-connector:operation ${c.op} --project=${c.name} --no-interactive`, { quiet: !args.verbose });
    log(`${c.name}: regions ${c.regions}, operations: sample + ${c.op}`);
  }
  addSharedLibrary(root);
  // acme-crm and globex-billing use the shared library's types and helpers.
  for (const [name, op] of [
    ['acme-crm', 'list_contacts'],
    ['globex-billing', 'get_invoice'],
  ]) {
    const input = path.join(root, 'connectors', name, 'src', op, 'input.ts');
    const pascal = op
      .split('_')
      .map((s) => s[0].toUpperCase() + s.slice(1))
      .join('');
    fs.writeFileSync(
      input,
      `import { Paging } from '@demo/shared';\n\nexport type ${pascal}Input = Paging & {\n  /** The record's id in the remote system */\n  id: string;\n};\n`,
    );
  }
  log('libs/shared (path alias @demo/shared) imported by acme-crm and globex-billing');
  await sh(root, 'git add -A && git commit -q -m "three connectors and a shared library"', { quiet: true });

  step('nx run-many -t deploy (first deploy of everything)');
  const firstDeploys = deploys(await requestsDuring(root, 'npx nx run-many -t deploy --output-style=stream', env));
  log(`emulator: ${firstDeploys.length} deploy requests (${describeDeploys(firstDeploys)})`);

  const firstVerify = await verifySteps(root, env, 'npx nx run-many -t verify --output-style=stream', connectors);

  step('change one operation of initech-tickets, commit, nx affected -t deploy');
  const out = path.join(root, 'connectors/initech-tickets/src/create_ticket/output.ts');
  fs.writeFileSync(
    out,
    fs.readFileSync(out, 'utf8').replace(/= \{/, '= {\n  /** When the ticket was created (ISO 8601) */\n  createdAt?: string;'),
  );
  await sh(root, 'git commit -qam "initech-tickets: createdAt in create_ticket output"', { quiet: true });
  const affectedDeploys = deploys(await requestsDuring(root, AFFECTED_DEPLOY, env));
  log(`emulator: ${affectedDeploys.length} deploy requests (${describeDeploys(affectedDeploys)})`);

  step('change the shared library, commit, nx affected -t deploy');
  const lib = path.join(root, 'libs/shared/src/index.ts');
  fs.appendFileSync(lib, `\nexport const DEFAULT_PAGE_SIZE = 50;\n`);
  await sh(root, 'git commit -qam "shared: default page size"', { quiet: true });
  const libDeploys = deploys(await requestsDuring(root, AFFECTED_DEPLOY, env));
  log(`emulator: ${libDeploys.length} deploy requests (${describeDeploys(libDeploys)})`);

  step('nx run-many -t share --emails=demo.user@example.com');
  const shares = (await requestsDuring(root, 'npx nx run-many -t share --emails=demo.user@example.com --output-style=stream', env)).filter(
    (r) => r.kind === 'share',
  );
  log(`emulator: ${shares.length} share requests`);

  step('git revert the shared-library change, nx affected -t deploy (the revert must reach Tray)');
  await sh(root, 'git revert --no-edit HEAD', { quiet: true });
  const revertMark = emulator.deployments.length;
  const revertOutput = await shDuring(root, AFFECTED_DEPLOY, env);
  const revertDeploys = deploys(revertOutput.requests);
  const firstZips = new Map(emulator.deployments.slice(0, 5).map((d) => [`${d.name}→${d.region}`, d.zipSha256]));
  const revertZips = emulator.deployments.slice(revertMark);
  const backToFirst = revertZips.filter((d) => firstZips.get(`${d.name}→${d.region}`) === d.zipSha256);
  const cachedBuilds = [...revertOutput.output.matchAll(/nx run ([\w-]+):build\s+\[(?:local cache|existing outputs match the cache)/g)].map(
    (m) => m[1],
  );
  log(
    `emulator: ${revertDeploys.length} deploy requests (${describeDeploys(revertDeploys)}); ${backToFirst.length} zips identical to the first deploy's`,
  );
  log(`builds taken from the Nx cache: ${cachedBuilds.sort().join(', ') || 'none'}; the deploys ran anyway (never replayed from a cache)`);

  step('nx affected -t deploy --base=HEAD (nothing changed since the last deploy)');
  const repeatDeploys = deploys(await requestsDuring(root, 'npx nx affected -t deploy --base=HEAD --head=HEAD --output-style=stream', env));
  log(`emulator: ${repeatDeploys.length} deploy requests: affected selects nothing when nothing changed since the last deployed commit`);

  const breaking = await breakingChangeSteps(root, env);

  step('account');
  printAccount({
    firstDeploys,
    firstVerify,
    affectedDeploys,
    libDeploys,
    shares,
    revertDeploys,
    backToFirst,
    repeatDeploys,
    connectors,
    breaking,
  });
  if (repeatDeploys.length !== 0) throw new Error(`the unchanged affected run sent ${repeatDeploys.length} deploy requests; expected none`);
  if (affectedDeploys.some((r) => r.connectorName !== 'initech-tickets') || affectedDeploys.length !== 2) {
    throw new Error(`affected deploy after changing initech-tickets sent: ${describeDeploys(affectedDeploys)}`);
  }
  if (describeDeploys(libDeploys) !== 'acme-crm→us, globex-billing→eu, globex-billing→us') {
    throw new Error(`affected deploy after changing the shared library sent: ${describeDeploys(libDeploys)}; expected its two importers`);
  }
  if (describeDeploys(revertDeploys) !== describeDeploys(libDeploys) || backToFirst.length !== revertDeploys.length) {
    throw new Error(
      `the revert sent ${describeDeploys(revertDeploys)} with ${backToFirst.length} zips equal to the first deploy's; expected the library's two importers, back to their first zips`,
    );
  }
  if (firstDeploys.length !== 5)
    throw new Error(`the first run-many sent ${firstDeploys.length} deploys; expected 5 (one per connector per region)`);
}

/**
 * The breaking-change guard: acme-crm's list_contacts loses an output field (every workflow reading
 * it would break), so deploy refuses us before any upload; the same change as version 2.0 deploys.
 */
async function breakingChangeSteps(root, env) {
  step('remove an output field of acme-crm list_contacts, commit, nx affected -t deploy (refused before any upload)');
  const output = path.join(root, 'connectors/acme-crm/src/list_contacts/output.ts');
  const before = fs.readFileSync(output, 'utf8');
  const after = before.replace(/\n\s*title: string;/, '');
  if (after === before) throw new Error(`${output} has no "title: string;" to remove`);
  fs.writeFileSync(output, after);
  await sh(root, 'git commit -qam "acme-crm: list_contacts output without title"', { quiet: true });
  const refused = await shDuring(root, AFFECTED_DEPLOY, env, { allowFailure: true });
  const refusedUploads = deploys(refused.requests);
  const reads = refused.requests.filter((r) => r.kind === 'operations');
  log(
    `exit code ${refused.code}; emulator: ${reads.length} listing read(s) (${reads.map((r) => `${r.connectorName} ${r.connectorVersion}→${r.region}: ${r.status}`).join(', ')}), ${refusedUploads.length} deploy requests`,
  );
  if (refused.code === 0) throw new Error('the breaking change was deployed; expected deploy to refuse it');
  if (refusedUploads.length) throw new Error(`the refused deploy still sent ${describeDeploys(refusedUploads)}`);
  if (!/us: refused before any upload[\s\S]*list_contacts \$\.outputSchema/.test(refused.output)) {
    throw new Error('the refusal did not name the operation and the JSON path');
  }

  step('the same change as a new version: "version": "2.0" in acme-crm/connector.json, nx affected -t deploy');
  const config = path.join(root, 'connectors/acme-crm/connector.json');
  writeJson(config, { ...JSON.parse(fs.readFileSync(config, 'utf8')), version: '2.0' });
  await sh(root, 'git commit -qam "acme-crm 2.0: list_contacts output without title"', { quiet: true });
  const newVersion = deploys(await requestsDuring(root, AFFECTED_DEPLOY, env));
  log(
    `emulator: ${newVersion.length} deploy requests (${newVersion.map((r) => `${r.connectorName} ${r.connectorVersion}→${r.region}`).join(', ')})`,
  );
  if (newVersion.length !== 1 || newVersion[0].connectorVersion !== '2.0') {
    throw new Error(`the new version sent ${describeDeploys(newVersion)}; expected acme-crm 2.0 to us`);
  }
  const verifyNew = await verifySteps(root, env, 'npx nx verify acme-crm --output-style=stream', [{ name: 'acme-crm' }]);
  return { refusedUploads, reads, newVersion, verifyNew };
}

/**
 * `verify`: what each region serves (the emulator's Connectivity API listing) against the build;
 * every region must be in sync. Reads each connector's .tray/verify-result.json.
 */
async function verifySteps(root, env, command, connectors) {
  step(`${command.replace(' --output-style=stream', '')} (what each region serves is what was built)`);
  const { requests, code } = await shDuring(root, command, env, { allowFailure: true });
  const regions = connectors.flatMap((c) => {
    const file = path.join(root, 'connectors', c.name, '.tray/verify-result.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).regions.map((r) => `${c.name}@${r.region}: ${r.state}`);
  });
  const inSync = regions.filter((r) => r.endsWith(': in-sync'));
  log(`exit code ${code}; ${inSync.length}/${regions.length} regions in sync; emulator: ${requests.length} read(s), 0 writes`);
  if (code !== 0 || inSync.length !== regions.length) throw new Error(`verify did not find every region in sync: ${regions.join(', ')}`);
  if (requests.some((r) => r.kind !== 'operations')) throw new Error('verify sent something other than listing reads');
  return { inSync: inSync.length, regions: regions.length };
}

function addSharedLibrary(root) {
  writeJson(path.join(root, 'libs/shared/project.json'), {
    name: 'shared',
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    sourceRoot: 'libs/shared/src',
    projectType: 'library',
    tags: [],
  });
  fs.mkdirSync(path.join(root, 'libs/shared/src'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'libs/shared/src/index.ts'),
    `/** Paging parameters shared by list operations of every connector. */\nexport type Paging = {\n  /** Page size, at most 100 */\n  limit?: number;\n  /** Cursor from the previous page */\n  cursor?: string;\n};\n`,
  );
  const tsconfigBase = path.join(root, 'tsconfig.base.json');
  const base = fs.existsSync(tsconfigBase) ? JSON.parse(fs.readFileSync(tsconfigBase, 'utf8')) : { compilerOptions: {} };
  base.compilerOptions = base.compilerOptions || {};
  base.compilerOptions.baseUrl = base.compilerOptions.baseUrl || '.';
  base.compilerOptions.paths = { ...(base.compilerOptions.paths || {}), '@demo/shared': ['libs/shared/src/index.ts'] };
  writeJson(tsconfigBase, base);
}

const AFFECTED_DEPLOY = 'npx nx affected -t deploy --base=HEAD~1 --head=HEAD --output-style=stream';

/** Runs a command against the emulator and returns the requests it received meanwhile. */
async function requestsDuring(root, command, env) {
  return (await shDuring(root, command, env)).requests;
}

/** Like requestsDuring, with the command's output too. */
async function shDuring(root, command, env, { allowFailure = false } = {}) {
  const mark = emulator.requests.length;
  let output;
  let code = 0;
  try {
    output = await sh(root, command, { env });
  } catch (e) {
    if (!allowFailure || e.code === undefined) throw e;
    ({ output, code } = e);
  }
  return { requests: emulator.requests.slice(mark), output, code };
}

function deploys(requests) {
  return requests.filter((r) => r.kind === 'deploy');
}

function describeDeploys(reqs) {
  if (!reqs.length) return 'none';
  return reqs
    .map((r) => `${r.connectorName}→${r.region}`)
    .sort()
    .join(', ');
}

function printAccount({
  firstDeploys,
  firstVerify,
  affectedDeploys,
  libDeploys,
  shares,
  revertDeploys,
  backToFirst,
  repeatDeploys,
  connectors,
  breaking,
}) {
  const all = emulator.requests;
  const byKind = all.reduce((acc, r) => ((acc[r.kind] = (acc[r.kind] || 0) + 1), acc), {});
  const rows = connectors.map((c) => {
    const regions = ['us', 'eu', 'apac'].map((region) => {
      const n = all.filter((r) => r.kind === 'deploy' && r.connectorName === c.name && r.region === region).length;
      return n ? String(n) : '·';
    });
    return `| ${c.name.padEnd(16)} | ${c.regions.padEnd(8)} | ${regions.map((r) => r.padStart(2)).join(' | ')} |`;
  });
  console.log('\nWhat the emulator saw (deploy requests per connector and region):\n');
  console.log(`| connector        | regions  | us | eu | apac |`);
  console.log(`|------------------|----------|----|----|------|`);
  for (const r of rows) console.log(r);
  console.log('');
  console.log(`first run-many -t deploy:       ${firstDeploys.length} deploys (${describeDeploys(firstDeploys)})`);
  console.log(`run-many -t verify:             ${firstVerify.inSync}/${firstVerify.regions} regions in sync`);
  console.log(`affected after initech change:  ${affectedDeploys.length} deploys (${describeDeploys(affectedDeploys)})`);
  console.log(`affected after shared change:   ${libDeploys.length} deploys (${describeDeploys(libDeploys)})`);
  console.log(`run-many -t share:              ${shares.length} share requests`);
  console.log(
    `affected after git revert:      ${revertDeploys.length} deploys (${describeDeploys(revertDeploys)}), ${backToFirst.length} back to the first deploy's zip`,
  );
  console.log(`affected with nothing changed:  ${repeatDeploys.length} deploys`);
  console.log(
    `breaking change at acme-crm 1.0: refused before any upload (${breaking.refusedUploads.length} deploys, ${breaking.reads.length} listing read); as 2.0: ${breaking.newVersion.length} deploy, verify ${breaking.verifyNew.inSync}/${breaking.verifyNew.regions} in sync`,
  );
  console.log(
    `all requests:                   ${all.length} (${Object.entries(byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
  );
  console.log(`\n✔ demo finished in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

// ---------- plumbing ----------

function step(name) {
  currentStep = name;
  console.log(`\n▶ ${name}`);
}

function log(message) {
  console.log(`  ${message}`);
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function npmPack(dir, dest) {
  const out = execFileSync('npm', ['pack', dir, '--pack-destination', dest, '--json', '--loglevel=error'], { encoding: 'utf8' });
  return path.join(dest, JSON.parse(out)[0].filename);
}

/** Runs a shell command asynchronously (the emulator lives in this process and must keep answering). */
function sh(cwd, command, { env = {}, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      // The environment the e2e and bench workspaces run with (no daemon, cloud or TUI, no usage reports, the
      // cache in the workspace's own .nx).
      env: nxEnv(cwd, { npm_config_prefer_offline: 'true', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(indent(chunk.toString()));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve(output);
      if (quiet) process.stdout.write(indent(output));
      reject(Object.assign(new Error(`\`${command}\` exited with ${code}`), { code, output }));
    });
  });
}

function indent(text) {
  return text.replace(/^(?=.)/gm, '    ');
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') out.dir = argv[++i];
    else if (argv[i].startsWith('--dir=')) out.dir = argv[i].slice(6);
    else if (argv[i] === '--keep') out.keep = true;
    else if (argv[i] === '--verbose') out.verbose = true;
    else {
      console.error(`unknown option ${argv[i]}\nusage: npm run demo -- [--dir <folder>] [--keep] [--verbose]`);
      process.exit(2);
    }
  }
  return out;
}

async function finish(code) {
  if (emulator) await emulator.close().catch(() => undefined);
  process.exit(code);
}
