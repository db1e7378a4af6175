import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import {
  TOKENS,
  captureOutput,
  emulatorEnv,
  expectNoToken,
  useTrayEnv,
  tempDir,
  writeConnectorZip,
} from '../../core/__fixtures__/deploy-kit';
import { connectorWorkspace, PROJECT, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployExecutor from './executor';
import type { DeployExecutorSchema } from './schema';

/** A workspace with one connector deploying to every region, as deploy's tests want it. */
function workspace(connector?: Record<string, unknown>, buildOutput?: string) {
  return connectorWorkspace({ connector, buildOutput, deployRegions: ['us', 'eu', 'apac'], targetName: 'deploy' });
}

describe('tray-connector:deploy executor', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof workspace>;
  let zipPath: string;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  const run = (options: DeployExecutorSchema = {}) =>
    deployExecutor({ regions: ['us', 'eu', 'apac'], pollIntervalSeconds: 0.02, ...options }, ws.context);

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 60 });
    ws = workspace();
    zipPath = writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it('deploys the build output to three regions at once and prints the summary table', async () => {
    await expect(run()).resolves.toEqual({ success: true });
    expect(emu.deployments.map((d) => `${d.region}:${d.status}`).sort()).toEqual(['apac:Deployed', 'eu:Deployed', 'us:Deployed']);
    for (const d of emu.deployments) expect(d.zip.equals(fs.readFileSync(zipPath))).toBe(true);
    const text = output.text();
    expect(text).toContain('Deploy of acme-crm 1.0: 3/3 regions ok');
    expect(text).toMatch(/Region\s+Deployment id\s+Status\s+Duration/);
    for (const d of emu.deployments) expect(text).toMatch(new RegExp(`${d.region}\\s+${d.id}\\s+Deployed`));
  });

  it('says once, in the first task of a plain run, that --batch deploys them all at once when they outnumber --parallel (issue 27.6)', async () => {
    const projects = ['acme-crm', 'beta', 'gamma', 'delta'];
    const tasks = Object.fromEntries(projects.map((p) => [`${p}:deploy`, { id: `${p}:deploy`, target: { project: p, target: 'deploy' } }]));
    const restore = useTrayEnv({ ...emulatorEnv(emu), NX_PARALLEL: '2' });
    try {
      const context = { ...ws.context, taskGraph: { tasks } } as typeof ws.context;
      await expect(deployExecutor({ regions: ['us'], pollIntervalSeconds: 0.02 }, context)).resolves.toEqual({ success: true });
      const hint = 'this run holds 4 deploy tasks and --parallel lets 2 run at once';
      expect(output.text().split(hint)).toHaveLength(2);
      // Another task of the same run (beta's) does not say it again; neither does a run --parallel fits.
      const beta = { ...context, projectName: 'beta' } as typeof ws.context;
      await deployExecutor({ regions: ['us'], dryRun: true }, beta);
      process.env.NX_PARALLEL = '4';
      await deployExecutor({ regions: ['us'], pollIntervalSeconds: 0.02 }, context);
      expect(output.text().split(hint)).toHaveLength(2);
      expect(output.text()).not.toContain('--parallel lets 4');
    } finally {
      restore();
    }
  });

  it('takes the zip from the build target outputPath', async () => {
    ws = workspace(undefined, 'dist/{projectRoot}/connector.zip');
    writeConnectorZip(path.join(ws.root, 'dist', ROOT, 'connector.zip'), {
      name: 'acme-crm',
      version: '1.0',
      extra: { 'src/marker.ts': 'm' },
    });
    await expect(run({ regions: ['eu'] })).resolves.toEqual({ success: true });
    expect(emu.deployments[0].zip.equals(fs.readFileSync(path.join(ws.root, 'dist', ROOT, 'connector.zip')))).toBe(true);
  });

  it('accepts regions as a comma list and aliases', async () => {
    await expect(run({ regions: 'us1,ap1' })).resolves.toEqual({ success: true });
    expect(emu.deployments.map((d) => d.region).sort()).toEqual(['apac', 'us']);
  });

  it('waits out a repeatDeployment and deploys the source just built', async () => {
    emu.setDeployDelayMs(1000);
    const older = writeConnectorZip(path.join(ws.root, 'older.zip'), { name: 'acme-crm', version: '1.0', extra: { 'src/old.ts': 'old' } });
    await expect(run({ regions: ['us'], zipPath: older, wait: false })).resolves.toEqual({ success: true });
    await expect(run({ regions: ['us'] })).resolves.toEqual({ success: true });
    expect(output.text()).toMatch(
      /repeatDeployment: another deployment of acme-crm 1.0 \(\S+\) is in progress and Tray did NOT take this source/,
    );
    const last = emu.deployments[emu.deployments.length - 1];
    expect(last.zip.equals(fs.readFileSync(zipPath))).toBe(true);
    expect(last.status).toBe('Deployed');
  });

  it('fails when a region ends Failed', async () => {
    emu.failDeployments(1, { region: 'eu' });
    await expect(run()).resolves.toEqual({ success: false });
    expect(output.text()).toMatch(/eu: Tray reports deployment \S+ of acme-crm 1.0 Failed/);
    expect(output.text()).toContain('failed in eu (2 of 3 regions ok)');
  });

  it('fails on timeout, naming the deployment id and the URL to check', async () => {
    emu.setDeployDelayMs(60_000);
    await expect(run({ regions: ['apac'], timeoutSeconds: 1.5 })).resolves.toEqual({ success: false });
    const id = emu.deployments[0].id;
    expect(output.text()).toContain(`deployment ${id} of acme-crm 1.0 was still Deploying`);
    expect(output.text()).toContain(`${emu.urlFor('apac')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${id}`);
  });

  it('retries a 500, then succeeds', async () => {
    emu.failNext(1, 500, { region: 'eu', kind: 'deploy' });
    await expect(run()).resolves.toEqual({ success: true });
    expect(emu.requests.filter((r) => r.region === 'eu' && r.kind === 'deploy').map((r) => r.status)).toEqual([500, 200]);
    expect(output.text()).toMatch(/eu\s+deploy request failed \(HTTP 500\); retry 1\/4/);
  });

  it('waits as long as Retry-After says on 429', async () => {
    emu.rateLimitNext(1, 1, { region: 'us', kind: 'deploy' });
    const started = Date.now();
    await expect(run({ regions: ['us'] })).resolves.toEqual({ success: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(output.text()).toContain('HTTP 429 rate limited, Retry-After 1s');
  });

  it('retries a dropped connection', async () => {
    emu.dropNext(1, { region: 'apac', kind: 'status' });
    await expect(run()).resolves.toEqual({ success: true });
    expect(emu.requests.filter((r) => r.region === 'apac' && r.fault === 'drop')).toHaveLength(1);
    // polling retries until the deadline, not a fixed number of times
    expect(output.text()).toMatch(
      /apac\s+status request failed \((connection reset \(ECONNRESET\)|connection closed while sending \(EPIPE\))\); retry 1 in \S+, retrying until the deadline \(\S+ left\)/,
    );
  });

  it('a 401 in one region: non-zero, others still deployed, the variable named', async () => {
    process.env.TRAY_API_TOKEN_EU = 'tok-eu-revoked-0000';
    await expect(run()).resolves.toEqual({ success: false });
    expect(emu.deployments.map((d) => d.region).sort()).toEqual(['apac', 'us']);
    expect(emu.deployments.every((d) => d.status === 'Deployed')).toBe(true);
    expect(output.text()).toContain('eu: Tray refused the token from TRAY_API_TOKEN_EU (HTTP 401 Unauthorized)');
    expect(output.text()).not.toContain('tok-eu-revoked-0000');
  });

  describe('refuses before any request', () => {
    const refused = async (options: DeployExecutorSchema, message: string | RegExp) => {
      await expect(run(options)).resolves.toEqual({ success: false });
      expect(output.text()).toMatch(message);
      expect(emu.requests).toHaveLength(0);
    };
    it('missing token', async () => {
      delete process.env.TRAY_API_TOKEN_EU;
      await refused({}, 'eu: no API token; set TRAY_API_TOKEN_EU (or TRAY_API_TOKEN for every region)');
    });
    it('TRAY_API_TOKEN serves every region without its own variable', async () => {
      delete process.env.TRAY_API_TOKEN_US;
      process.env.TRAY_API_TOKEN = 'tok-shared-wrong-7777';
      await expect(run({ regions: ['us'] })).resolves.toEqual({ success: false });
      expect(output.text()).toContain('refused the token from TRAY_API_TOKEN ');
      expect(output.text()).not.toContain('tok-shared-wrong-7777');
    });
    it('unknown region', () => refused({ regions: ['us', 'moon'] }, /Unknown region "moon".*use us, eu, apac/));
    it('missing zip', async () => {
      fs.rmSync(zipPath);
      await refused({}, /connector\.zip does not exist: build it first/);
    });
    it('zip of another version', async () => {
      writeConnectorZip(zipPath, { name: 'acme-crm', version: '1.1' });
      await refused({}, "holds connector acme-crm version 1.1, but the project's connector.json says acme-crm version 1.0");
    });
    it('bad name or version in connector.json', async () => {
      fs.writeFileSync(path.join(ws.root, ROOT, 'connector.json'), JSON.stringify({ name: 'Acme CRM', version: '1', title: 'x' }));
      await refused({}, /"name" must be kebab-case[\s\S]*"version" must be "MAJOR.MINOR"/);
    });
    it('plain http to a remote host', () => refused({ apiUrls: { eu: 'http://api.eu1.tray.io' } }, /plain http:\/\/ to api.eu1.tray.io/));
  });

  it('dry run: URL, payload size and sha256 per region, nothing sent (with checkBreakingChanges=false, not even the check)', async () => {
    await expect(run({ dryRun: true, checkBreakingChanges: false })).resolves.toEqual({ success: true });
    expect(emu.requests).toHaveLength(0);
    for (const r of ['us', 'eu', 'apac'] as const) {
      expect(output.text()).toContain(
        `[dry run] ${r}: POST ${emu.urlFor(r)}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source`,
      );
    }
    expect(output.text()).toMatch(/payload \d+ bytes \(zip \d+ bytes, sha256 [0-9a-f]{64}\)/);
  });

  it('shares after deploying (shareWith as a comma list)', async () => {
    await expect(run({ regions: ['eu'], shareWith: 'jane@acme.com,john@acme.com' })).resolves.toEqual({ success: true });
    expect(emu.shares).toEqual([expect.objectContaining({ region: 'eu', emails: ['jane@acme.com', 'john@acme.com'] })]);
  });

  it('apiUrls option overrides the environment', async () => {
    process.env.TRAY_API_URL_US = 'https://api.tray.io';
    await expect(run({ regions: ['us'], apiUrls: { us: emu.urlFor('us') } })).resolves.toEqual({ success: true });
    expect(emu.deployments).toHaveLength(1);
  });

  it('after a partial failure, names the command that re-deploys only the failed regions', async () => {
    emu.failDeployments(1, { region: 'eu', reason: { message: 'quota of connectors reached' } });
    await expect(run()).resolves.toEqual({ success: false });
    const text = output.text();
    expect(text).toContain('failed in eu (2 of 3 regions ok)');
    expect(text).toContain('Tray says: message: quota of connectors reached.');
    expect(text).toContain(`Re-deploy only the failed region: nx run ${PROJECT}:deploy --regions=eu`);
  });

  it('a share that did not reach every address after deploying names the share command for those regions', async () => {
    emu.partialShareNext(1, { region: 'apac', refuse: ['bob@other.com'] });
    await expect(run({ shareWith: 'jane@acme.com,bob@other.com' })).resolves.toEqual({ success: false });
    const text = output.text();
    expect(text).toContain('apac: sharing acme-crm 1.0 did not reach every address');
    expect(text).toContain(
      `Deployed, but not shared everywhere: nx run ${PROJECT}:share --regions=apac --emails=jane@acme.com,bob@other.com`,
    );
    expect(text).not.toContain('Re-deploy only');
  });

  it('on SIGINT, prints each in-flight deployment id and status URL and fails with a non-zero exit code', async () => {
    emu.setDeployDelayMs(60_000);
    const exitCode = process.exitCode;
    const listeners = process.listenerCount('SIGINT');
    try {
      const running = run({ regions: ['us', 'apac'] });
      const polling = (region: string) => emu.requests.some((r) => r.kind === 'status' && r.region === region);
      while (!polling('us') || !polling('apac')) await new Promise((r) => setTimeout(r, 10));
      process.emit('SIGINT', 'SIGINT');
      await expect(running).resolves.toEqual({ success: false });
      expect(process.exitCode).toBe(130);
      const text = output.text();
      expect(text).toContain('SIGINT received: stopping the deploy. In flight at Tray');
      expect(text).toContain('Deploy of acme-crm 1.0 interrupted (SIGINT).');
      for (const d of emu.deployments) {
        const url = `${emu.urlFor(d.region)}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${d.id}`;
        expect(text).toContain(`  ${PROJECT}: ${d.region}: deployment ${d.id} (Deploying), status ${url}`);
      }
      expect(process.listenerCount('SIGINT')).toBe(listeners); // the executor's handler is gone again
    } finally {
      process.exitCode = exitCode;
    }
  });

  it("never prints the token's encoded forms a server echoes", async () => {
    const token = process.env.TRAY_API_TOKEN_US!;
    emu.failNext(1, 400, {
      region: 'us',
      kind: 'deploy',
      body: {
        message: `bad ${encodeURIComponent(token)} ${Buffer.from(token).toString('base64')} ${Buffer.from(`Bearer ${token}`).toString('base64')}`,
      },
    });
    ws.context.isVerbose = true;
    await expect(run({ regions: ['us'] })).resolves.toEqual({ success: false });
    const text = output.text();
    expect(text).toContain('Tray rejected deploying acme-crm 1.0 (HTTP 400): bad ***');
    for (const form of [
      encodeURIComponent(token),
      Buffer.from(token).toString('base64'),
      Buffer.from(`Bearer ${token}`).toString('base64').slice(8, 24),
    ]) {
      expect(text).not.toContain(form);
    }
  });
});
