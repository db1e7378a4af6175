import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, captureOutput, emulatorEnv, expectNoToken, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployExecutor from './executor';

/** Issue 11.4: every deploy leaves .tray/deploy-result.json and, on GitHub Actions, a job-summary table. */
describe('tray-connector:deploy executor: deploy result and step summary', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  let summary: string;
  const resultFile = () => path.join(ws.root, ROOT, '.tray/deploy-result.json');
  const readResult = () => JSON.parse(fs.readFileSync(resultFile(), 'utf8'));

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 30 });
    ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'deploy' });
    writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
    summary = path.join(ws.root, 'step-summary.md');
    restoreEnv = useTrayEnv({ ...emulatorEnv(emu), GITHUB_STEP_SUMMARY: summary });
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it('writes the regions, deployment ids, statuses and times, and appends a markdown table to GITHUB_STEP_SUMMARY', async () => {
    await expect(deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02 }, ws.context)).resolves.toEqual({ success: true });
    const result = readResult();
    expect(result).toMatchObject({ project: 'acme-crm', connector: 'acme-crm', version: '1.0', dryRun: false, success: true, error: null });
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    const byRegion = Object.fromEntries(result.regions.map((r: { region: string }) => [r.region, r]));
    for (const d of emu.deployments) expect(byRegion[d.region]).toMatchObject({ ok: true, status: 'Deployed', deploymentId: d.id });
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain('### ✅ Deploy of acme-crm 1.0 (acme-crm): 2/2 regions ok');
    for (const d of emu.deployments) expect(md).toContain(`| ${d.region} | \`${d.id}\` | Deployed |`);
    const text = fs.readFileSync(resultFile(), 'utf8') + md;
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
  });

  it('records a failed region and a failure before any request', async () => {
    emu.failDeployments(1, { region: 'eu' });
    await expect(deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02 }, ws.context)).resolves.toEqual({ success: false });
    expect(readResult()).toMatchObject({
      success: false,
      regions: [
        { region: 'us', ok: true },
        { region: 'eu', ok: false, status: 'Failed' },
      ],
    });
    expect(fs.readFileSync(summary, 'utf8')).toContain('### ❌ Deploy of acme-crm 1.0 (acme-crm): 1/2 regions ok');

    fs.rmSync(path.join(ws.root, ROOT, '.tray/connector.zip'));
    await expect(deployExecutor({ regions: ['us'] }, ws.context)).resolves.toEqual({ success: false });
    const failed = readResult();
    expect(failed).toMatchObject({ success: false, regions: [] });
    expect(failed.error).toContain('connector.zip');
  });

  it('a dry run is recorded as one, and nothing is sent (only the breaking-change check reads each region)', async () => {
    await expect(deployExecutor({ regions: ['us', 'eu'], dryRun: true }, ws.context)).resolves.toEqual({ success: true });
    expect(emu.requests.map((r) => `${r.method} ${r.kind}`).sort()).toEqual([
      'GET connectors',
      'GET connectors',
      'GET operations',
      'GET operations',
    ]);
    expect(readResult()).toMatchObject({ dryRun: true, success: true, regions: [{ region: 'us' }, { region: 'eu' }] });
    expect(fs.readFileSync(summary, 'utf8')).toContain('### ✅ Dry run of acme-crm 1.0 (acme-crm): 2/2 regions ok');
  });
});
