import axios from 'axios';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { tempDir, TOKENS, writeConnectorZip } from '../__fixtures__/deploy-kit';
import { ConnectivityError, listDeployedOperations, type ListDeployedOperationsOptions } from './connectivity';
import { Deadline } from './deadline';

const INPUT = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false, advanced: [] };
const OUTPUT = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false, advanced: [] };

describe('listDeployedOperations (against the emulator)', () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 10 });
    dir = tempDir('connectivity-');
    const zip = writeConnectorZip(path.join(dir, 'c.zip'), {
      name: 'acme-crm',
      version: '1.0',
      extra: {
        'src/get_contact/operation.json': JSON.stringify({ name: 'get_contact', title: 'Get contact', description: 'By id' }),
        'src/get_contact/input.json': JSON.stringify(INPUT),
        'src/get_contact/output.json': JSON.stringify(OUTPUT),
      },
    });
    const res = await axios.post(
      `${emu.urlFor('eu')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source`,
      { connectorSourceCode: fs.readFileSync(zip).toString('base64') },
      { headers: { Authorization: `Bearer ${TOKENS.eu}` }, proxy: false },
    );
    while (emu.deployments.find((d) => d.id === res.data.id)?.status !== 'Deployed') await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (emu.requests.length = 0));

  const list = (overrides: Partial<ListDeployedOperationsOptions> = {}) =>
    listDeployedOperations({
      baseUrl: emu.urlFor('eu'),
      token: TOKENS.eu,
      name: 'acme-crm',
      version: '1.0',
      region: 'eu',
      tokenEnv: 'TRAY_API_TOKEN_EU',
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 },
      ...overrides,
    });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ConnectivityError,
    );

  it('reads the operations the region serves for that name and version, with one GET', async () => {
    const answer = await list();
    expect(answer).toEqual({
      deployed: true,
      url: `${emu.urlFor('eu')}/core/v1/connectors/acme-crm/versions/1.0/operations`,
      operations: [{ name: 'get_contact', title: 'Get contact', description: 'By id', inputSchema: INPUT, outputSchema: OUTPUT }],
    });
    expect(emu.requests.map((r) => [r.method, r.kind, r.path, r.status])).toEqual([
      ['GET', 'operations', '/eu/core/v1/connectors/acme-crm/versions/1.0/operations', 200],
    ]);
    expect(emu.requests[0].headers.authorization).toBe('Bearer ***');
  });

  it('answers "not deployed" on 404 once the region\'s connector list confirms it: another region, another version', async () => {
    await expect(list({ baseUrl: emu.urlFor('us'), token: TOKENS.us, region: 'us' })).resolves.toEqual({
      deployed: false,
      url: `${emu.urlFor('us')}/core/v1/connectors/acme-crm/versions/1.0/operations`,
    });
    await expect(list({ version: '2.0' })).resolves.toMatchObject({ deployed: false });
    expect(emu.requests.map((r) => [r.region, r.kind, r.status])).toEqual([
      ['us', 'operations', 404],
      ['us', 'connectors', 200],
      ['eu', 'operations', 404],
      ['eu', 'connectors', 200],
    ]);
  });

  describe('never reads "could not read" as "not deployed" (issue 28.5)', () => {
    it('a 404 on the listing of a region that serves the version (a wrong path, a proxy) is inconclusive', async () => {
      emu.failNext(1, 404, { kind: 'operations', body: { message: 'No such endpoint' } });
      const error = await failure(list());
      expect(error).toBeInstanceOf(ConnectivityError);
      expect(error).toMatchObject({ failure: 'inconclusive', status: 404 });
      expect(error!.message).toBe(
        `eu: reading the deployed operations of acme-crm 1.0 (GET ${emu.urlFor('eu')}/core/v1/connectors/acme-crm/versions/1.0/operations): ` +
          `cannot tell what is deployed: the listing answered 404 ({"message":"No such endpoint"}) but the region's connector list ` +
          `(GET ${emu.urlFor('eu')}/core/v1/connectors) has acme-crm 1.0`,
      );
    });

    it('an empty listing is inconclusive (a deployed version serves at least one operation)', async () => {
      emu.failNext(1, 200, { kind: 'operations', body: { elements: [] } });
      const error = await failure(list());
      expect(error).toMatchObject({ failure: 'inconclusive', status: 200 });
      expect(error!.message).toContain('cannot tell what is deployed: the listing is empty');
    });

    it('a 404 the connector list cannot confirm (404 too, no list, more pages, no answer) is inconclusive', async () => {
      const notDeployed = { baseUrl: emu.urlFor('us'), token: TOKENS.us, region: 'us' };
      const cases: [number, unknown, string][] = [
        [404, { message: 'No such endpoint' }, 'HTTP 404: {"message":"No such endpoint"}'],
        [200, { items: [] }, 'HTTP 200 without an "elements" list'],
        [200, { elements: [], next: '/core/v1/connectors?page=2' }, 'the list has more pages'],
        [302, undefined, 'HTTP 302'],
        [401, { message: 'Unauthorized' }, 'HTTP 401'],
      ];
      for (const [status, body, why] of cases) {
        emu.failNext(1, status, { kind: 'connectors', body });
        const error = await failure(list(notDeployed));
        expect(error).toMatchObject({ failure: 'inconclusive', status: 404 });
        expect(error!.message).toContain(
          `cannot tell whether acme-crm 1.0 is deployed: the listing answered 404 ({"message":"Connector acme-crm version 1.0 not found"}) ` +
            `and the region's connector list could not confirm it: `,
        );
        expect(error!.message).toContain(why);
      }
      emu.failNext(3, 503, { kind: 'connectors' });
      expect(await failure(list(notDeployed))).toMatchObject({ failure: 'inconclusive' });
    });
  });

  it('a refused token is a typed error naming the variable (and the hint), without the token; not retried', async () => {
    const refused = await failure(list({ token: TOKENS.us, refusedHint: 'Name another variable with "connectivityTokenEnv".' }));
    expect(refused).toBeInstanceOf(ConnectivityError);
    expect(refused).toMatchObject({ failure: 'unauthorized', status: 401 });
    expect(refused!.message).toBe(
      `eu: reading the deployed operations of acme-crm 1.0 (GET ${emu.urlFor('eu')}/core/v1/connectors/acme-crm/versions/1.0/operations): ` +
        'Tray refused the token from TRAY_API_TOKEN_EU (HTTP 401 Unauthorized). Name another variable with "connectivityTokenEnv".',
    );
    emu.failNext(1, 403, { kind: 'operations', body: { message: `token ${TOKENS.eu} may not read this` } });
    const forbidden = await failure(list());
    expect(forbidden).toMatchObject({ failure: 'forbidden', status: 403 });
    expect(emu.requests).toHaveLength(2);
    expect(`${refused!.message}${forbidden!.message}`).not.toContain(TOKENS.eu);
  });

  it('retries 5xx, 429 (with Retry-After) and dropped connections, then gives up with a network or HTTP failure', async () => {
    const retries: string[] = [];
    emu.failNext(1, 503, { kind: 'operations' });
    emu.rateLimitNext(1, 0, { kind: 'operations' });
    await expect(list({ onRetry: (e) => retries.push(e.reason) })).resolves.toMatchObject({ deployed: true });
    expect(retries).toEqual(['HTTP 503', 'HTTP 429 rate limited']);
    emu.dropNext(3, { kind: 'operations' });
    const dropped = await failure(list());
    expect(dropped).toMatchObject({ failure: 'network', status: undefined });
    expect(dropped!.message).toMatch(/failed: no answer \(ECONNRESET\) \(gave up after 3 attempts\)$/);
    emu.failNext(3, 500, { kind: 'operations' });
    expect(await failure(list())).toMatchObject({ failure: 'http', status: 500 });
  });

  it('a closed port is a network failure; a deadline ends the waiting', async () => {
    const closed = await startEmulator();
    const url = closed.urlFor('eu');
    await closed.close();
    const refused = await failure(list({ baseUrl: url, retry: { retries: 0 } }));
    expect(refused).toMatchObject({ failure: 'network' });
    expect(refused!.message).toContain('failed: no answer (ECONNREFUSED)');
    emu.hangNext(1, { kind: 'operations' });
    const deadline = new Deadline(200);
    try {
      const stopped = await failure(list({ deadline }));
      expect(stopped).toMatchObject({ failure: 'network' });
      expect(stopped!.message).toContain('no answer in the time allowed');
    } finally {
      deadline.dispose();
    }
  });

  it('treats the answer as untrusted: a wrong shape is an "answer" failure, redacted; a redirect is never followed', async () => {
    emu.failNext(1, 200, { kind: 'operations', body: { items: [], echo: `Bearer ${TOKENS.eu}` } });
    const noElements = await failure(list());
    expect(noElements).toMatchObject({ failure: 'answer' });
    expect(noElements!.message).toContain('the answer has no "elements" list');
    expect(noElements!.message).not.toContain(TOKENS.eu);
    emu.failNext(1, 200, { kind: 'operations', body: { elements: [{ title: 'no name' }] } });
    expect((await failure(list()))!.message).toContain('elements[0] has no "name"');
    emu.failNext(1, 200, { kind: 'operations', body: { elements: [{ name: 'x', title: 42, inputSchema: '`${evil}`' }] } });
    await expect(list()).resolves.toMatchObject({
      operations: [{ name: 'x', title: '', description: '', inputSchema: '`${evil}`', outputSchema: undefined }],
    });
    const elsewhere = await startEmulator({ tokens: TOKENS });
    try {
      emu.redirectNext(1, `${elsewhere.urlFor('eu')}/core/v1/connectors/acme-crm/versions/1.0/operations`, { kind: 'operations' });
      const redirected = await failure(list());
      expect(redirected).toMatchObject({ failure: 'http', status: 302 });
      expect(redirected!.message).toContain('never followed');
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});
