import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TrayConnectorError } from './errors';
import { createRecordingLogger } from './logger';
import { parseEmails, shareConnector } from './share-connector';
import { TOKENS, emulatorEnv, expectNoToken } from './__fixtures__/deploy-kit';

describe('parseEmails', () => {
  it('takes arrays and comma lists, trims, dedupes', () => {
    expect(parseEmails(['a@b.com, c@d.org', 'a@b.com'])).toEqual(['a@b.com', 'c@d.org']);
    expect(parseEmails('x.y+z@acme.co.uk')).toEqual(['x.y+z@acme.co.uk']);
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
      shareConnector({ name: 'Acme', version: '1.0', regions: ['us'], emails: ['bad'], env: emulatorEnv(emu), logger: createRecordingLogger() }),
    ).rejects.toThrow(/Nothing was sent; fix these first:[\s\S]*kebab-case[\s\S]*Invalid e-mail address in "emails": "bad"/);
    expect(emu.requests).toHaveLength(0);
  });
});
