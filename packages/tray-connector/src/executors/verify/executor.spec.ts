import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { captureOutput, emulatorEnv, expectNoToken, TOKENS, useTrayEnv } from '../../core/__fixtures__/deploy-kit';
import { CONTACT_OUTPUT, contactOperations, deployToEmulator, writeOperationsZip } from '../../core/__fixtures__/operations-kit';
import { VERIFY_RESULT_FILE } from '../../core/deploy/verify-result';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import verifyExecutor from './executor';

describe('tray-connector:verify executor', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  let zipPath: string;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 5 });
    ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'verify' });
    zipPath = writeOperationsZip(path.join(ws.root, ROOT, '.tray/connector.zip'), 'acme-crm', '1.0', contactOperations());
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    delete process.env.GITHUB_STEP_SUMMARY;
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });
  const resultFile = () => JSON.parse(fs.readFileSync(path.join(ws.root, ROOT, VERIFY_RESULT_FILE), 'utf8'));

  it("is green when every one of the deploy target's regions serves the build, with one GET per region", async () => {
    for (const region of ['us', 'eu'] as const) await deployToEmulator(emu, region, 'acme-crm', '1.0', zipPath);
    emu.requests.length = 0;
    await expect(verifyExecutor({}, ws.context)).resolves.toEqual({ success: true });
    expect(emu.requests.map((r) => `${r.kind} ${r.region}`).sort()).toEqual(['operations eu', 'operations us']);
    expect(output.text()).toMatch(/us\s+in sync/);
    expect(output.text()).toMatch(/eu\s+in sync/);
    expect(resultFile()).toMatchObject({
      project: 'acme-crm',
      success: true,
      regions: [{ region: 'us', state: 'in-sync' }, { region: 'eu' }],
    });
  });

  it('is red on drift and not deployed, naming region, operation and JSON path, and says what to do', async () => {
    await deployToEmulator(emu, 'us', 'acme-crm', '1.0', zipPath);
    const other = writeOperationsZip(
      path.join(ws.root, 'other.zip'),
      'acme-crm',
      '1.0',
      contactOperations({
        output: { ...CONTACT_OUTPUT, properties: { id: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } } },
      }),
    );
    await deployToEmulator(emu, 'us', 'acme-crm', '1.0', other);
    const summary = path.join(ws.root, 'summary.md');
    process.env.GITHUB_STEP_SUMMARY = summary;
    await expect(verifyExecutor({}, ws.context)).resolves.toEqual({ success: false });
    const text = output.text();
    expect(text).toMatch(/us\s+DRIFT\s+1 \(1 breaking\)/);
    expect(text).toMatch(/eu\s+not deployed/);
    expect(text).toMatch(/breaking\s+get_contact\s+\$\.outputSchema\.properties\.phone\s+output property "phone" removed/);
    expect(text).toContain('us: drift in get_contact (1 breaking): deploy this build there (nx run acme-crm:deploy --regions=us)');
    expect(text).toContain('eu: not deployed: deploy it (nx run acme-crm:deploy --regions=eu)');
    expect(resultFile().regions[0].differences).toEqual([
      { operation: 'get_contact', path: '$.outputSchema.properties.phone', reason: 'output property "phone" removed', breaking: true },
    ]);
    expect(fs.readFileSync(summary, 'utf8')).toContain('### ❌ Verify of acme-crm 1.0 (acme-crm): 0/2 regions in sync');
  });

  it('--json prints only the JSON result; --regions picks regions', async () => {
    await deployToEmulator(emu, 'eu', 'acme-crm', '1.0', zipPath);
    await expect(verifyExecutor({ regions: 'eu', json: true }, ws.context)).resolves.toEqual({ success: true });
    const printed = output.text().trim();
    expect(JSON.parse(printed)).toMatchObject({ project: 'acme-crm', success: true, regions: [{ region: 'eu', state: 'in-sync' }] });
    expect(JSON.parse(printed)).toEqual(resultFile());
  });

  it("uses connectivityTokenEnv (or the deploy target's) for a region whose deploy token cannot read the listing", async () => {
    await deployToEmulator(emu, 'eu', 'acme-crm', '1.0', zipPath);
    process.env.TRAY_API_TOKEN_EU = 'tok-eu-deploy-only-4444';
    process.env.READER_EU = TOKENS.eu;
    await expect(verifyExecutor({ regions: ['eu'] }, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('Tray refused the token from TRAY_API_TOKEN_EU (HTTP 401 Unauthorized)');
    expect(output.text()).toContain('eu: could not be read:');
    await expect(verifyExecutor({ regions: ['eu'], connectivityTokenEnv: { eu: 'READER_EU' } }, ws.context)).resolves.toEqual({
      success: true,
    });
    const deploy = (ws.context.projectsConfigurations!.projects['acme-crm'].targets as any).deploy;
    deploy.options.connectivityTokenEnv = { eu: 'READER_EU' };
    await expect(verifyExecutor({ regions: ['eu'] }, ws.context)).resolves.toEqual({ success: true });
    expect(resultFile().regions[0].tokenEnv).toBe('READER_EU');
    expect(output.text()).not.toContain('tok-eu-deploy-only-4444');
  });

  it('fails before any request, saying what to fix: no zip, no token', async () => {
    fs.rmSync(zipPath);
    delete process.env.TRAY_API_TOKEN_US;
    await expect(verifyExecutor({}, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('does not exist: build it first');
    expect(output.text()).toContain('us: no API token; set TRAY_API_TOKEN_US');
    expect(emu.requests).toHaveLength(0);
    // No earlier result stays behind looking current.
    expect(resultFile()).toMatchObject({ project: 'acme-crm', success: false, regions: [] });
    expect(resultFile().error).toContain('does not exist: build it first');
  });
});
