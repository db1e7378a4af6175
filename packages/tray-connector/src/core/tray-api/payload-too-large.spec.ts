import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { payloadTooLargePage, startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';
import { deployBodyBytes, formatBytes, payloadTooLargeMessage } from './payload-too-large';
import { TrayApiError, TrayClient } from './tray-client';

/** Issue 19.8: a 413 from Tray says the zip's size and the option, not "unexpected HTTP 413". */
describe('a 413 answer to a deploy', () => {
  let dir: string;
  let emu: Emulator | undefined;
  beforeAll(() => (dir = tempDir('tray-413-')));
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const deploy = async (e: Emulator, zip: string) => {
    const client = new TrayClient({
      endpoint: { region: 'eu', baseUrl: e.urlFor('eu'), baseUrlSource: 'test', token: TOKENS.eu, tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    });
    return client.deployFromSource('acme-crm', '1.0', zip).then(
      () => undefined,
      (err: unknown) => err,
    );
  };

  it.each([
    ['a gateway HTML page (the emulator fault)', 'fault'],
    ['the emulator body limit itself', 'limit'],
  ])('is explained with the zip size and the maxZipBytes option: %s', async (_what, how) => {
    const zip = writeConnectorZip(path.join(dir, `${how}.zip`), {
      name: 'acme-crm',
      version: '1.0',
      extra: { 'src/data.txt': randomBytes(3000).toString('base64') },
    });
    const size = fs.statSync(zip).size;
    emu = await startEmulator({ tokens: TOKENS, maxBodyBytes: how === 'limit' ? 2000 : undefined });
    if (how === 'fault') emu.failNext(1, 413, { region: 'eu', kind: 'deploy', body: payloadTooLargePage() });
    const error = await deploy(emu, zip);
    expect(error).toBeInstanceOf(TrayApiError);
    const message = (error as TrayApiError).message;
    expect(message).not.toContain('unexpected HTTP 413');
    expect(message).toContain('eu: Tray refused acme-crm 1.0 as too large (HTTP 413 Payload Too Large).');
    expect(message).toContain(
      `The zip is ${formatBytes(size)} (${size} bytes), sent base64-encoded as a ${formatBytes(deployBodyBytes(size))} request body`,
    );
    expect(message).toContain('"maxZipBytes"');
    expect((error as TrayApiError).retryable).toBe(false);
    if (how === 'fault') expect(message).toContain('Response: (not JSON) <html><head><title>413 Request Entity Too Large');
    expect(emu.requests.filter((r) => r.kind === 'deploy').map((r) => r.status)).toEqual([413]);
  });

  it('computes the request body size exactly', () => {
    expect(deployBodyBytes(3)).toBe(JSON.stringify({ connectorSourceCode: 'AAAA' }).length);
    expect(deployBodyBytes(4)).toBe(JSON.stringify({ connectorSourceCode: 'AAAAAA==' }).length);
    expect(payloadTooLargeMessage({ region: 'us', subject: 'x 1.0', withBody: '' })).toContain(
      "The request body was over the server's limit.",
    );
  });
});
