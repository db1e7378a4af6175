// Deploy benchmark (issue 4): peak memory of the deploying process while one connector zip goes
// to three regions at once, the plugin's streamed body (the zip read and base64-encoded as it is
// sent, Content-Length from the file size) against the obvious alternative (read the zip, base64
// it, JSON.stringify the body, post it: what `printf ... $(base64 ...)` + curl does in memory).
// Each run is a fresh node process; the API is the emulator (built code, a separate process).
// Measures only; asserts nothing.
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const DIST_DEPLOY = path.join(REPO, 'dist/packages/tray-connector/src/core/deploy/deploy-connector.js');
const EMULATOR_CLI = path.join(REPO, 'dist/packages/tray-api-emulator/src/cli.js');
const SIZES_MB = (process.env.BENCH_DEPLOY_SIZES_MB || '4,16,32').split(',').map(Number);
const TOKENS = { us: 'bench-us', eu: 'bench-eu', apac: 'bench-apac' };

function makeZip(file, sizeMb) {
  const AdmZip = require(require.resolve('adm-zip', { paths: [REPO] }));
  const zip = new AdmZip();
  zip.addFile('bench-connector/connector.json', Buffer.from(JSON.stringify({ name: 'bench-connector', version: '1.0', title: 'Bench' })));
  // incompressible content, stored: the zip is as large as asked
  zip.addFile('bench-connector/src/blob.bin', crypto.randomBytes(sizeMb * 1024 * 1024));
  for (const e of zip.getEntries()) e.header.method = 0;
  zip.writeZip(file);
}

/** Runs one deploy in a fresh process; returns its peak RSS (MiB) and wall time (s). */
function runDeploy(mode, zipPath, urls) {
  const script = `
    const started = Date.now();
    const env = ${JSON.stringify(urls)};
    const done = (ok) => {
      const peak = process.resourceUsage().maxRSS / 1024;
      process.stdout.write(JSON.stringify({ ok, peakMb: peak, seconds: (Date.now() - started) / 1000 }));
    };
    (async () => {
      if (${JSON.stringify(mode)} === 'streamed') {
        const { deployConnector } = require(${JSON.stringify(DIST_DEPLOY)});
        const silent = { info() {}, warn() {}, error() {} };
        const out = await deployConnector({ name: 'bench-connector', version: '1.0', zipPath: ${JSON.stringify(zipPath)},
          regions: ['us', 'eu', 'apac'], env, pollIntervalMs: 50, logger: silent });
        done(out.success);
      } else {
        const axios = require(require.resolve('axios', { paths: [${JSON.stringify(REPO)}] }));
        const fs = require('fs');
        const ok = await Promise.all(['us', 'eu', 'apac'].map(async (r) => {
          const body = JSON.stringify({ connectorSourceCode: fs.readFileSync(${JSON.stringify(zipPath)}).toString('base64') });
          const res = await axios.post(env['TRAY_API_URL_' + r.toUpperCase()] + '/cdk/v1/deployments/connectors/bench-connector/versions/1.0/deploy-connector-from-source', body,
            { headers: { Authorization: 'Bearer ' + env['TRAY_API_TOKEN_' + r.toUpperCase()], 'Content-Type': 'application/json' }, maxBodyLength: Infinity, proxy: false });
          return res.status === 200;
        }));
        done(ok.every(Boolean));
      }
    })().catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) throw new Error(`${mode} deploy failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

async function startEmulator() {
  const child = spawn(
    process.execPath,
    [EMULATOR_CLI, '--port', '0', '--deploy-delay-ms', '20', '--token-us', TOKENS.us, '--token-eu', TOKENS.eu, '--token-apac', TOKENS.apac],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function run({ log }) {
  for (const f of [DIST_DEPLOY, EMULATOR_CLI]) if (!fs.existsSync(f)) throw new Error(`${f} missing: run npm run build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-deploy-'));
  const rows = [];
  for (const sizeMb of SIZES_MB) {
    const zipPath = path.join(dir, `c${sizeMb}.zip`);
    makeZip(zipPath, sizeMb);
    const zipMb = fs.statSync(zipPath).size / 2 ** 20;
    const results = {};
    for (const mode of ['streamed', 'buffered']) {
      // a fresh emulator per run: it keeps every zip it was given
      const emu = await startEmulator();
      const env = {};
      for (const r of ['us', 'eu', 'apac']) {
        env[`TRAY_API_URL_${r.toUpperCase()}`] = `${emu.url}/${r}`;
        env[`TRAY_API_TOKEN_${r.toUpperCase()}`] = TOKENS[r];
      }
      try {
        results[mode] = runDeploy(mode, zipPath, env);
      } finally {
        emu.stop();
      }
      log(`${zipMb.toFixed(1)} MiB zip, ${mode}: peak RSS ${results[mode].peakMb.toFixed(0)} MiB, ${results[mode].seconds.toFixed(2)} s`);
    }
    rows.push(
      `| ${zipMb.toFixed(1)} | ${results.streamed.peakMb.toFixed(0)} | ${results.buffered.peakMb.toFixed(0)} | ${results.streamed.seconds.toFixed(2)} | ${results.buffered.seconds.toFixed(2)} |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    title: 'Deploy: memory of a three-region deploy (streamed body vs. buffered)',
    markdown: [
      'One zip sent to us, eu and apac at once (the emulator, a separate process, on 127.0.0.1), each run a fresh node process;',
      '"streamed" is the plugin (`deployConnector`, waiting for Deployed), "buffered" reads and base64-encodes the zip in memory for each region and posts the JSON string.',
      '',
      '| Zip (MiB) | Peak RSS streamed (MiB) | Peak RSS buffered (MiB) | Time streamed (s) | Time buffered (s) |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  };
}

module.exports = { run };
