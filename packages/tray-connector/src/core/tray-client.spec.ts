import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TrayApiError, TrayClient, streamedSourceBody } from './tray-client';
import { TOKENS, tempDir, writeConnectorZip } from './__fixtures__/deploy-kit';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('streamedSourceBody', () => {
  const dir = tempDir('tray-client-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([0, 1, 2, 3, 4, 5, 98_303, 98_304, 98_305, 300_001])('encodes a %i-byte file exactly as JSON.stringify of its base64, with the announced length', async (size) => {
    const file = path.join(dir, `f${size}.bin`);
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7919 + 13) & 0xff;
    fs.writeFileSync(file, data);
    const body = streamedSourceBody(file);
    const sent = await collect(body.stream);
    expect(sent.toString()).toBe(JSON.stringify({ connectorSourceCode: data.toString('base64') }));
    expect(sent.length).toBe(body.length);
  });
});

describe('TrayClient', () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 10 });
    dir = tempDir('tray-client-');
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const client = (token: string = TOKENS.eu, retries = 1) =>
    new TrayClient({
      endpoint: { region: 'eu', baseUrl: emu.urlFor('eu'), baseUrlSource: 'test', token, tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries, baseDelayMs: 5, maxDelayMs: 10 },
    });

  it('sends the seed request: path, bearer token, JSON content type, streamed body with Content-Length', async () => {
    const zip = writeConnectorZip(path.join(dir, 'c.zip'), { name: 'acme-crm', version: '1.0' });
    const answer = await client().deployFromSource('acme-crm', '1.0', zip);
    expect(answer).toMatchObject({ connectorName: 'acme-crm', connectorVersion: '1.0', deploymentStatus: 'Deploying' });
    const req = emu.requests[emu.requests.length - 1];
    expect(req.path).toBe('/eu/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source');
    expect(req.headers).toMatchObject({ authorization: 'Bearer ***', 'content-type': 'application/json' });
    expect(req.headers['content-length']).toBe(String(req.payload!.bytes));
    expect(req.headers['transfer-encoding']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 30));
    expect((await client().getDeployment('acme-crm', '1.0', answer.id)).deploymentStatus).toBe('Deployed');
  });

  it('turns HTTP failures into actionable errors without the token', async () => {
    const err = await client('tok-not-valid-1234')
      .getDeployment('acme-crm', '1.0', 'x')
      .catch((e) => e);
    expect(err).toBeInstanceOf(TrayApiError);
    expect(err).toMatchObject({ status: 401, retryable: false, region: 'eu' });
    expect(err.message).toMatch(/^eu: Tray refused the token from TRAY_API_TOKEN_EU \(HTTP 401 Unauthorized\)/);
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain('tok-not-valid-1234');

    const missing = await client().getDeployment('acme-crm', '1.0', 'nope').catch((e) => e);
    expect(missing.message).toContain('Tray found no connector acme-crm version 1.0 (HTTP 404)');

    // A deploy answered 404 means the endpoint is wrong (deploying needs no existing connector): the message points at the base URL.
    const wrongBase = new TrayClient({
      endpoint: { region: 'eu', baseUrl: `${emu.urlFor('eu')}/v2`, baseUrlSource: 'TRAY_API_URL_EU', token: TOKENS.eu, tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const zip = writeConnectorZip(path.join(tempDir('tray-404-'), 'c.zip'), { name: 'acme-crm', version: '1.0' });
    const notFound = await wrongBase.deployFromSource('acme-crm', '1.0', zip).catch((e) => e);
    expect(notFound.message).toContain(`check that the base URL ${emu.urlFor('eu')}/v2 (from TRAY_API_URL_EU) is the API root, e.g. https://api.eu1.tray.io`);

    emu.failNext(5, 502);
    const gaveUp = await client(TOKENS.eu, 2).getDeployment('acme-crm', '1.0', 'x').catch((e) => e);
    expect(gaveUp.message).toMatch(/Tray failed \(HTTP 502\).*gave up after 3 attempts/);
    emu.reset();
  });

  it('retries a request that timed out', async () => {
    const events: string[] = [];
    const c = new TrayClient({
      endpoint: { region: 'eu', baseUrl: emu.urlFor('eu'), baseUrlSource: 'test', token: TOKENS.eu, tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 },
      requestTimeoutMs: 60,
      onRetry: (e) => events.push(`${e.operation} ${e.reason}`),
    });
    emu.slowNext(1, 400, { region: 'eu' });
    const err = await c.getDeployment('acme-crm', '1.0', 'unknown').catch((e) => e);
    expect(err.status).toBe(404);
    expect(events).toEqual(['status timed out (ECONNABORTED)']);
  });

  it('reports a closed port as a connection problem', async () => {
    const closed = await startEmulator();
    const url = closed.urlFor('eu');
    await closed.close();
    const c = new TrayClient({ endpoint: { region: 'eu', baseUrl: url, baseUrlSource: 't', token: 'abcd-token', tokenEnv: 'TRAY_API_TOKEN_EU' }, retry: { retries: 0 } });
    const err = await c.getDeployment('a', '1.0', 'x').catch((e) => e);
    expect(err).toMatchObject({ retryable: true, reason: 'connection refused (ECONNREFUSED)' });
    expect(err.message).toContain(`eu: could not reach ${url}`);
  });
});
