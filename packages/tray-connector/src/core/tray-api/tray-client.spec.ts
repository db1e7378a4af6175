import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { AxiosError } from 'axios';
import { Deadline } from './deadline';
import { StoppedError } from '../errors';
import { TrayApiError, TrayClient, streamedSourceBody } from './tray-client';
import { TOKENS, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('streamedSourceBody', () => {
  const dir = tempDir('tray-client-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([0, 1, 2, 3, 4, 5, 98_303, 98_304, 98_305, 300_001])(
    'encodes a %i-byte file exactly as JSON.stringify of its base64, with the announced length',
    async (size) => {
      const file = path.join(dir, `f${size}.bin`);
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * 7919 + 13) & 0xff;
      fs.writeFileSync(file, data);
      const body = streamedSourceBody(file);
      const sent = await collect(body.stream);
      expect(sent.toString()).toBe(JSON.stringify({ connectorSourceCode: data.toString('base64') }));
      expect(sent.length).toBe(body.length);
    },
  );
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

  it("parses an answer into ServerText where it enters: a hostile id polled raw (URL-encoded) but shown masked and printable, Tray's words too (issue 28.2, 28.4)", async () => {
    const other = 'other-region-token-0123456789';
    const id = `dep-\u001b[2J\u001b]0;PWNED\u0007\u009b31m\rFAKE ${other}`;
    emu.failDeployments(1, {
      region: 'eu',
      id,
      status: `Weird ${TOKENS.eu}`,
      reason: { message: `\u001b]52;c;aGk=\u0007 ${Buffer.from(other).toString('base64')}` },
    });
    const c = new TrayClient({
      endpoint: { region: 'eu', baseUrl: emu.urlFor('eu'), baseUrlSource: 'test', token: TOKENS.eu, tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
      secrets: [other],
    });
    const zip = writeConnectorZip(path.join(dir, 'hostile.zip'), { name: 'acme-crm', version: '1.0' });
    const answer = await c.deployFromSource('acme-crm', '1.0', zip);
    expect(answer.id).toBe('dep-\\u001b[2J\\u001b]0;PWNED\\u0007\\u009b31m\\u000dFAKE ***');
    expect(String(answer.handle)).toBe(answer.id);
    let final = answer;
    while (final.deploymentStatus === 'Deploying') {
      await new Promise((r) => setTimeout(r, 5));
      final = await c.getDeployment('acme-crm', '1.0', answer.handle);
    }
    expect(emu.requests[emu.requests.length - 1].deploymentId).toBe(id);
    expect(final.deploymentStatus).toBe('Weird ***');
    expect(final.words).toBe('message: \\u001b]52;c;aGk=\\u0007 ***');
    expect(c.shownStatusUrl('acme-crm', '1.0', answer.handle)).toMatch(/\/dep-%1B%5B2J.*FAKE%20\*\*\*$/);
    // An error answer's words: printable, every token masked.
    emu.failNext(1, 400, { region: 'eu', kind: 'status', body: { message: `\u001b[1A\u001b[2KDeployed OK ${other}` } });
    const error = await c.getDeployment('acme-crm', '1.0', answer.handle).catch((e: TrayApiError) => e);
    expect(error).toBeInstanceOf(TrayApiError);
    expect((error as TrayApiError).message).toContain('\\u001b[1A\\u001b[2KDeployed OK ***');
    // eslint-disable-next-line no-control-regex
    expect((error as TrayApiError).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
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
    // Polled until the emulator ended it (not a fixed sleep), then read through the client.
    while (emu.deployments.find((d) => d.id === answer.id)?.status !== 'Deployed') await new Promise((r) => setTimeout(r, 10));
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

    const missing = await client()
      .getDeployment('acme-crm', '1.0', 'nope')
      .catch((e) => e);
    expect(missing.message).toContain('Tray found no connector acme-crm version 1.0 (HTTP 404)');

    // A deploy answered 404 means the endpoint is wrong (deploying needs no existing connector): the message points at the base URL.
    const wrongBase = new TrayClient({
      endpoint: {
        region: 'eu',
        baseUrl: `${emu.urlFor('eu')}/v2`,
        baseUrlSource: 'TRAY_API_URL_EU',
        token: TOKENS.eu,
        tokenEnv: 'TRAY_API_TOKEN_EU',
      },
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const zip = writeConnectorZip(path.join(dir, 'c404.zip'), { name: 'acme-crm', version: '1.0' });
    const notFound = await wrongBase.deployFromSource('acme-crm', '1.0', zip).catch((e) => e);
    expect(notFound.message).toContain(
      `check that the base URL ${emu.urlFor('eu')}/v2 (from TRAY_API_URL_EU) is the API root, e.g. https://api.eu1.tray.io`,
    );

    emu.failNext(5, 502);
    const gaveUp = await client(TOKENS.eu, 2)
      .getDeployment('acme-crm', '1.0', 'x')
      .catch((e) => e);
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
    expect(events).toEqual(['status no data for 60ms (idle limit)']);
  });

  it('reports a closed port as a connection problem', async () => {
    const closed = await startEmulator();
    const url = closed.urlFor('eu');
    await closed.close();
    const c = new TrayClient({
      endpoint: { region: 'eu', baseUrl: url, baseUrlSource: 't', token: 'abcd-token', tokenEnv: 'TRAY_API_TOKEN_EU' },
      retry: { retries: 0 },
    });
    const err = await c.getDeployment('a', '1.0', 'x').catch((e) => e);
    expect(err).toMatchObject({ retryable: true, reason: 'connection refused (ECONNREFUSED)' });
    expect(err.message).toContain(`eu: could not reach ${url}`);
  });

  describe('deadline, idle limit, redirects, TLS', () => {
    const deadlines: Deadline[] = [];
    afterEach(() => {
      deadlines.splice(0).forEach((d) => d.dispose());
      emu.reset();
    });
    const euEndpoint = (baseUrl = emu.urlFor('eu')) => ({
      region: 'eu' as const,
      baseUrl,
      baseUrlSource: 'TRAY_API_URL_EU',
      token: TOKENS.eu,
      tokenEnv: 'TRAY_API_TOKEN_EU',
    });
    const bounded = (ms: number, over: Partial<ConstructorParameters<typeof TrayClient>[0]> = {}) => {
      const deadline = new Deadline(ms);
      deadlines.push(deadline);
      const events: string[] = [];
      const c = new TrayClient({
        endpoint: euEndpoint(),
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        deadline,
        onRetry: (e) => events.push(e.reason),
        ...over,
      });
      return { c, events, deadline };
    };
    const deployed = async () => {
      const zip = writeConnectorZip(path.join(dir, 'd.zip'), { name: 'acme-crm', version: '1.0' });
      const answer = await client().deployFromSource('acme-crm', '1.0', zip);
      while (emu.deployments.find((d) => d.id === answer.id)?.status !== 'Deployed') await new Promise((r) => setTimeout(r, 10));
      return answer.id;
    };

    it('a request that never answers is abandoned after the idle limit and retried', async () => {
      const id = await deployed();
      emu.hangNext(2, { kind: 'status' });
      const { c, events } = bounded(20_000, { idleTimeoutMs: 300, retry: { retries: 10, baseDelayMs: 5, maxDelayMs: 20 } });
      expect((await c.getDeployment('acme-crm', '1.0', id)).deploymentStatus).toBe('Deployed');
      expect(events.slice(0, 2)).toEqual(['no data for 300ms (idle limit)', 'no data for 300ms (idle limit)']);
      expect(emu.requests.filter((r) => r.fault === 'hang')).toHaveLength(2);
    });

    it('the deadline ends a hanging request, whatever the idle limit', async () => {
      emu.hangNext(1, { kind: 'status' });
      const { c } = bounded(300, { idleTimeoutMs: 120_000 });
      const err = await c.getDeployment('acme-crm', '1.0', 'x').catch((e) => e);
      expect(err).toBeInstanceOf(StoppedError);
      expect(err).toMatchObject({ stop: 'deadline', detail: { operation: 'status' } });
    });

    it('the deadline cuts off a body that trickles in a byte at a time (which the idle limit never sees)', async () => {
      const id = await deployed();
      emu.trickleNext(1, 100, { kind: 'status' });
      const { c } = bounded(600, { idleTimeoutMs: 1000 });
      const err = await c.getDeployment('acme-crm', '1.0', id).catch((e) => e);
      expect(err).toMatchObject({ stop: 'deadline' });
      expect(emu.requests.filter((r) => r.kind === 'status')[0].fault).toBe('trickle 1B/100ms');
    });

    it('a Retry-After longer than the time left stops at once, saying how long each was', async () => {
      emu.rateLimitNext(1, 100_000, { kind: 'status' });
      const { c } = bounded(5000);
      const err = await c.getDeployment('acme-crm', '1.0', 'x').catch((e) => e);
      expect(err).toMatchObject({ stop: 'retry-after', detail: { retryAfterMs: 100_000_000, operation: 'status' } });
      expect(err.detail.leftMs).toBeLessThanOrEqual(5000);
      expect(emu.requests.filter((r) => r.kind === 'status')).toHaveLength(1); // no wait, no retry
    });

    it('polling retries dropped connections, 5xx and 429 until the deadline, not a fixed number of times', async () => {
      const id = await deployed();
      emu.dropNext(4, { kind: 'status' });
      emu.failNext(3, 503, { kind: 'status' });
      emu.rateLimitNext(1, 0, { kind: 'status' });
      const { c, events } = bounded(20_000, { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } });
      expect((await c.getDeployment('acme-crm', '1.0', id, { untilDeadline: true })).deploymentStatus).toBe('Deployed');
      expect(events).toHaveLength(8);
      // without untilDeadline, the same client keeps its bounded retries
      emu.failNext(5, 503, { kind: 'status' });
      const err = await c.getDeployment('acme-crm', '1.0', id).catch((e) => e);
      expect(err.message).toMatch(/gave up after 3 attempts/);
    });

    it('follows no redirect, even to another origin that would answer: the error names the status and that origin', async () => {
      const elsewhere = await startEmulator({ tokens: TOKENS });
      try {
        emu.redirectNext(1, `${elsewhere.urlFor('eu')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/latest`, { kind: 'status' });
        emu.redirectNext(1, `${elsewhere.urlFor('eu')}/cdk/v1/permissions/connectors/acme-crm/versions/1.0/share-with-emails`, {
          kind: 'share',
          status: 307,
        });
        const { c, events } = bounded(5000);
        const status = await c.getDeployment('acme-crm', '1.0', 'latest', { untilDeadline: true }).catch((e) => e);
        expect(status).toBeInstanceOf(TrayApiError);
        expect(status).toMatchObject({ status: 302, retryable: false });
        expect(status.message).toContain(
          `answered HTTP 302 (a redirect to ${elsewhere.url}) while checking the deployment status of acme-crm 1.0`,
        );
        expect(status.message).toContain('Redirects are never followed');
        const share = await c.shareWithEmails('acme-crm', '1.0', ['jane@acme.com']).catch((e) => e);
        expect(share.message).toContain(`answered HTTP 307 (a redirect to ${elsewhere.url}) while sharing acme-crm 1.0`);
        emu.redirectNext(1, `${elsewhere.urlFor('eu')}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source`, {
          kind: 'deploy',
          status: 308,
        });
        const zip = writeConnectorZip(path.join(dir, 'r.zip'), { name: 'acme-crm', version: '1.0' });
        const deploy = await c.deployFromSource('acme-crm', '1.0', zip).catch((e) => e);
        expect(deploy.message).toContain(`answered HTTP 308 (a redirect to ${elsewhere.url}) while deploying acme-crm 1.0`);
        expect(events).toEqual([]);
        expect(elsewhere.requests).toHaveLength(0);
        // a relative Location stays on the same origin, and is still not followed
        emu.redirectNext(1, '/eu/elsewhere', { kind: 'status', status: 301 });
        const relative = await c.getDeployment('acme-crm', '1.0', 'latest').catch((e) => e);
        expect(relative.message).toContain(`HTTP 301 (a redirect to ${emu.url})`);
      } finally {
        await elsewhere.close();
      }
    });

    it('a TLS failure is not retried and names the host and the TLS error code', async () => {
      const events: string[] = [];
      const c = new TrayClient({
        endpoint: euEndpoint(emu.urlFor('eu').replace('http:', 'https:')),
        retry: { retries: 3, baseDelayMs: 5 },
        onRetry: (e) => events.push(e.reason),
      });
      const err = await c.getDeployment('acme-crm', '1.0', 'x').catch((e) => e);
      expect(err).toMatchObject({ retryable: false, reason: 'TLS EPROTO' });
      expect(err.message).toContain(`eu: TLS with 127.0.0.1:${emu.port} failed (EPROTO`);
      expect(err.message).toContain('is https://127.0.0.1');
      expect(events).toEqual([]);
    });

    it('names certificate errors (e.g. an expired certificate) and how to trust a proxy CA, without retrying', () => {
      const c = client();
      const cause = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
      const err = c.toApiError(
        'deploy',
        { name: 'acme-crm', version: '1.0' },
        new AxiosError('certificate has expired', 'CERT_HAS_EXPIRED', undefined, undefined, undefined),
      );
      const viaCause = c.toApiError('status', { name: 'acme-crm', version: '1.0' }, Object.assign(new AxiosError('x'), { cause }));
      for (const e of [err, viaCause]) {
        expect(e).toMatchObject({ retryable: false, reason: 'TLS CERT_HAS_EXPIRED' });
        expect(e.message).toContain(`TLS with 127.0.0.1:${emu.port} failed (CERT_HAS_EXPIRED`);
        expect(e.message).toContain('NODE_EXTRA_CA_CERTS');
      }
    });

    it("masks the token's URL-encoded and base64 forms when a server echoes them", async () => {
      const token = 'tok/eu+5ecret=2222';
      const b64 = Buffer.from(token).toString('base64');
      emu.failNext(1, 400, {
        kind: 'status',
        body: {
          message: `bad ${encodeURIComponent(token)} ${b64} ${Buffer.from(`Bearer ${token}`).toString('base64')} ?token=abc123 Bearer%20${encodeURIComponent(token)}`,
        },
      });
      // The fault answers before any token check, so any token can be echoed back.
      const c = new TrayClient({ endpoint: { ...euEndpoint(), token }, retry: { retries: 0 } });
      const err = await c.getDeployment('acme-crm', '1.0', 'x').catch((e) => e);
      expect(err.message).toMatch(/^eu: Tray rejected checking the deployment status of acme-crm 1.0 \(HTTP 400\): bad \*\*\* \*\*\* /);
      for (const form of [
        token,
        encodeURIComponent(token),
        b64,
        Buffer.from(`Bearer ${token}`).toString('base64').slice(8, 24),
        'abc123',
      ]) {
        expect(err.message).not.toContain(form);
      }
    });
  });
});
