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
import deployExecutor from '../deploy/executor';
import { connectorWorkspace, ROOT } from '../shared/__fixtures__/connector-workspace';
import shareExecutor from './executor';

/** A workspace with one connector whose zip is built, deploying to `deployRegions` (undefined: the option left out). */
function workspace(deployRegions?: string[]) {
  const ws = connectorWorkspace({ deployRegions, targetName: 'share' });
  writeConnectorZip(path.join(ws.root, ROOT, '.tray/connector.zip'), { name: 'acme-crm', version: '1.0' });
  return ws;
}

describe('tray-connector:share executor', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof workspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 20 });
    ws = workspace(['us', 'eu']);
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    output = captureOutput();
    await deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.01 }, ws.context);
    emu.requests.length = 0;
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it("shares in the deploy target's regions, emails from a comma list, and prints the API's message per region", async () => {
    await expect(shareExecutor({ emails: 'jane@acme.com, john@acme.com' }, ws.context)).resolves.toEqual({ success: true });
    expect(emu.requests.map((r) => [r.region, r.kind, r.status, r.payload?.emails])).toEqual(
      expect.arrayContaining([
        ['us', 'share', 200, ['jane@acme.com', 'john@acme.com']],
        ['eu', 'share', 200, ['jane@acme.com', 'john@acme.com']],
      ]),
    );
    expect(emu.requests).toHaveLength(2);
    expect(emu.requests[0].path).toMatch(/^\/(us|eu)\/cdk\/v1\/permissions\/connectors\/acme-crm\/versions\/1\.0\/share-with-emails$/);
    expect(output.text()).toMatch(/us\s+shared: 2 permissions added/);
    expect(output.text()).toMatch(/Share of acme-crm 1.0 with jane@acme.com, john@acme.com: 2\/2 regions ok/);
  });

  it("uses deploy's default region (us) when the deploy target names none", async () => {
    const bare = workspace(undefined);
    try {
      await expect(shareExecutor({ emails: ['jane@acme.com'] }, bare.context)).resolves.toEqual({ success: true });
      expect(emu.requests.map((r) => [r.region, r.kind, r.status])).toEqual([['us', 'share', 200]]);
    } finally {
      fs.rmSync(bare.root, { recursive: true, force: true });
    }
  });

  it('fails in a region where the connector is not deployed, naming it', async () => {
    await expect(shareExecutor({ emails: ['jane@acme.com'], regions: ['us', 'apac'] }, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain(
      'apac: Tray found no connector acme-crm version 1.0 (HTTP 404) while sharing it. Deploy acme-crm 1.0 to apac with this token before sharing it.',
    );
    expect(emu.shares.map((s) => s.region)).toEqual(['us']);
  });

  it('a refused token names the variable', async () => {
    process.env.TRAY_API_TOKEN_US = 'tok-us-other-owner-4444';
    emu.failNext(1, 403, { region: 'us' });
    await expect(shareExecutor({ emails: ['jane@acme.com'] }, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('us: Tray refused the token from TRAY_API_TOKEN_US (HTTP 403 Forbidden)');
    expect(output.text()).not.toContain('tok-us-other-owner-4444');
  });

  it('retries a 503, then shares', async () => {
    emu.failNext(1, 503, { region: 'eu' });
    await expect(shareExecutor({ emails: ['jane@acme.com'] }, ws.context)).resolves.toEqual({ success: true });
    expect(emu.requests.filter((r) => r.region === 'eu').map((r) => r.status)).toEqual([503, 200]);
  });

  describe('refuses before any request', () => {
    const refused = async (options: Parameters<typeof shareExecutor>[0], message: string | RegExp) => {
      await expect(shareExecutor(options, ws.context)).resolves.toEqual({ success: false });
      expect(output.text()).toMatch(message);
      expect(emu.requests).toHaveLength(0);
    };
    it('an empty list', () => refused({ emails: [] }, /No e-mail address given: pass "emails", e.g. --emails=/));
    it('no emails option at all', () => refused({}, /No e-mail address given/));
    it('invalid addresses, all named', () =>
      refused({ emails: 'jane@acme.com,not-mail,bob@' }, /Invalid e-mail addresses in "emails": "not-mail", "bob@"/));
    it('a missing token', async () => {
      delete process.env.TRAY_API_TOKEN_EU;
      await refused({ emails: ['jane@acme.com'] }, /eu: no API token; set TRAY_API_TOKEN_EU/);
    });
    it('an unknown region', () => refused({ emails: ['jane@acme.com'], regions: ['mars'] }, /Unknown region "mars"/));
  });

  it('fails when Tray confirms only some addresses, listing each; --allowPartial accepts it', async () => {
    emu.partialShareNext(1, { region: 'eu', refuse: ['bob@other.com'] });
    await expect(shareExecutor({ emails: 'jane@acme.com,bob@other.com' }, ws.context)).resolves.toEqual({ success: false });
    expect(output.text()).toContain('bob@other.com: refused (User not found in this organization)');
    emu.partialShareNext(1, { region: 'eu', refuse: 1, listFailures: false });
    await expect(shareExecutor({ emails: 'jane@acme.com,bob@other.com', allowPartial: true }, ws.context)).resolves.toEqual({
      success: true,
    });
    expect(output.text()).toContain('Accepted because of "allowPartial"');
  });

  it('timeoutSeconds bounds the share; requestIdleSeconds retries a request that went silent', async () => {
    emu.hangNext(20, { kind: 'share', region: 'us' });
    await expect(
      shareExecutor({ emails: 'jane@acme.com', regions: ['us'], timeoutSeconds: 1.2, requestIdleSeconds: 0.2 }, ws.context),
    ).resolves.toEqual({
      success: false,
    });
    expect(output.text()).toMatch(
      /us: sharing acme-crm 1.0 did not finish within \S+ \(timeout "timeoutSeconds" \(1.2s\)\) \(last problem: no data for 200ms \(idle limit\)\)/,
    );
  });
});
