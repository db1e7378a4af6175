import { startEmulator, type Emulator } from 'tray-api-emulator';
import { getDeploymentStatus, formatDeploymentStatus } from './deployment-status';
import { deployConnector } from './deploy-connector';
import { createRecordingLogger } from '../logger';
import { TOKENS, emulatorEnv, expectNoToken, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';
import * as fs from 'fs';
import * as path from 'path';

describe('getDeploymentStatus', () => {
  let emu: Emulator;
  let dir: string;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 20 });
    dir = tempDir('tray-status-');
  });
  afterEach(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function deploy(regions: Array<'us' | 'eu' | 'apac'>): Promise<Record<string, string>> {
    const zipPath = writeConnectorZip(path.join(dir, 'connector.zip'), { name: 'acme-crm', version: '1.0' });
    const outcome = await deployConnector({
      name: 'acme-crm',
      version: '1.0',
      zipPath,
      regions,
      env: emulatorEnv(emu),
      pollIntervalMs: 10,
      logger: createRecordingLogger(),
    });
    expect(outcome.success).toBe(true);
    return Object.fromEntries(outcome.regions.map((r) => [r.region, r.deploymentId!]));
  }

  it('reads the latest deployment of every region at once (GET .../versions/{version}/latest)', async () => {
    const ids = await deploy(['us', 'eu']);
    emu.requests.length = 0;
    const log = createRecordingLogger();
    const result = await getDeploymentStatus({
      name: 'acme-crm',
      version: '1.0',
      regions: ['us', 'eu', 'apac'],
      env: emulatorEnv(emu),
      logger: log,
    });
    expect(emu.requests.map((r) => [r.region, r.method, r.path]).sort()).toEqual([
      ['apac', 'GET', '/apac/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest'],
      ['eu', 'GET', '/eu/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest'],
      ['us', 'GET', '/us/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest'],
    ]);
    expect(result.success).toBe(true);
    expect(result.regions.map((r) => [r.region, r.deploymentId, r.status])).toEqual([
      ['us', ids.us, 'Deployed'],
      ['eu', ids.eu, 'Deployed'],
      ['apac', undefined, 'none'],
    ]);
    expect(result.regions[2].message).toContain('HTTP 404: no deployment of acme-crm 1.0 in apac yet');
    const table = formatDeploymentStatus(result);
    expect(table).toContain('acme-crm 1.0, latest deployment:');
    expect(table).toMatch(new RegExp(`us\\s+${ids.us}\\s+Deployed`));
    expect(table).toMatch(/apac\s+-\s+no deployment yet/);
  });

  it('reads a given deployment; an unknown id is a failure naming it', async () => {
    const ids = await deploy(['us']);
    const ok = await getDeploymentStatus({
      name: 'acme-crm',
      version: '1.0',
      regions: 'us',
      deploymentId: ids.us,
      env: emulatorEnv(emu),
      logger: createRecordingLogger(),
    });
    expect(ok.regions[0]).toMatchObject({ ok: true, deploymentId: ids.us, status: 'Deployed' });
    expect(formatDeploymentStatus(ok)).toContain(`acme-crm 1.0, deployment ${ids.us}:`);
    const missing = await getDeploymentStatus({
      name: 'acme-crm',
      version: '1.0',
      regions: 'us',
      deploymentId: 'nope',
      env: emulatorEnv(emu),
      logger: createRecordingLogger(),
    });
    expect(missing.success).toBe(false);
    expect(missing.regions[0].message).toContain(
      'us: Tray found no connector acme-crm version 1.0 (HTTP 404) while checking the deployment status of it. Deployment nope is unknown to us.',
    );
  });

  it('retries like deploy (503) and redacts a refused token', async () => {
    await deploy(['us']);
    emu.failNext(1, 503, { region: 'us', kind: 'status' });
    const log = createRecordingLogger();
    const retried = await getDeploymentStatus({
      name: 'acme-crm',
      version: '1.0',
      regions: 'us',
      env: emulatorEnv(emu),
      retry: { baseDelayMs: 5 },
      logger: log,
    });
    expect(retried.regions[0]).toMatchObject({ ok: true, status: 'Deployed' });
    expect(log.text()).toContain('us: status request failed (HTTP 503); retry 1/');
    const env = { ...emulatorEnv(emu), TRAY_API_TOKEN_US: 'tok-us-wrong-owner-9999' };
    const refused = await getDeploymentStatus({ name: 'acme-crm', version: '1.0', regions: 'us', env, logger: log });
    expect(refused.regions[0].message).toContain('us: Tray refused the token from TRAY_API_TOKEN_US (HTTP 401 Unauthorized)');
    expect(JSON.stringify(refused) + log.text()).not.toContain('tok-us-wrong-owner-9999');
    expectNoToken(JSON.stringify(refused) + log.text());
  });

  it('refuses bad input before any request, every problem at once', async () => {
    await expect(
      getDeploymentStatus({
        name: 'Acme',
        version: '1.0',
        regions: ['mars'],
        deploymentId: 'a/b',
        env: {},
        logger: createRecordingLogger(),
      }),
    ).rejects.toThrow(
      /Nothing was sent to Tray:[\s\S]*kebab-case[\s\S]*"deploymentId" "a\/b" is not a deployment id[\s\S]*Unknown region "mars"/,
    );
    await expect(
      getDeploymentStatus({ name: 'acme-crm', version: '1.0', regions: ['us'], env: {}, logger: createRecordingLogger() }),
    ).rejects.toThrow('us: no API token; set TRAY_API_TOKEN_US (or TRAY_API_TOKEN for every region)');
    expect(emu.requests).toHaveLength(0);
  });

  it('a region that never answers ends at its deadline with a message naming timeoutSeconds; the others still answer', async () => {
    await deploy(['us', 'eu']);
    emu.hangNext(1, { region: 'eu' });
    const result = await getDeploymentStatus({
      name: 'acme-crm',
      version: '1.0',
      regions: ['us', 'eu'],
      env: emulatorEnv(emu),
      timeoutMs: 1500,
      idleTimeoutMs: 60_000,
      logger: createRecordingLogger(),
    });
    expect(result.success).toBe(false);
    const eu = result.regions.find((r) => r.region === 'eu')!;
    expect(eu.ok).toBe(false);
    expect(eu.message).toMatch(/^eu: no answer within "timeoutSeconds" \(1\.5s\)/);
    expect(result.regions.find((r) => r.region === 'us')).toMatchObject({ ok: true, status: 'Deployed' });
  });
});
