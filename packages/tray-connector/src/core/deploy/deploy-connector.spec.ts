import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { deployConnector, type DeployConnectorOptions } from './deploy-connector';
import { TrayConnectorError } from '../errors';
import { createRecordingLogger } from '../logger';
import { createProgressReporter } from '../tray-api/progress';
import { ALL_TOKENS, TOKENS, emulatorEnv, expectNoToken, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';

const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 40 };

describe('deployConnector against the emulator', () => {
  let emu: Emulator;
  let dir: string;
  let zipPath: string;
  let log: ReturnType<typeof createRecordingLogger>;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 60 });
    dir = tempDir();
    zipPath = writeConnectorZip(path.join(dir, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
    log = createRecordingLogger();
  });
  afterEach(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expectNoToken(log.text());
  });

  const options = (over: Partial<DeployConnectorOptions> = {}): DeployConnectorOptions => ({
    name: 'acme-crm',
    version: '1.0',
    zipPath,
    regions: ['us', 'eu', 'apac'],
    env: emulatorEnv(emu),
    pollIntervalMs: 15,
    retry: FAST_RETRY,
    logger: log,
    progress: createProgressReporter({ logger: log, tty: false }),
    ...over,
  });

  it('deploys to three regions at once, each with its own token, and sends exactly the zip', async () => {
    const outcome = await deployConnector(options());
    expect(outcome.success).toBe(true);
    expect(outcome.regions.map((r) => [r.region, r.status])).toEqual([
      ['us', 'Deployed'],
      ['eu', 'Deployed'],
      ['apac', 'Deployed'],
    ]);
    expect(emu.deployments.map((d) => d.region).sort()).toEqual(['apac', 'eu', 'us']);
    for (const d of emu.deployments) expect(d.zip.equals(fs.readFileSync(zipPath))).toBe(true);
    const deploys = emu.requests.filter((r) => r.kind === 'deploy');
    expect(deploys).toHaveLength(3);
    expect(deploys[0].headers['content-type']).toBe('application/json');
    expect(Number(deploys[0].headers['content-length'])).toBe(deploys[0].payload?.bytes);
    // concurrent: every region submitted before any region's deployment finished
    const firstStatus = emu.requests.findIndex((r) => r.kind === 'status');
    expect(emu.requests.slice(0, firstStatus).filter((r) => r.kind === 'deploy')).toHaveLength(3);
    expect(outcome.table).toMatch(/Region\s+Deployment id\s+Status\s+Duration/);
    for (const d of emu.deployments) expect(outcome.table).toContain(d.id);
    expect(log.text()).toMatch(/\d{4}-\d\d-\d\dT\S+Z eu\s+submitted, deployment \S+: Deploying/);
  });

  it('waits out a running deployment (repeatDeployment) and deploys this source again', async () => {
    const otherZip = writeConnectorZip(path.join(dir, 'other.zip'), { name: 'acme-crm', version: '1.0', extra: { 'src/old.ts': 'old' } });
    emu.setDeployDelayMs(1000);
    await deployConnector(options({ zipPath: otherZip, regions: ['eu'], wait: false }));
    const outcome = await deployConnector(options({ regions: ['eu'] }));
    expect(outcome.success).toBe(true);
    expect(outcome.regions[0].repeats).toBe(1);
    expect(log.text()).toContain('repeatDeployment');
    expect(log.text()).toContain('did NOT take this source');
    const last = emu.deployments[emu.deployments.length - 1];
    expect(last.zip.equals(fs.readFileSync(zipPath))).toBe(true);
    expect(last.status).toBe('Deployed');
    expect(emu.requests.filter((r) => r.kind === 'deploy' && r.repeatDeployment)).toHaveLength(1);
  });

  it('keeps waiting through Building and shows each status change once', async () => {
    await emu.close();
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 600, buildingAfterMs: 150 });
    const outcome = await deployConnector(options({ regions: ['us'], env: emulatorEnv(emu, ['us']) }));
    expect(outcome.success).toBe(true);
    const lines = log.lines.filter((l) => / us +/.test(l)).map((l) => l.replace(/^\S+ us +/, '').replace(/ \[[^\]]+\]$/, ''));
    const id = emu.deployments[0].id;
    expect(lines).toEqual([
      expect.stringMatching(/^sending acme-crm 1.0 \(\d+ bytes zipped\) to http:\/\/127.0.0.1:\d+\/us$/),
      `submitted, deployment ${id}: Deploying`,
      `Building (deployment ${id})`,
      'Deployed',
    ]);
    expect(emu.requests.filter((r) => r.kind === 'status').length).toBeGreaterThan(2);
  });

  it('reports Failed as a failure while the other regions deploy', async () => {
    emu.failDeployments(1, { region: 'apac' });
    const outcome = await deployConnector(options());
    expect(outcome.success).toBe(false);
    expect(outcome.regions.find((r) => r.region === 'apac')).toMatchObject({ ok: false, status: 'Failed' });
    expect(outcome.regions.filter((r) => r.ok).map((r) => r.region)).toEqual(['us', 'eu']);
    expect(log.text()).toMatch(/apac: Tray reports deployment \S+ of acme-crm 1.0 Failed/);
  });

  it('times out with the deployment id and the URL to check', async () => {
    emu.setDeployDelayMs(60_000);
    // the deadline covers the POST too: leave it time to be answered, so the polling is what times out
    const outcome = await deployConnector(options({ regions: ['us'], timeoutMs: 1500 }));
    expect(outcome.success).toBe(false);
    const us = outcome.regions[0];
    expect(us.status).toBe('Timed out');
    expect(us.message).toContain(us.deploymentId!);
    expect(us.message).toContain(`${emu.urlFor('us')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${us.deploymentId}`);
    expect(us.message).toContain('TRAY_API_TOKEN_US');
  });

  it('retries a 500 and then succeeds', async () => {
    emu.failNext(1, 500, { kind: 'deploy' });
    const outcome = await deployConnector(options({ regions: ['us'] }));
    expect(outcome.success).toBe(true);
    expect(emu.requests.filter((r) => r.kind === 'deploy').map((r) => r.status)).toEqual([500, 200]);
    expect(log.text()).toMatch(/deploy request failed \(HTTP 500\); retry 1\/4/);
  });

  it('honours Retry-After on 429', async () => {
    emu.rateLimitNext(1, 1, { kind: 'status' });
    const started = Date.now();
    const outcome = await deployConnector(options({ regions: ['eu'] }));
    expect(outcome.success).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(log.text()).toContain('HTTP 429 rate limited, Retry-After 1s');
  });

  it('retries a dropped connection', async () => {
    emu.dropNext(1, { kind: 'deploy' });
    const outcome = await deployConnector(options({ regions: ['apac'] }));
    expect(outcome.success).toBe(true);
    expect(emu.requests.filter((r) => r.kind === 'deploy').map((r) => r.status)).toEqual([0, 200]);
    expect(log.text()).toMatch(/retry 1\/4/);
  });

  it('gives up after a bounded number of retries', async () => {
    emu.failNext(10, 503, { kind: 'deploy' });
    const outcome = await deployConnector(options({ regions: ['us'], retry: { ...FAST_RETRY, retries: 2 } }));
    expect(outcome.success).toBe(false);
    expect(emu.requests.filter((r) => r.kind === 'deploy')).toHaveLength(3);
    expect(outcome.regions[0].message).toMatch(/HTTP 503.*gave up after 3 attempts/s);
  });

  it('a 401 in one region fails it with the variable named; the others still deploy', async () => {
    const env = { ...emulatorEnv(emu), TRAY_API_TOKEN_EU: 'tok-wrong-9999' };
    const outcome = await deployConnector(options({ env }));
    expect(outcome.success).toBe(false);
    expect(outcome.regions.find((r) => r.region === 'eu')).toMatchObject({ ok: false, status: 'HTTP 401' });
    expect(emu.deployments.map((d) => d.region).sort()).toEqual(['apac', 'us']);
    expect(log.text()).toMatch(/eu: Tray refused the token from TRAY_API_TOKEN_EU \(HTTP 401/);
    expect(emu.requests.filter((r) => r.region === 'eu')).toHaveLength(1);
    expect(log.text()).not.toContain('tok-wrong-9999');
  });

  it('shows the API message of a 400', async () => {
    emu.failNext(1, 400, { kind: 'deploy', body: { message: 'connector.json: title is required' } });
    const outcome = await deployConnector(options({ regions: ['us'] }));
    expect(outcome.regions[0].message).toBe('us: Tray rejected deploying acme-crm 1.0 (HTTP 400): connector.json: title is required');
    expect(emu.requests).toHaveLength(1);
  });

  it('truncates long response bodies', async () => {
    emu.failNext(1, 418, { kind: 'deploy', body: { detail: 'x'.repeat(5000) } });
    const outcome = await deployConnector(options({ regions: ['us'] }));
    expect(outcome.regions[0].message!.length).toBeLessThan(800);
    expect(outcome.regions[0].message).toMatch(/more characters\)/);
  });

  describe('refuses before any request', () => {
    const refuses = async (over: Partial<DeployConnectorOptions>, pattern: RegExp) => {
      await expect(deployConnector(options(over))).rejects.toThrow(TrayConnectorError);
      await expect(deployConnector(options(over))).rejects.toThrow(pattern);
      expect(emu.requests).toHaveLength(0);
    };
    it('a missing token (naming the variable)', () =>
      refuses(
        { env: { ...emulatorEnv(emu), TRAY_API_TOKEN_APAC: undefined } },
        /apac: no API token; set TRAY_API_TOKEN_APAC \(or TRAY_API_TOKEN/,
      ));
    it('an unknown region', () => refuses({ regions: ['us', 'mars'] }, /Unknown region "mars"/));
    it('a missing zip', () => refuses({ zipPath: path.join(dir, 'nope.zip') }, /nope\.zip does not exist: build it first/));
    it('a zip of another version', () => {
      writeConnectorZip(zipPath, { name: 'acme-crm', version: '2.0' });
      return refuses({}, /holds connector acme-crm version 2.0, but the project's connector.json says acme-crm version 1.0/);
    });
    it('a zip of another name', () => {
      writeConnectorZip(zipPath, { name: 'other', version: '1.0' });
      return refuses({}, /holds connector other version 1.0/);
    });
    it('a name or version not fit for a URL path', () =>
      refuses({ name: 'acme/../crm', version: '1.0 beta' }, /kebab-case[\s\S]*MAJOR.MINOR/));
    it('http:// to a host that is not loopback', () =>
      refuses({ env: { ...emulatorEnv(emu), TRAY_API_URL_EU: 'http://api.eu1.tray.io' } }, /plain http:\/\/ to api.eu1.tray.io/));
    it('an invalid shareWith address', () =>
      refuses({ shareWith: ['ok@acme.com', 'not-an-email'] }, /Invalid e-mail address in "shareWith": "not-an-email"/));
  });

  it('dry run prints URL, payload size and sha256 per region and sends nothing', async () => {
    const outcome = await deployConnector(options({ dryRun: true, env: { ...emulatorEnv(emu), TRAY_API_TOKEN_US: undefined } }));
    // issue 22.7: a region without a token is not counted as ok
    expect(outcome.success).toBe(false);
    const n = outcome.regions.length;
    expect(outcome.table).toContain(`Deploy of acme-crm 1.0: ${n - 1}/${n} regions ok`);
    expect(outcome.regions.find((r) => r.region === 'us')).toMatchObject({ ok: false, status: 'Dry run: no token' });
    expect(outcome.regions.filter((r) => r.region !== 'us').every((r) => r.ok && r.status === 'Dry run (nothing sent)')).toBe(true);
    expect(emu.requests).toHaveLength(0);
    const size = fs.statSync(zipPath).size;
    const payload = '{"connectorSourceCode":""}'.length + 4 * Math.ceil(size / 3);
    expect(log.text()).toContain(
      `[dry run] eu: POST ${emu.urlFor('eu')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source`,
    );
    expect(log.text()).toContain(`payload ${payload} bytes`);
    expect(log.text()).toMatch(/sha256 [0-9a-f]{64}/);
    expect(log.text()).toContain('NO TOKEN: set TRAY_API_TOKEN_US');
    const all = await deployConnector(options({ dryRun: true }));
    expect(all.success).toBe(true);
    expect(all.table).toContain(`${all.regions.length}/${all.regions.length} regions ok`);
  });

  it('dry run with allowMissingTokens (a pull request job): regions without a token are reported, not counted ok, and do not fail it', async () => {
    const env = { ...emulatorEnv(emu), TRAY_API_TOKEN_US: undefined, TRAY_API_TOKEN_EU: undefined };
    const outcome = await deployConnector(options({ dryRun: true, allowMissingTokens: true, regions: ['us', 'eu'], env }));
    expect(outcome.success).toBe(true);
    expect(outcome.table).toContain('Deploy of acme-crm 1.0: 0/2 regions ok, 2 without a token');
    expect(outcome.regions.map((r) => r.status)).toEqual(['Dry run: no token', 'Dry run: no token']);
    expect(log.text()).toContain('NO TOKEN: set TRAY_API_TOKEN_EU');
    expect(emu.requests).toHaveLength(0);
  });

  it('shares after a successful deploy (shareWith)', async () => {
    const outcome = await deployConnector(options({ regions: ['us', 'eu'], shareWith: 'jane@acme.com,john@acme.com' }));
    expect(outcome.success).toBe(true);
    expect(emu.shares.map((s) => [s.region, s.emails])).toEqual(
      expect.arrayContaining([
        ['us', ['jane@acme.com', 'john@acme.com']],
        ['eu', ['jane@acme.com', 'john@acme.com']],
      ]),
    );
    expect(outcome.table).toContain('shared: 2 permissions added');
  });

  it('does not wait when wait is false', async () => {
    emu.setDeployDelayMs(60_000);
    const outcome = await deployConnector(options({ regions: ['us'], wait: false }));
    expect(outcome.success).toBe(true);
    expect(outcome.regions[0].status).toBe('Deploying (not waited for)');
    expect(emu.requests.filter((r) => r.kind === 'status')).toHaveLength(0);
  });

  it('never prints a token, even when the token reaches a message', async () => {
    emu.failNext(1, 400, { kind: 'deploy', body: { message: `bad token ${TOKENS.us} Bearer ${TOKENS.us}` } });
    const outcome = await deployConnector(options({ regions: ['us'] }));
    for (const t of ALL_TOKENS) expect(JSON.stringify(outcome)).not.toContain(t);
  });

  describe('bounded in time, honest about every outcome', () => {
    it("shows Tray's reason for Failed, then the advice", async () => {
      emu.failDeployments(1, {
        region: 'eu',
        reason: { message: 'Build failed: tsc exited 2', error: 'BUILD_ERROR', details: { file: 'src/list/handler.ts', line: 7 } },
      });
      const outcome = await deployConnector(options({ regions: ['eu'] }));
      expect(outcome.success).toBe(false);
      const msg = outcome.regions[0].message!;
      expect(msg).toMatch(
        /^eu: Tray reports deployment \S+ of acme-crm 1.0 Failed\. Tray says: message: Build failed: tsc exited 2; error: BUILD_ERROR; details: \{"file":"src\/list\/handler.ts","line":7\}\. Tray built the connector/,
      );
      expect(log.text()).toContain('Tray says: message: Build failed: tsc exited 2');
    });

    it("caps and redacts Tray's words", async () => {
      emu.failDeployments(1, { region: 'us', reason: { message: `token ${TOKENS.us} ${'x'.repeat(5000)}` } });
      const outcome = await deployConnector(options({ regions: ['us'] }));
      const msg = outcome.regions[0].message!;
      expect(msg).not.toContain(TOKENS.us);
      expect(msg.length).toBeLessThan(1600);
      expect(msg).toMatch(/more characters\)/);
    });

    it("an unknown final status is a failure that shows Tray's words and where to check", async () => {
      emu.failDeployments(1, { region: 'apac', status: 'Cancelled', reason: { message: 'Cancelled by an administrator' } });
      const outcome = await deployConnector(options({ regions: ['apac'] }));
      expect(outcome.success).toBe(false);
      const apac = outcome.regions[0];
      expect(apac.status).toBe('Cancelled');
      expect(apac.message).toContain(
        `ended with status "Cancelled", which is not Deployed. Tray says: message: Cancelled by an administrator.`,
      );
      expect(apac.message).toContain(apac.statusUrl!);
    });

    it('keeps polling through dropped polls, 5xx and 429 until Tray reports Deployed', async () => {
      emu.setDeployDelayMs(300);
      emu.dropNext(6, { kind: 'status' });
      emu.failNext(3, 503, { kind: 'status' });
      emu.rateLimitNext(1, 0, { kind: 'status' });
      const outcome = await deployConnector(options({ regions: ['us'], retry: { ...FAST_RETRY, retries: 1 } }));
      expect(outcome.success).toBe(true);
      expect(outcome.regions[0].status).toBe('Deployed');
      expect(emu.requests.filter((r) => r.kind === 'status' && r.fault).length).toBe(10);
      expect(log.text()).toMatch(
        /status request failed \(connection reset \(ECONNRESET\)\); retry \d+ in \S+, retrying until the deadline \(\S+ left\)/,
      );
    });

    it('polls first after firstPollMs, then each wait half longer up to pollIntervalMs', async () => {
      emu.setDeployDelayMs(700);
      const outcome = await deployConnector(options({ regions: ['us'], firstPollMs: 200, pollIntervalMs: 250 }));
      expect(outcome.success).toBe(true);
      const times = emu.requests.map((r) => r.at);
      expect(emu.requests.map((r) => r.kind).slice(0, 4)).toEqual(['deploy', 'status', 'status', 'status']);
      // waits are never shorter than the schedule: 200 ms, then min(250, 300) ms, then 250 ms
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(250);
      expect(times[3] - times[2]).toBeGreaterThanOrEqual(250);
    });

    it('the POST keeps its bounded retries', async () => {
      emu.dropNext(5, { kind: 'deploy' });
      const outcome = await deployConnector(options({ regions: ['us'], retry: { ...FAST_RETRY, retries: 2 } }));
      expect(outcome.success).toBe(false);
      expect(emu.requests.filter((r) => r.kind === 'deploy')).toHaveLength(3);
      expect(outcome.regions[0].message).toMatch(/gave up after 3 attempts/);
    });

    it('a POST that is never answered is retried after the idle limit, and the deadline ends the region', async () => {
      emu.hangNext(10, { kind: 'deploy' });
      // retries enough that the deadline, not the retry count, ends it
      const outcome = await deployConnector(
        options({ regions: ['us'], idleTimeoutMs: 150, timeoutMs: 1000, retry: { ...FAST_RETRY, retries: 1000 } }),
      );
      const us = outcome.regions[0];
      expect(us.status).toBe('Timed out');
      expect(us.message).toMatch(
        /^us: sending acme-crm 1.0 did not finish within \S+ \(timeout "timeoutSeconds" \(1.0s\)\) \(last problem: no data for 150ms \(idle limit\)\)\./,
      );
      expect(us.message).toContain(
        `Tray may or may not have taken it; check GET ${emu.urlFor('us')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest`,
      );
      expect(emu.requests.filter((r) => r.kind === 'deploy').length).toBeGreaterThan(1);
    });

    it('the deadline cuts off a status answer that trickles in', async () => {
      emu.setDeployDelayMs(60_000);
      emu.trickleNext(1, 300, { kind: 'status' });
      const outcome = await deployConnector(options({ regions: ['eu'], timeoutMs: 2000, idleTimeoutMs: 5000 }));
      expect(outcome.regions[0].status).toBe('Timed out');
      expect(outcome.regions[0].message).toContain(outcome.regions[0].deploymentId!);
    });

    it('a Retry-After longer than the time left ends the region at once, saying so', async () => {
      emu.setDeployDelayMs(60_000);
      emu.rateLimitNext(1, 100_000, { kind: 'status' });
      const outcome = await deployConnector(options({ regions: ['us'], timeoutMs: 30_000 }));
      const us = outcome.regions[0];
      expect(us.status).toBe('Rate limited');
      expect(emu.requests.filter((r) => r.kind === 'status')).toHaveLength(1); // no wait, no retry
      expect(us.message).toMatch(
        /^us: Tray asked to wait 27h46m40s \(Retry-After on the status request\), longer than the \S+ left of "timeoutSeconds" \(30.0s\); stopped instead of waiting\./,
      );
      expect(us.message).toContain(`Deployment ${us.deploymentId} may still finish: check GET ${us.statusUrl}`);

      emu.rateLimitNext(1, 100_000, { kind: 'deploy' });
      const post = await deployConnector(options({ regions: ['eu'], timeoutMs: 30_000 }));
      expect(post.regions[0].message).toMatch(
        /^eu: Tray asked to wait 27h46m40s \(Retry-After on the deploy request\), .*Tray did not take this source/,
      );
      expect(emu.requests.filter((r) => r.kind === 'deploy' && r.region === 'eu')).toHaveLength(1);
    });

    it('a redirect while polling is an error naming the status and the other origin; nothing goes there', async () => {
      const elsewhere = await startEmulator({ tokens: TOKENS });
      try {
        emu.redirectNext(1, `${elsewhere.urlFor('us')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest`, { kind: 'status' });
        const outcome = await deployConnector(options({ regions: ['us'] }));
        expect(outcome.success).toBe(false);
        expect(outcome.regions[0].status).toBe('HTTP 302');
        expect(outcome.regions[0].message).toContain(`answered HTTP 302 (a redirect to ${elsewhere.url})`);
        expect(elsewhere.requests).toHaveLength(0);
      } finally {
        await elsewhere.close();
      }
    });

    it('an interrupt ends every region at once, naming each deployment id and its status URL', async () => {
      emu.setDeployDelayMs(60_000);
      const interrupt = new AbortController();
      const running = deployConnector(options({ regions: ['us', 'eu'], signal: interrupt.signal }));
      const polling = (region: string) => emu.requests.some((r) => r.kind === 'status' && r.region === region);
      while (!polling('us') || !polling('eu')) await new Promise((r) => setTimeout(r, 10));
      interrupt.abort();
      const outcome = await running;
      expect(outcome.success).toBe(false);
      for (const r of outcome.regions) {
        expect(r).toMatchObject({ status: 'Interrupted', interrupted: true });
        expect(r.message).toContain(`interrupted while deployment ${r.deploymentId} was Deploying`);
        expect(r.message).toContain(`may still finish: check GET ${r.statusUrl}`);
      }
    });

    it('shareWith: a 2xx that confirms fewer addresses fails the region, per address, unless allowPartialShare', async () => {
      emu.partialShareNext(1, { region: 'us', refuse: ['bob@other.com'] });
      const outcome = await deployConnector(options({ regions: ['us'], shareWith: 'jane@acme.com,bob@other.com' }));
      expect(outcome.success).toBe(false);
      const us = outcome.regions[0];
      expect(us.status).toBe('Deployed, share partial');
      expect(us.message).toContain(
        'us: sharing acme-crm 1.0 did not reach every address: Tray answered "1 permission added" for 2 addresses:',
      );
      expect(us.message).toContain('jane@acme.com: added');
      expect(us.message).toContain('bob@other.com: refused (User not found in this organization)');
      expect(us.message).toContain('--allowPartialShare');

      emu.partialShareNext(1, { region: 'us', refuse: 1, listFailures: false });
      const accepted = await deployConnector(
        options({ regions: ['us'], shareWith: 'jane@acme.com,bob@other.com', allowPartialShare: true }),
      );
      expect(accepted.success).toBe(true);
      expect(accepted.regions[0].shareAddresses!.map((a) => a.result)).toEqual(['unconfirmed', 'unconfirmed']);
      expect(log.text()).toContain('Accepted because of "allowPartialShare"');
    });

    it('shareWith sends each address once, whatever its case', async () => {
      const outcome = await deployConnector(options({ regions: ['eu'], shareWith: ['Jane@Acme.com', 'jane@acme.com', 'JANE@ACME.COM'] }));
      expect(outcome.success).toBe(true);
      expect(emu.requests.find((r) => r.kind === 'share')!.payload!.emails).toEqual(['Jane@Acme.com']);
    });
  });
});
