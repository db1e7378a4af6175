import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, captureOutput, emulatorEnv, expectNoToken, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { connectorWorkspace, PROJECT, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployExecutor from './executor';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

jest.setTimeout(60_000);

/** Issue 19.9: Ctrl-C always tells what is in flight, while sending or while polling. */
describe('tray-connector:deploy executor: interrupted', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  let exitCode: typeof process.exitCode;
  const resultFile = () => path.join(ws.root, ROOT, '.tray/deploy-result.json');

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 60_000 });
    ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'deploy' });
    writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    output = captureOutput();
    exitCode = process.exitCode;
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    process.exitCode = exitCode;
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s while the POST is held open: "sent, no answer yet", the result file, exit code',
    async (signal) => {
      emu.hangNext(1, { region: 'eu', kind: 'deploy' });
      const listeners = process.listenerCount(signal);
      const running = deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02 }, ws.context);
      await until(
        () =>
          emu.requests.some((r) => r.region === 'eu' && r.kind === 'deploy') &&
          emu.requests.some((r) => r.region === 'us' && r.kind === 'status'),
      );
      process.emit(signal, signal);
      await expect(running).resolves.toEqual({ success: false });
      expect(process.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
      const text = output.text();
      const us = emu.deployments.find((d) => d.region === 'us')!;
      const usUrl = `${emu.urlFor('us')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${us.id}`;
      expect(text).toContain(`  ${PROJECT}: us: deployment ${us.id} (Deploying), status ${usUrl}`);
      expect(text).toContain(
        `  ${PROJECT}: eu: deploy request sent, no answer yet; check GET ${emu.urlFor('eu')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest`,
      );
      const result = JSON.parse(fs.readFileSync(resultFile(), 'utf8'));
      expect(result).toMatchObject({ project: PROJECT, success: false, interrupted: signal });
      const byRegion = Object.fromEntries(result.regions.map((r: { region: string }) => [r.region, r]));
      expect(byRegion.us).toMatchObject({ ok: false, status: 'Interrupted', deploymentId: us.id, statusUrl: usUrl });
      expect(byRegion.eu).toMatchObject({ ok: false, status: 'Interrupted' });
      expect(byRegion.eu.deploymentId ?? null).toBeNull();
      expect(process.listenerCount(signal)).toBe(listeners);
    },
  );

  it('SIGINT while polling: each deployment with its status URL; the step summary gets one section', async () => {
    const summary = path.join(ws.root, 'summary.md');
    process.env.GITHUB_STEP_SUMMARY = summary;
    const running = deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02 }, ws.context);
    const polling = (region: string) => emu.requests.some((r) => r.kind === 'status' && r.region === region);
    await until(() => polling('us') && polling('eu'));
    process.emit('SIGINT', 'SIGINT');
    await expect(running).resolves.toEqual({ success: false });
    expect(process.exitCode).toBe(130);
    const text = output.text();
    for (const d of emu.deployments) {
      const url = `${emu.urlFor(d.region)}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/${d.id}`;
      expect(text).toContain(`  ${PROJECT}: ${d.region}: deployment ${d.id} (Deploying), status ${url}`);
    }
    expect(text.indexOf('In flight at Tray')).toBeLessThan(text.indexOf('Deploy of acme-crm 1.0: 0/2 regions ok'));
    expect(fs.readFileSync(summary, 'utf8').match(/### /g)).toHaveLength(1);
    const result = JSON.parse(fs.readFileSync(resultFile(), 'utf8'));
    expect(result.regions.map((r: { status: string }) => r.status)).toEqual(['Interrupted', 'Interrupted']);
  });
});
