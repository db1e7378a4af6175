import { logger } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, captureOutput, emulatorEnv, expectNoToken, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import deployExecutor from '../deploy/executor';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import statusExecutor from './executor';

describe('tray-connector:status executor', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 20 });
    ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'status' });
    writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
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

  it("prints the latest deployment per region of the deploy target's regions", async () => {
    await deployExecutor({ regions: ['us'], pollIntervalSeconds: 0.01 }, ws.context);
    emu.requests.length = 0;
    await expect(statusExecutor({}, ws.context)).resolves.toEqual({ success: true });
    expect(emu.requests.map((r) => r.region).sort()).toEqual(['eu', 'us']);
    const id = emu.deployments[0].id;
    expect(output.text()).toMatch(new RegExp(`us\\s+${id}\\s+Deployed`));
    expect(output.text()).toMatch(/eu\s+-\s+no deployment yet/);
  });

  it('--json prints one JSON object; --deploymentId asks for that one', async () => {
    await deployExecutor({ regions: ['us'], pollIntervalSeconds: 0.01 }, ws.context);
    const id = emu.deployments[0].id;
    await expect(statusExecutor({ regions: 'us', deploymentId: id, json: true }, ws.context)).resolves.toEqual({ success: true });
    const line = output
      .text()
      .split('\n')
      .find((l) => l.startsWith('{"success"'))!;
    expect(JSON.parse(line)).toMatchObject({
      success: true,
      name: 'acme-crm',
      version: '1.0',
      deploymentId: id,
      regions: [{ region: 'us', ok: true, deploymentId: id, status: 'Deployed' }],
    });
    expect(emu.requests.at(-1)!.path).toBe(`/us/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${id}`);
  });

  it('fails with the reason when a region cannot answer, and before any request without a token', async () => {
    emu.failNext(1, 403, { region: 'eu' });
    await expect(statusExecutor({}, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('eu: Tray refused the token from TRAY_API_TOKEN_EU (HTTP 403 Forbidden)');
    expect(output.text()).toContain('Status of acme-crm 1.0 could not be read in eu.');
    delete process.env.TRAY_API_TOKEN_US;
    emu.requests.length = 0;
    await expect(statusExecutor({ regions: ['us'] }, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('us: no API token; set TRAY_API_TOKEN_US');
    expect(emu.requests).toHaveLength(0);
  });

  it('issue 22.7: an error is printed without colour codes when colours are off (NO_COLOR), through the same logger as the rest', async () => {
    fs.writeFileSync(path.join(ws.root, ROOT, 'connector.json'), JSON.stringify({ name: 'Acme CRM', version: '1', title: 'x' }));
    process.env.NO_COLOR = '1';
    const nxError = jest.spyOn(logger, 'error');
    try {
      await expect(statusExecutor({}, ws.context)).resolves.toEqual({ success: false });
    } finally {
      delete process.env.NO_COLOR;
    }
    expect(nxError).not.toHaveBeenCalled();
    nxError.mockRestore();
    expect(output.text()).toContain('"name" must be kebab-case');
    // eslint-disable-next-line no-control-regex
    expect(output.text()).not.toMatch(/\u001b\[/);
  });
});
