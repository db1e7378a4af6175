import AdmZip from 'adm-zip';
import axios, { type AxiosRequestConfig } from 'axios';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from './cli';
import { startEmulator, type Emulator } from './emulator';

function connectorZip(name: string, version: string, top = name): Buffer {
  const zip = new AdmZip();
  zip.addFile(`${top}/connector.json`, Buffer.from(JSON.stringify({ name, version, title: 'T' })));
  zip.addFile(`${top}/src/index.ts`, Buffer.from('export {};\n'));
  return zip.toBuffer();
}

const base = '/cdk/v1/deployments/connectors';
const deployPath = (name: string, version: string) => `${base}/${name}/versions/${version}/deploy-connector-from-source`;
const http = axios.create({ validateStatus: () => true, proxy: false });

describe('tray-api-emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    // Deploying lasts 200 ms. No test reads a phase at a fixed moment (on a loaded machine a request may take longer
    // than a phase): each polls to the condition it needs.
    emu = await startEmulator({ tokens: { us: 'tok-us', eu: 'tok-eu', apac: 'tok-apac' }, deployDelayMs: 200 });
  });
  afterEach(() => emu.close());

  const post = (region: 'us' | 'eu' | 'apac', p: string, body: unknown, token = `tok-${region}`, extra: AxiosRequestConfig = {}) =>
    http.post(`${emu.urlFor(region)}${p}`, body, { headers: { Authorization: `Bearer ${token}` }, ...extra });
  const get = (region: 'us' | 'eu' | 'apac', p: string, token = `tok-${region}`) =>
    http.get(`${emu.urlFor(region)}${p}`, { headers: { Authorization: `Bearer ${token}` } });
  /** Polls until `condition` holds (jest's timeout bounds the wait; no wall-clock margin is asserted). */
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((r) => setTimeout(r, 10));
  };
  /** Every status body read while polling a deployment until it ends (the last one is the end). */
  const pollToEnd = async (region: 'us' | 'eu' | 'apac', statusPath: string): Promise<Record<string, unknown>[]> => {
    const seen: Record<string, unknown>[] = [];
    do {
      if (seen.length) await new Promise((r) => setTimeout(r, 10));
      seen.push((await get(region, statusPath)).data);
    } while (['Deploying', 'Building'].includes(seen[seen.length - 1].deploymentStatus as string));
    return seen;
  };

  it('listens on 127.0.0.1 with one prefix per region', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.urlFor('eu')).toBe(`${emu.url}/eu`);
  });

  it('gives the environment that points tray-connector at it, per region', () => {
    expect(emu.env(['eu'])).toEqual({ TRAY_API_URL_EU: `${emu.url}/eu`, TRAY_API_TOKEN_EU: emu.tokens.eu });
    expect(Object.keys(emu.env()).sort()).toEqual([
      'TRAY_API_TOKEN_APAC',
      'TRAY_API_TOKEN_EU',
      'TRAY_API_TOKEN_US',
      'TRAY_API_URL_APAC',
      'TRAY_API_URL_EU',
      'TRAY_API_URL_US',
    ]);
  });

  it('deploys, reports Deploying then Deployed, and keeps the zip', async () => {
    const zip = connectorZip('acme-crm', '1.0');
    const res = await post('eu', deployPath('acme-crm', '1.0'), { connectorSourceCode: zip.toString('base64') });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ id: expect.any(String), connectorName: 'acme-crm', connectorVersion: '1.0', deploymentStatus: 'Deploying' });
    const statusPath = `${base}/acme-crm/versions/1.0/${res.data.id}`;
    const seen = (await pollToEnd('eu', statusPath)).map((b) => b.deploymentStatus);
    expect(seen.slice(0, -1).filter((s) => s !== 'Deploying')).toEqual([]);
    expect(seen[seen.length - 1]).toBe('Deployed');
    expect((await get('eu', `${base}/acme-crm/versions/1.0/latest`)).data.id).toBe(res.data.id);
    expect(emu.deployments).toHaveLength(1);
    expect(emu.deployments[0]).toMatchObject({ region: 'eu', name: 'acme-crm', version: '1.0', status: 'Deployed' });
    expect(emu.deployments[0].zip.equals(zip)).toBe(true);
    const recorded = emu.requests[0];
    expect(recorded).toMatchObject({
      method: 'POST',
      region: 'eu',
      kind: 'deploy',
      connectorName: 'acme-crm',
      connectorVersion: '1.0',
      status: 200,
    });
    expect(recorded.headers.authorization).toBe('Bearer ***');
    expect(recorded.payload?.zipEntries).toEqual(['acme-crm/connector.json', 'acme-crm/src/index.ts']);
    expect(JSON.stringify(emu.requests)).not.toContain('tok-eu');
  });

  it('answers repeatDeployment while the same version is deploying, without taking the source', async () => {
    const body = { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') };
    const first = await post('us', deployPath('acme-crm', '1.0'), body);
    const second = await post('us', deployPath('acme-crm', '1.0'), body);
    expect(second.data).toMatchObject({ id: first.data.id, repeatDeployment: true, deploymentStatus: 'Deploying' });
    expect(emu.deployments).toHaveLength(1);
    // another region is independent
    const eu = await post('eu', deployPath('acme-crm', '1.0'), { connectorSourceCode: body.connectorSourceCode }, 'tok-eu');
    expect(eu.data.repeatDeployment).toBeUndefined();
  });

  it('refuses a wrong token per region, a wrong content type and a zip that does not match the URL', async () => {
    const good = { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') };
    expect((await post('eu', deployPath('acme-crm', '1.0'), good, 'tok-us')).status).toBe(401);
    expect((await http.post(`${emu.urlFor('us')}${deployPath('acme-crm', '1.0')}`, good)).status).toBe(401);
    const text = await post('us', deployPath('acme-crm', '1.0'), JSON.stringify(good), 'tok-us', {
      headers: { Authorization: 'Bearer tok-us', 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(text.data.message).toMatch(/Content-Type/);
    const mismatch = await post('us', deployPath('acme-crm', '2.0'), good);
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.message).toMatch(/acme-crm@1.0.*acme-crm@2.0/);
    const notZip = await post('us', deployPath('acme-crm', '1.0'), { connectorSourceCode: Buffer.from('hello').toString('base64') });
    expect(notZip.data.message).toMatch(/not a zip/);
    const twoTops = new AdmZip();
    twoTops.addFile('a/connector.json', Buffer.from('{}'));
    twoTops.addFile('b/x.ts', Buffer.from(''));
    const tops = await post('us', deployPath('acme-crm', '1.0'), { connectorSourceCode: twoTops.toBuffer().toString('base64') });
    expect(tops.data.message).toMatch(/single top folder/);
    expect(emu.deployments).toHaveLength(0);
  });

  it('can report Building between Deploying and Deployed', async () => {
    // Polled until Deployed, not read at fixed moments: on a loaded machine one request may take longer than a
    // phase (CI's four test files at once on 2 cores). Each phase lasts 150 ms or more.
    const building = await startEmulator({ deployDelayMs: 450, buildingAfterMs: 150 });
    try {
      const headers = { Authorization: 'Bearer emulator-token-us' };
      const res = await http.post(
        `${building.url}${deployPath('acme-crm', '1.0')}`,
        { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') },
        { headers },
      );
      const status = async (): Promise<string> =>
        (await http.get(`${building.url}${base}/acme-crm/versions/1.0/${res.data.id}`, { headers })).data.deploymentStatus;
      const seen: string[] = [];
      for (let polls = 0; seen.at(-1) !== 'Deployed' && polls < 200; polls++) {
        const now = await status();
        if (now !== seen.at(-1)) seen.push(now);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(seen).toEqual(['Deploying', 'Building', 'Deployed']);
    } finally {
      await building.close();
    }
  });

  it('ends a deployment Failed when told to', async () => {
    emu.failDeployments(1, { region: 'apac' });
    const res = await post('apac', deployPath('acme-crm', '1.0'), {
      connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64'),
    });
    const seen = await pollToEnd('apac', `${base}/acme-crm/versions/1.0/${res.data.id}`);
    expect(seen[seen.length - 1].deploymentStatus).toBe('Failed');
  });

  it('gives a deployment the id it is told (any text, as a hostile server would) and finds it by that id URL-encoded', async () => {
    const id = 'dep-\u001b[2J\u001b]0;PWNED\u0007\u009b31m\rFAKE /?#%';
    emu.failDeployments(1, { region: 'us', status: 'Weird', id });
    const res = await post('us', deployPath('acme-crm', '1.0'), {
      connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64'),
    });
    expect(res.data.id).toBe(id);
    const answer = await get('us', `${base}/acme-crm/versions/1.0/${encodeURIComponent(id)}`);
    expect(answer.data).toEqual(expect.objectContaining({ id }));
    expect(emu.deployments.map((d) => d.id)).toEqual([id]);
  });

  it('shares a deployed connector and refuses one that is not deployed', async () => {
    const sharePath = '/cdk/v1/permissions/connectors/acme-crm/versions/1.0/share-with-emails';
    expect((await post('us', sharePath, { emails: ['a@b.com'] })).status).toBe(404);
    await post('us', deployPath('acme-crm', '1.0'), { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') });
    await until(() => emu.deployments[0]?.status === 'Deployed');
    const ok = await post('us', sharePath, { emails: ['a@b.com', 'c@d.com'] });
    expect(ok.data).toEqual({ message: '2 permissions added' });
    expect((await post('us', sharePath, { emails: [] })).status).toBe(400);
    expect(emu.shares).toEqual([expect.objectContaining({ region: 'us', emails: ['a@b.com', 'c@d.com'] })]);
  });

  it('injects status failures, 429 with Retry-After, slow answers and dropped connections', async () => {
    const p = `${base}/acme-crm/versions/1.0/latest`;
    emu.failNext(1, 503, { region: 'eu' });
    emu.rateLimitNext(1, 3, { kind: 'status' });
    expect((await get('us', p)).status).toBe(429);
    expect((await get('us', p)).status).toBe(404);
    const failed = await get('eu', p, 'tok-eu');
    expect(failed.status).toBe(503);
    emu.slowNext(1, 120);
    const started = Date.now();
    await get('us', p);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    emu.dropNext(1);
    await expect(http.get(`${emu.url}${p}`)).rejects.toThrow();
    expect(emu.requests.map((r) => r.fault ?? r.status)).toEqual(['429 retry-after 3', 404, 'status 503', 'slow 120ms', 'drop']);
    const rl = await (async () => {
      emu.rateLimitNext(1, 7);
      return get('us', p);
    })();
    expect(rl.headers['retry-after']).toBe('7');
  });

  it("ends a deployment Failed (or with any final word) carrying Tray's reason in the status body", async () => {
    emu.failDeployments(1, {
      region: 'us',
      reason: { message: 'Build failed: tsc exited 2', error: 'BUILD_ERROR', details: { file: 'src/a.ts' } },
    });
    emu.failDeployments(1, { region: 'eu', status: 'Cancelled' });
    const body = { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') };
    const us = await post('us', deployPath('acme-crm', '1.0'), body);
    const eu = await post('eu', deployPath('acme-crm', '1.0'), body);
    expect(us.data).toMatchObject({ deploymentStatus: 'Deploying' });
    // Polled to the end, not read at fixed moments (under load the deployment may end before the first read):
    // while it runs no reason is given; the end carries Tray's reason.
    const seen = await pollToEnd('us', `${base}/acme-crm/versions/1.0/${us.data.id}`);
    expect(seen.slice(0, -1).filter((b) => b.message !== undefined)).toEqual([]);
    expect(seen[seen.length - 1]).toEqual({
      id: us.data.id,
      connectorName: 'acme-crm',
      connectorVersion: '1.0',
      deploymentStatus: 'Failed',
      message: 'Build failed: tsc exited 2',
      error: 'BUILD_ERROR',
      details: { file: 'src/a.ts' },
    });
    const euSeen = await pollToEnd('eu', `${base}/acme-crm/versions/1.0/${eu.data.id}`);
    expect(euSeen[euSeen.length - 1].deploymentStatus).toBe('Cancelled');
  });

  it('redirects (to another origin too), without following anything itself', async () => {
    emu.redirectNext(1, 'http://127.0.0.2:9/elsewhere', { kind: 'status', status: 307 });
    const res = await http.get(`${emu.urlFor('us')}${base}/acme-crm/versions/1.0/latest`, {
      maxRedirects: 0,
      headers: { Authorization: 'Bearer tok-us' },
    });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('http://127.0.0.2:9/elsewhere');
    expect(emu.requests[0].fault).toBe('redirect 307 http://127.0.0.2:9/elsewhere');
  });

  it('hangs a request until the client gives up, and trickles a body byte by byte', async () => {
    const p = `${base}/acme-crm/versions/1.0/latest`;
    emu.hangNext(1, { kind: 'status' });
    await expect(http.get(`${emu.urlFor('us')}${p}`, { timeout: 150, headers: { Authorization: 'Bearer tok-us' } })).rejects.toThrow(
      /timeout/,
    );
    expect(emu.requests[0]).toMatchObject({ fault: 'hang', status: 0 });
    emu.trickleNext(1, 20, { kind: 'status', bytes: 4 });
    const chunks: number[] = [];
    const res = await http.get(`${emu.urlFor('us')}${p}`, {
      headers: { Authorization: 'Bearer tok-us' },
      responseType: 'stream',
    });
    let text = '';
    for await (const c of res.data) {
      chunks.push((c as Buffer).length);
      text += c;
    }
    expect(JSON.parse(text).message).toMatch(/No deployment latest/);
    expect(chunks.length).toBeGreaterThan(5);
    // The server writes 4 bytes at a time. A client slowed by a loaded machine may read two writes at once (CI saw 8),
    // never part of one: every piece but the last is whole 4-byte writes.
    expect(chunks.slice(0, -1).filter((n) => n % 4 !== 0)).toEqual([]);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(Buffer.byteLength(text));
  });

  it('adds permissions for some addresses only when asked (a partial share), listing the refusals or not', async () => {
    const sharePath = '/cdk/v1/permissions/connectors/acme-crm/versions/1.0/share-with-emails';
    await post('us', deployPath('acme-crm', '1.0'), { connectorSourceCode: connectorZip('acme-crm', '1.0').toString('base64') });
    await until(() => emu.deployments[0]?.status === 'Deployed');
    emu.partialShareNext(1, { refuse: ['B@x.com'] });
    emu.partialShareNext(1, { refuse: 1, listFailures: false });
    const listed = await post('us', sharePath, { emails: ['a@x.com', 'b@x.com'] });
    expect(listed.data).toEqual({
      message: '1 permission added',
      failures: [{ email: 'b@x.com', reason: 'User not found in this organization' }],
    });
    const counted = await post('us', sharePath, { emails: ['a@x.com', 'b@x.com', 'c@x.com'] });
    expect(counted.data).toEqual({ message: '2 permissions added' });
    expect(emu.shares.map((s) => [s.emails, s.refused])).toEqual([
      [['a@x.com'], ['b@x.com']],
      [['a@x.com', 'b@x.com'], ['c@x.com']],
    ]);
  });

  describe("the Connectivity API's operations listing", () => {
    const operationsPath = (name: string, version: string) => `/core/v1/connectors/${name}/versions/${version}/operations`;
    const input = { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false, required: ['id'], advanced: [] };
    const output = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], advanced: [] };
    function zipWithOperations(name: string, version: string, ops: Record<string, { title: string; outputSchema?: unknown }>): Buffer {
      const zip = new AdmZip();
      zip.addFile(`${name}/connector.json`, Buffer.from(JSON.stringify({ name, version })));
      for (const [folder, op] of Object.entries(ops)) {
        zip.addFile(
          `${name}/src/${folder}/operation.json`,
          Buffer.from(JSON.stringify({ name: folder, title: op.title, description: `About ${folder}` })),
        );
        zip.addFile(`${name}/src/${folder}/input.json`, Buffer.from(JSON.stringify(input)));
        zip.addFile(`${name}/src/${folder}/output.json`, Buffer.from(JSON.stringify(op.outputSchema ?? output)));
        zip.addFile(`${name}/src/${folder}/handler.ts`, Buffer.from('export {};\n'));
      }
      zip.addFile(`${name}/src/helpers/operation.ts`, Buffer.from('export {};\n'));
      return zip.toBuffer();
    }
    async function deployAndWait(region: 'us' | 'eu' | 'apac', name: string, version: string, zip: Buffer): Promise<string> {
      const res = await post(region, deployPath(name, version), { connectorSourceCode: zip.toString('base64') });
      expect(res.status).toBe(200);
      while ((await get(region, `${base}/${name}/versions/${version}/${res.data.id}`)).data.deploymentStatus !== 'Deployed') {
        await new Promise((r) => setTimeout(r, 20));
      }
      return res.data.id;
    }

    it("lists the latest Deployed zip's operations of that name and version, per region, and records the request", async () => {
      await deployAndWait('eu', 'acme-crm', '1.0', zipWithOperations('acme-crm', '1.0', { list_contacts: { title: 'List' } }));
      const id = await deployAndWait(
        'eu',
        'acme-crm',
        '1.0',
        zipWithOperations('acme-crm', '1.0', {
          get_contact: { title: 'Get' },
          list_contacts: { title: 'List them', outputSchema: { type: 'array' } },
        }),
      );
      const res = await get('eu', operationsPath('acme-crm', '1.0'));
      expect(res.status).toBe(200);
      expect(res.data).toEqual({
        elements: [
          { name: 'get_contact', title: 'Get', description: 'About get_contact', inputSchema: input, outputSchema: output },
          {
            name: 'list_contacts',
            title: 'List them',
            description: 'About list_contacts',
            inputSchema: input,
            outputSchema: { type: 'array' },
          },
        ],
      });
      expect(emu.requests.at(-1)).toMatchObject({
        method: 'GET',
        kind: 'operations',
        region: 'eu',
        connectorName: 'acme-crm',
        connectorVersion: '1.0',
        deploymentId: id,
        status: 200,
      });
      expect(emu.requests.at(-1)!.headers.authorization).toBe('Bearer ***');
    });

    it('answers 404 where the version is not deployed (another region, another version, still deploying, or Failed)', async () => {
      await deployAndWait('us', 'acme-crm', '1.0', zipWithOperations('acme-crm', '1.0', { list_contacts: { title: 'List' } }));
      expect((await get('eu', operationsPath('acme-crm', '1.0'))).status).toBe(404);
      expect((await get('us', operationsPath('acme-crm', '2.0'))).status).toBe(404);
      const other = await post('apac', deployPath('other', '1.0'), {
        connectorSourceCode: zipWithOperations('other', '1.0', {}).toString('base64'),
      });
      expect(other.status).toBe(200);
      const deploying = await get('apac', operationsPath('other', '1.0'));
      expect(deploying.status).toBe(404);
      expect(deploying.data.message).toBe('Connector other version 1.0 not found');
      emu.failDeployments(1, { region: 'eu' });
      const failed = await post('eu', deployPath('acme-crm', '1.0'), {
        connectorSourceCode: zipWithOperations('acme-crm', '1.0', {}).toString('base64'),
      });
      while ((await get('eu', `${base}/acme-crm/versions/1.0/${failed.data.id}`)).data.deploymentStatus === 'Deploying') {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await get('eu', operationsPath('acme-crm', '1.0'))).status).toBe(404);
      expect(emu.requests.filter((r) => r.kind === 'operations').map((r) => r.status)).toEqual([404, 404, 404, 404]);
    });

    it('refuses a wrong or missing token with 401, and takes request faults aimed at the listing', async () => {
      await deployAndWait('us', 'acme-crm', '1.0', zipWithOperations('acme-crm', '1.0', { list_contacts: { title: 'List' } }));
      expect((await get('us', operationsPath('acme-crm', '1.0'), 'tok-eu')).status).toBe(401);
      expect((await http.get(`${emu.urlFor('us')}${operationsPath('acme-crm', '1.0')}`)).status).toBe(401);
      emu.failNext(1, 503, { kind: 'operations' });
      expect((await get('us', `${base}/acme-crm/versions/1.0/latest`)).status).toBe(200);
      expect((await get('us', operationsPath('acme-crm', '1.0'))).status).toBe(503);
      expect((await get('us', operationsPath('acme-crm', '1.0'))).status).toBe(200);
      expect((await http.post(`${emu.urlFor('us')}${operationsPath('acme-crm', '1.0')}`, {})).status).toBe(404);
    });
  });

  it('serves its record over HTTP', async () => {
    await get('us', `${base}/acme-crm/versions/1.0/latest`);
    const res = await http.get(`${emu.url}/__emulator/requests`);
    expect(res.data.requests).toHaveLength(1);
    expect(res.data.regions.apac).toBe(`${emu.url}/apac`);
  });
});

describe('tray-api-emulator requests per second', () => {
  let emu: Emulator;
  // The emulator's clock, injected: requests are stamped with it, so windows are stepped, never waited for.
  let clock = 1_700_000_000_000;
  const now = () => clock;
  afterEach(() => emu.close());
  const status = (region: 'us' | 'eu' | 'apac') =>
    http.get(`${emu.urlFor(region)}${base}/x/versions/1.0/latest`, { headers: { Authorization: `Bearer ${emu.tokens[region]}` } });

  it('measures the most requests in any 1-second window and the total, per region and overall', async () => {
    emu = await startEmulator({ now });
    await Promise.all([status('us'), status('us'), status('us'), status('eu')]);
    const rates = emu.rates();
    expect(rates.regions.us).toEqual({ total: 3, maxPerSecond: 3, rateLimited: 0 });
    expect(rates.regions.eu).toEqual({ total: 1, maxPerSecond: 1, rateLimited: 0 });
    expect(rates.regions.apac).toEqual({ total: 0, maxPerSecond: 0, rateLimited: 0 });
    expect(rates.overall).toEqual({ total: 4, maxPerSecond: 4, rateLimited: 0 });
    expect(rates.limitPerSecond).toBeNull();
    // the record API carries them too
    const res = await http.get(`${emu.url}/__emulator/requests`);
    expect(res.data.rates.overall.total).toBe(4);
  });

  it('enforces a limit per region with 429 and Retry-After, and counts those answers', async () => {
    emu = await startEmulator({ rateLimit: { perSecond: 2 }, now });
    const answers = await Promise.all([status('us'), status('us'), status('us'), status('eu')]);
    expect(answers.map((a) => a.status).sort()).toEqual([404, 404, 404, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.data).toEqual({ message: 'Limit exceeded' });
    expect(emu.requests.filter((r) => r.fault === 'rate limit')).toEqual([expect.objectContaining({ region: 'us', status: 429 })]);
    expect(emu.rates()).toMatchObject({ limitPerSecond: 2, regions: { us: { total: 3, rateLimited: 1 }, eu: { rateLimited: 0 } } });
    emu.setRateLimit(undefined);
    expect((await status('us')).status).toBe(404);
    expect(emu.rates().limitPerSecond).toBeNull();
  });

  it('lets requests through again once the second has passed', async () => {
    emu = await startEmulator({ rateLimit: { perSecond: 1 }, now });
    expect((await status('us')).status).toBe(404);
    clock += 999;
    expect((await status('us')).status).toBe(429);
    clock += 1;
    expect((await status('us')).status).toBe(404);
  });
});

describe('tray-api-emulator CLI', () => {
  it('takes the deployment duration and a rate limit', () => {
    expect(parseArgs(['--deploy-delay-ms', '2000', '--rate-limit=25'])).toMatchObject({
      deployDelayMs: 2000,
      rateLimit: { perSecond: 25 },
    });
    expect(() => parseArgs(['--rate-limit', 'x'])).toThrow('--rate-limit must be a whole number >= 0, got x');
  });

  it('prints its URLs, serves, and writes its record on SIGTERM', async () => {
    const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emu-cli-')), 'record.json');
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, 'cli.ts'),
        '--port',
        '0',
        '--token-us',
        'cli-tok',
        '--rate-limit',
        '1',
        '--record',
        record,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: path.join(__dirname, '..'),
      },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('TRAY_API_TOKEN_APAC')) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect(out).toContain(`us   ${url}/us`);
    // issue 21.4: the lines to paste, with the tokens it accepts
    expect(out).toContain(`export TRAY_API_URL_US=${url}/us TRAY_API_TOKEN_US=cli-tok\n`);
    expect(out).toContain(`export TRAY_API_URL_EU=${url}/eu TRAY_API_TOKEN_EU=emulator-token-eu\n`);
    expect(out).toContain(`export TRAY_API_URL_APAC=${url}/apac TRAY_API_TOKEN_APAC=emulator-token-apac`);
    const res = await http.get(`${url}/us${base}/x/versions/1.0/latest`, { headers: { Authorization: 'Bearer cli-tok' } });
    expect(res.status).toBe(404);
    const limited = await http.get(`${url}/us${base}/x/versions/1.0/latest`, { headers: { Authorization: 'Bearer cli-tok' } });
    expect(limited.status).toBe(429);
    const live = await http.get(`${url}/__emulator/requests`);
    expect(live.data.rates).toMatchObject({ limitPerSecond: 1, overall: { total: 2, maxPerSecond: 2, rateLimited: 1 } });
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    const saved = JSON.parse(fs.readFileSync(record, 'utf8'));
    expect(saved.requests).toEqual([
      expect.objectContaining({ kind: 'status', status: 404, connectorName: 'x' }),
      expect.objectContaining({ kind: 'status', status: 429, fault: 'rate limit' }),
    ]);
    expect(saved.rates.regions.us).toEqual({ total: 2, maxPerSecond: 2, rateLimited: 1 });
    expect(fs.readFileSync(record, 'utf8')).not.toContain('cli-tok');
  }, 20000);
});
