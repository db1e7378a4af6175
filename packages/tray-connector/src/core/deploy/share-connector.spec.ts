import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TrayConnectorError } from '../errors';
import { createRecordingLogger } from '../logger';
import { judgeShare, parseEmails, shareConnector, type ShareConnectorOptions } from './share-connector';
import { TOKENS, emulatorEnv, expectNoToken } from '../__fixtures__/deploy-kit';

describe('parseEmails', () => {
  it('takes arrays and comma lists, trims, dedupes', () => {
    expect(parseEmails(['a@b.com, c@d.org', 'a@b.com'])).toEqual(['a@b.com', 'c@d.org']);
    expect(parseEmails('x.y+z@acme.co.uk')).toEqual(['x.y+z@acme.co.uk']);
  });
  it('drops addresses that differ only in case, keeping the first spelling', () => {
    expect(parseEmails('a@x.com,A@X.COM, Jane@Acme.com,jane@acme.COM')).toEqual(['a@x.com', 'Jane@Acme.com']);
  });
  it('refuses empty lists and names every invalid address', () => {
    expect(() => parseEmails([])).toThrow(TrayConnectorError);
    expect(() => parseEmails(' , ')).toThrow(/No e-mail address given/);
    expect(() => parseEmails('a@b.com,nope,c@d')).toThrow('Invalid e-mail addresses in "emails": "nope", "c@d"');
  });
});

describe('shareConnector', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS });
  });
  afterEach(() => emu.close());

  it('shares per region concurrently and fails when one region fails', async () => {
    const log = createRecordingLogger();
    emu.failNext(1, 400, { region: 'apac', body: { message: 'user not in organization' } });
    // us: nothing deployed there -> 404; apac -> 400 message shown
    const outcome = await shareConnector({
      name: 'acme-crm',
      version: '1.0',
      regions: ['us', 'apac'],
      emails: ['jane@acme.com'],
      env: emulatorEnv(emu),
      retry: { baseDelayMs: 5 },
      logger: log,
    });
    expect(outcome.success).toBe(false);
    expect(outcome.regions.map((r) => r.message)).toEqual([
      expect.stringContaining('us: Tray found no connector acme-crm version 1.0 (HTTP 404)'),
      'apac: Tray rejected sharing acme-crm 1.0 (HTTP 400): user not in organization',
    ]);
    expect(outcome.table).toMatch(/us\s+Failed/);
    expectNoToken(log.text() + JSON.stringify(outcome));
  });

  it('refuses bad input before any request', async () => {
    await expect(
      shareConnector({
        name: 'Acme',
        version: '1.0',
        regions: ['us'],
        emails: ['bad'],
        env: emulatorEnv(emu),
        logger: createRecordingLogger(),
      }),
    ).rejects.toThrow(/Nothing was sent to Tray:[\s\S]*kebab-case[\s\S]*Invalid e-mail address in "emails": "bad"/);
    expect(emu.requests).toHaveLength(0);
  });
});

describe('judgeShare', () => {
  const emails = ['jane@acme.com', 'bob@acme.com'];
  it('takes "N permissions added" for N addresses as complete', () => {
    expect(judgeShare({ message: '2 permissions added' }, emails)).toMatchObject({
      complete: true,
      addresses: [{ result: 'added' }, { result: 'added' }],
    });
  });
  it('names the refused addresses a body lists (any case), and the reason', () => {
    const j = judgeShare({ message: '1 permission added', failures: [{ email: 'BOB@acme.com', reason: 'not in org' }] }, emails);
    expect(j.complete).toBe(false);
    expect(j.addresses).toEqual([
      { email: 'jane@acme.com', result: 'added' },
      { email: 'bob@acme.com', result: 'refused', reason: 'not in org' },
    ]);
    expect(judgeShare({ message: 'done', invalidEmails: ['jane@acme.com'] }, emails).addresses[0].result).toBe('refused');
  });
  it('leaves every address unconfirmed when the count is short and the body does not say which', () => {
    expect(judgeShare({ message: '1 permissions added' }, emails).addresses.map((a) => a.result)).toEqual(['unconfirmed', 'unconfirmed']);
    expect(judgeShare({ message: '2 permissions added', errors: ['quota exceeded'] }, emails).complete).toBe(false);
  });
});

