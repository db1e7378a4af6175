import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { ALL_TOKENS, tempDir, TOKENS } from '../__fixtures__/deploy-kit';
import { CONTACT_OUTPUT, contactOperations, deployToEmulator, writeOperationsZip } from '../__fixtures__/operations-kit';
import { TrayConnectorError } from '../errors';
import { createRecordingLogger } from '../logger';
import { verifyConnector, type VerifyOptions } from './verify';

describe('verifyConnector (against the emulator)', () => {
  let emu: Emulator;
  let dir: string;
  let zipPath: string;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 5 });
    dir = tempDir('verify-');
    zipPath = writeOperationsZip(path.join(dir, 'connector.zip'), 'acme-crm', '1.0', contactOperations());
  });
  afterEach(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const verify = (overrides: Partial<VerifyOptions> = {}) =>
    verifyConnector({
      name: 'acme-crm',
      version: '1.0',
      regions: ['us', 'eu', 'apac'],
      zipPath,
      env: emu.env(),
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
      logger: createRecordingLogger(),
      now: () => new Date('2026-01-02T03:04:05Z'),
      ...overrides,
    });

  it('per region: in sync, drift (with operation, JSON path, reason) or not deployed, with one GET per region (and one confirming a 404)', async () => {
    await deployToEmulator(emu, 'us', 'acme-crm', '1.0', zipPath);
    const older = writeOperationsZip(path.join(dir, 'older.zip'), 'acme-crm', '1.0', {
      ...contactOperations({ title: 'Old title', output: { ...CONTACT_OUTPUT, properties: { id: { type: 'string' } }, required: ['id'] } }),
      list_contacts: { input: {}, output: {} },
    });
    await deployToEmulator(emu, 'eu', 'acme-crm', '1.0', older);
    emu.requests.length = 0;

    const result = await verify();

    expect(emu.requests.map((r) => `${r.method} ${r.kind} ${r.region}`).sort()).toEqual([
      'GET connectors apac',
      'GET operations apac',
      'GET operations eu',
      'GET operations us',
    ]);
    expect(result).toMatchObject({ success: false, connector: 'acme-crm', version: '1.0', zipPath, localOperations: ['get_contact'] });
    expect(result.checkedAt).toBe('2026-01-02T03:04:05.000Z');
    const [us, eu, apac] = result.regions;
    expect(us).toMatchObject({ region: 'us', state: 'in-sync', deployedOperations: 1, differences: [], tokenEnv: 'TRAY_API_TOKEN_US' });
    expect(eu.state).toBe('drift');
    expect(eu.differences.map((d) => [d.operation, d.path, d.reason, d.breaking])).toEqual([
      ['list_contacts', '$', 'operation removed (deployed, not in the build)', true],
      ['get_contact', '$.title', 'changed from "Old title" to "Get contact"', false],
      ['get_contact', '$.outputSchema.properties.email', 'added: {"type":"string"}', false],
      ['get_contact', '$.outputSchema.required', 'changed from ["id"] to ["id","email"]', false],
    ]);
    expect(apac).toMatchObject({ region: 'apac', state: 'not-deployed', differences: [] });
    expect(apac.message).toContain('acme-crm 1.0 is not deployed in apac (HTTP 404');
  });

  it('a build whose own texts hold control characters or token-like words is in sync with itself: both sides are compared as ServerText (issue 28.2, 28.4)', async () => {
    const odd = writeOperationsZip(path.join(dir, 'odd.zip'), 'acme-crm', '1.0', {
      get_contact: {
        title: 'Get\tcontact \u202e',
        description: 'Pass access_token=abc123 or Bearer abcdef0123456789abcdef',
        input: { type: 'object', properties: { 'mode\u001b': { type: 'string', enum: ['a\nb', 'c\u0007'] } }, additionalProperties: false },
        output: { type: 'object', properties: {}, additionalProperties: false },
      },
    });
    await deployToEmulator(emu, 'us', 'acme-crm', '1.0', odd);
    const result = await verify({ regions: ['us'], zipPath: odd });
    expect(result.regions[0]).toMatchObject({ state: 'in-sync', differences: [] });
    // A real difference in such a text is reported in printable text.
    const changed = writeOperationsZip(path.join(dir, 'changed.zip'), 'acme-crm', '1.0', {
      get_contact: {
        title: 'Get\tcontact \u202e',
        description: 'Pass access_token=abc123 or Bearer abcdef0123456789abcdef',
        input: { type: 'object', properties: { 'mode\u001b': { type: 'string', enum: ['a\nb'] } }, additionalProperties: false },
        output: { type: 'object', properties: {}, additionalProperties: false },
      },
    });
    const drift = await verify({ regions: ['us'], zipPath: changed });
    expect(drift.regions[0].state).toBe('drift');
    expect(drift.regions[0].differences.map((d) => d.reason)).toEqual(['narrower enum: no longer accepts "c\\\\u0007"']);
    // eslint-disable-next-line no-control-regex
    expect(drift.regions[0].differences.map((d) => d.path + d.reason).join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('is a success only when every region is in sync', async () => {
    for (const region of ['us', 'eu'] as const) await deployToEmulator(emu, region, 'acme-crm', '1.0', zipPath);
    const result = await verify({ regions: 'us,eu' });
    expect(result.success).toBe(true);
    expect(result.regions.map((r) => r.state)).toEqual(['in-sync', 'in-sync']);
  });

  it('reads with the token connectivityTokenEnv names for a region, and the deploy token elsewhere', async () => {
    await deployToEmulator(emu, 'eu', 'acme-crm', '1.0', zipPath);
    const env = { ...emu.env(['eu']), TRAY_API_TOKEN_EU: 'a-deploy-token-that-may-not-read', READ_EU: TOKENS.eu };
    const result = await verify({ regions: ['eu'], env, connectivityTokenEnv: { EU1: 'READ_EU' } });
    expect(result.regions[0]).toMatchObject({ state: 'in-sync', tokenEnv: 'READ_EU' });
    const refused = await verify({ regions: ['eu'], env });
    expect(refused.regions[0]).toMatchObject({ state: 'error', tokenEnv: 'TRAY_API_TOKEN_EU' });
    expect(refused.regions[0].message).toContain('Tray refused the token from TRAY_API_TOKEN_EU (HTTP 401 Unauthorized)');
    expect(refused.regions[0].message).toContain(
      'or name another variable in the "connectivityTokenEnv" option ({ "eu": "MY_TOKEN_VAR" })',
    );
    expect(refused.success).toBe(false);
  });

  it('reports every problem before any request: a variable not set, a key that is no region, no token, no zip', async () => {
    const env = { TRAY_API_URL_US: emu.urlFor('us'), TRAY_API_URL_EU: emu.urlFor('eu'), TRAY_API_TOKEN_EU: TOKENS.eu };
    const error = await verify({
      regions: ['us', 'eu'],
      env,
      zipPath: path.join(dir, 'missing.zip'),
      connectivityTokenEnv: { eu: 'NOT_SET', mars: 'X', us: 'bad name' },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(TrayConnectorError);
    expect(error.message).toContain('Nothing was sent to Tray:');
    expect(error.message).toContain(`The connector zip ${path.join(dir, 'missing.zip')} does not exist`);
    expect(error.message).toContain('"connectivityTokenEnv" has a key "mars" that is no region');
    expect(error.message).toContain('"connectivityTokenEnv.us" must name an environment variable');
    expect(error.message).toContain('eu: "connectivityTokenEnv.eu" names NOT_SET, which is not set');
    expect(error.message).toContain('us: no API token; set TRAY_API_TOKEN_US');
    expect(emu.requests).toHaveLength(0);
  });

  it('keeps what the server says as data and keeps tokens out of the result, even when echoed', async () => {
    emu.failNext(1, 200, {
      kind: 'operations',
      region: 'us',
      body: { elements: [{ name: `get_contact ${TOKENS.us}`, title: 'x', description: '', inputSchema: {}, outputSchema: {} }] },
    });
    emu.failNext(1, 500, { kind: 'operations', region: 'eu', body: { message: `token ${TOKENS.eu} broke` } });
    emu.failNext(1, 500, { kind: 'operations', region: 'eu' });
    const result = await verify({ regions: ['us', 'eu'] });
    expect(result.regions[0].state).toBe('drift');
    expect(result.regions[1]).toMatchObject({ state: 'error' });
    expect(result.regions[1].message).toMatch(/failed: HTTP 500\b/);
    const text = JSON.stringify(result);
    for (const token of ALL_TOKENS) expect(text).not.toContain(token);
    expect(text).toContain('get_contact ***');
  });
});