describe('shareConnector against the emulator: exactly what happened', () => {
  let emu: Emulator;
  let log: ReturnType<typeof createRecordingLogger>;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 10 });
    log = createRecordingLogger();
    // deploy acme-crm 1.0 to us and eu through the API, as a user would have
    const AdmZip = (await import('adm-zip')).default;
    const zip = new AdmZip();
    zip.addFile('acme-crm/connector.json', Buffer.from(JSON.stringify({ name: 'acme-crm', version: '1.0' })));
    const body = JSON.stringify({ connectorSourceCode: zip.toBuffer().toString('base64') });
    for (const region of ['us', 'eu'] as const) {
      await fetch(`${emu.urlFor(region)}/cdk/v1/deployments/connectors/acme-crm/versions/1.0/deploy-connector-from-source`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKENS[region]}`, 'Content-Type': 'application/json' },
        body,
      });
    }
    // Polled until both deployments ended (not a fixed sleep).
    while (emu.deployments.length < 2 || emu.deployments.some((d) => d.status !== 'Deployed')) await new Promise((r) => setTimeout(r, 10));
    emu.requests.length = 0;
  });
  afterEach(async () => {
    await emu.close();
    expectNoToken(log.text());
  });
  const share = (over: Partial<ShareConnectorOptions> = {}) =>
    shareConnector({
      name: 'acme-crm',
      version: '1.0',
      regions: ['us', 'eu'],
      emails: ['jane@acme.com', 'bob@other.com'],
      env: emulatorEnv(emu),
      retry: { baseDelayMs: 5 },
      logger: log,
      ...over,
    });

  it('sends each address once whatever its case', async () => {
    const outcome = await share({ regions: ['us'], emails: 'jane@acme.com,JANE@ACME.COM,Jane@Acme.Com' });
    expect(outcome.success).toBe(true);
    expect(emu.shares.map((s) => s.emails)).toEqual([['jane@acme.com']]);
  });

  it('a 2xx listing a refused address fails that region, reporting every address', async () => {
    emu.partialShareNext(1, { region: 'eu', refuse: ['bob@other.com'] });
    const outcome = await share();
    expect(outcome.success).toBe(false);
    const eu = outcome.regions.find((r) => r.region === 'eu')!;
    expect(eu).toMatchObject({ ok: false, partial: true });
    expect(eu.message).toContain(
      'eu: sharing acme-crm 1.0 did not reach every address: Tray answered "1 permission added" for 2 addresses:',
    );
    expect(eu.message).toContain('    jane@acme.com: added');
    expect(eu.message).toContain('    bob@other.com: refused (User not found in this organization)');
    expect(eu.message).toContain('pass --allowPartial to accept a partial share');
    expect(outcome.regions.find((r) => r.region === 'us')!.ok).toBe(true);
    expect(outcome.table).toMatch(/eu\s+Partly shared \(failed\)/);
    expect(log.text()).toContain('bob@other.com: refused');
  });

  it('fewer permissions than addresses, without a list, leaves them unconfirmed; allowPartial accepts it with a warning', async () => {
    emu.partialShareNext(2, { refuse: 1, listFailures: false });
    const failed = await share({ regions: ['us'] });
    expect(failed.success).toBe(false);
    expect(failed.regions[0].addresses!.map((a) => `${a.email}:${a.result}`)).toEqual([
      'jane@acme.com:unconfirmed',
      'bob@other.com:unconfirmed',
    ]);
    const accepted = await share({ regions: ['us'], allowPartial: true });
    expect(accepted.success).toBe(true);
    expect(accepted.table).toMatch(/us\s+Partly shared\s/);
    expect(log.text()).toContain('Accepted because of "allowPartial"');
  });

  it('has a deadline: a share that is never answered ends with the timeout named', async () => {
    emu.hangNext(5, { kind: 'share' });
    const outcome = await share({ regions: ['us'], timeoutMs: 1000, idleTimeoutMs: 200 });
    expect(outcome.success).toBe(false);
    expect(outcome.regions[0].message).toMatch(
      /^us: sharing acme-crm 1.0 did not finish within \S+ \(timeout "timeoutSeconds" \(1.0s\)\) \(last problem: no data for 200ms \(idle limit\)\)/,
    );
  });

  it('follows no redirect: the addresses are never re-posted elsewhere', async () => {
    const elsewhere = await startEmulator({ tokens: TOKENS });
    try {
      emu.redirectNext(1, `${elsewhere.urlFor('us')}/cdk/v1/permissions/connectors/acme-crm/versions/1.0/share-with-emails`, {
        kind: 'share',
        status: 308,
      });
      const outcome = await share({ regions: ['us'] });
      expect(outcome.success).toBe(false);
      expect(outcome.regions[0].message).toContain(`answered HTTP 308 (a redirect to ${elsewhere.url}) while sharing acme-crm 1.0`);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});
