import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { deployConnector, type DeployConnectorOptions } from './deploy-connector';
import { describeChanges, parseCheckBreakingChanges } from './breaking-guard';
import { TrayConnectorError } from '../errors';
import { createRecordingLogger } from '../logger';
import { createProgressReporter } from '../tray-api/progress';
import { TOKENS, emulatorEnv, expectNoToken, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';

const FAST_RETRY = { retries: 1, baseDelayMs: 5, maxDelayMs: 10 };
const INPUT = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false, advanced: [] };
const OUTPUT = {
  type: 'object',
  properties: { id: { type: 'string' }, email: { type: 'string' } },
  required: ['id', 'email'],
  additionalProperties: false,
  advanced: [],
};
/** The same output without `email`: every workflow reading it would break. */
const POORER_OUTPUT = { ...OUTPUT, properties: { id: { type: 'string' } }, required: ['id'] };

describe('the breaking-change guard of deployConnector (against the emulator)', () => {
  let emu: Emulator;
  let dir: string;
  let log: ReturnType<typeof createRecordingLogger>;

  /** A zip of acme-crm `version` with one operation, get_contact, whose output is `output`. */
  const zipOf = (file: string, output: object, version = '1.0', input: object = INPUT) =>
    writeConnectorZip(path.join(dir, file), {
      name: 'acme-crm',
      version,
      extra: {
        'src/get_contact/operation.json': JSON.stringify({ name: 'get_contact', title: 'Get contact', description: 'By id' }),
        'src/get_contact/input.json': JSON.stringify(input),
        'src/get_contact/output.json': JSON.stringify(output),
      },
    });
  const options = (over: Partial<DeployConnectorOptions> = {}): DeployConnectorOptions => ({
    name: 'acme-crm',
    version: '1.0',
    zipPath: zipOf('v1.zip', OUTPUT),
    regions: ['us', 'eu'],
    env: emulatorEnv(emu),
    pollIntervalMs: 10,
    retry: FAST_RETRY,
    checkBreakingChanges: true,
    logger: log,
    progress: createProgressReporter({ logger: log, tty: false }),
    ...over,
  });
  const posts = (region?: string) => emu.requests.filter((r) => r.method === 'POST' && (!region || r.region === region));

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 20 });
    dir = tempDir('breaking-guard-');
    log = createRecordingLogger();
    // What us serves: version 1.0 with get_contact giving id and email. eu has nothing yet.
    const first = await deployConnector(options({ regions: ['us'] }));
    expect(first.success).toBe(true);
    emu.requests.length = 0;
  });
  afterEach(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expectNoToken(log.text());
  });

  it('refuses a removed output field before any upload in the region that serves it, and deploys the other region', async () => {
    const outcome = await deployConnector(options({ zipPath: zipOf('poorer.zip', POORER_OUTPUT) }));
    expect(outcome.success).toBe(false);
    const us = outcome.regions.find((r) => r.region === 'us')!;
    const eu = outcome.regions.find((r) => r.region === 'eu')!;
    expect(us).toMatchObject({ ok: false, status: 'Refused (breaking change)' });
    expect(us.refused!.changes).toEqual([
      expect.objectContaining({ operation: 'get_contact', path: expect.stringContaining('$.outputSchema') }),
    ]);
    expect(us.message).toContain('us: refused before any upload: acme-crm 1.0 as built would break what us serves');
    expect(us.message).toContain(`get_contact ${us.refused!.changes[0].path}: ${us.refused!.changes[0].reason}`);
    expect(us.message).toContain('bump "version" in connector.json');
    expect(us.message).toContain('--allowBreakingChanges');
    expect(eu).toMatchObject({ ok: true, status: 'Deployed', check: 'acme-crm 1.0 not deployed in eu: no conflict' });
    // us: one GET of the listing, no POST; eu: its GET (404), then the upload
    expect(posts('us')).toHaveLength(0);
    expect(emu.requests.filter((r) => r.region === 'us').map((r) => [r.kind, r.status])).toEqual([['operations', 200]]);
    expect(posts('eu').map((r) => r.kind)).toEqual(['deploy']);
    expect(emu.requests.find((r) => r.region === 'eu')).toMatchObject({ kind: 'operations', status: 404 });
    expect(outcome.table).toMatch(/us\s+-\s+Refused \(breaking change\)/);
    expect(log.text()).toContain('us: refused before any upload');
  });

  it('deploys a change that breaks nothing (a new optional input), and the same breaking change as a new version', async () => {
    const optionalInput = { ...INPUT, properties: { ...INPUT.properties, locale: { type: 'string' } } };
    const relaxed = await deployConnector(options({ regions: ['us'], zipPath: zipOf('optional.zip', OUTPUT, '1.0', optionalInput) }));
    expect(relaxed.success).toBe(true);
    expect(relaxed.regions[0].check).toBe('1 non-breaking difference(s)');
    const bumped = await deployConnector(options({ regions: ['us'], version: '2.0', zipPath: zipOf('v2.zip', POORER_OUTPUT, '2.0') }));
    expect(bumped.success).toBe(true);
    expect(bumped.regions[0].check).toBe('acme-crm 2.0 not deployed in us: no conflict');
    expect(emu.deployments.filter((d) => d.status === 'Deployed').map((d) => `${d.region} ${d.version}`)).toEqual([
      'us 1.0',
      'us 1.0',
      'us 2.0',
    ]);
  });

  it('allowBreakingChanges deploys the breaking change, with a warning naming each change', async () => {
    const outcome = await deployConnector(
      options({ regions: ['us'], zipPath: zipOf('poorer.zip', POORER_OUTPUT), allowBreakingChanges: true }),
    );
    expect(outcome.success).toBe(true);
    expect(outcome.regions[0]).toMatchObject({ status: 'Deployed', check: '1 breaking change(s) allowed' });
    expect(log.text()).toMatch(
      /us: deploying acme-crm 1\.0 with 1 breaking change\(s\) to what us serves \(allowBreakingChanges\):\n\s+get_contact \$\.outputSchema/,
    );
    expect(posts('us').map((r) => r.kind)).toEqual(['deploy']);
  });

  it('a listing the token may not read (401) is a warning, and the deploy goes on', async () => {
    const env = { ...emulatorEnv(emu), TRAY_READ_US: 'tok-read-not-valid-4444' };
    const outcome = await deployConnector(
      options({ regions: ['us'], zipPath: zipOf('poorer.zip', POORER_OUTPUT), env, connectivityTokenEnv: { us: 'TRAY_READ_US' } }),
    );
    expect(outcome.success).toBe(true);
    expect(outcome.regions[0]).toMatchObject({ status: 'Deployed', check: 'not checked (listing unreadable)' });
    expect(log.text()).toContain(
      'us: the breaking-change check could not read what us serves, deploying without it: us: reading the deployed operations of acme-crm 1.0',
    );
    expect(log.text()).toContain('Tray refused the token from TRAY_READ_US (HTTP 401 Unauthorized)');
    expect(log.text()).toContain('--checkBreakingChanges=strict refuses instead');
    expect(log.text()).not.toContain('tok-read-not-valid-4444');
    expect(emu.requests.map((r) => [r.kind, r.status])).toEqual(expect.arrayContaining([['operations', 401]]));
    expect(posts('us').map((r) => r.kind)).toEqual(['deploy']);
  });

  it('strict: a listing that cannot be read (no answer after retries) refuses the region before any upload', async () => {
    emu.dropNext(5, { region: 'us', kind: 'operations' });
    const outcome = await deployConnector(options({ checkBreakingChanges: 'strict' }));
    expect(outcome.success).toBe(false);
    const us = outcome.regions.find((r) => r.region === 'us')!;
    expect(us).toMatchObject({ ok: false, status: 'Refused (check failed)', refused: { changes: [] } });
    expect(us.message).toMatch(
      /us: refused before any upload: the breaking-change check is "strict" and could not read what us serves: .*no answer/,
    );
    expect(posts('us')).toHaveLength(0);
    expect(outcome.regions.find((r) => r.region === 'eu')).toMatchObject({ ok: true, status: 'Deployed' });
  });

  describe('cannot tell "not deployed" from "could not read" (issue 28.5): never "no conflict"', () => {
    // us serves 1.0 (beforeEach); the build would break it. Each answer below once read as "not deployed: no conflict".
    const hostile: [string, () => void][] = [
      [
        'a 404 {"message":"No such endpoint"} on the listing',
        () => emu.failNext(1, 404, { region: 'us', kind: 'operations', body: { message: 'No such endpoint' } }),
      ],
      ['an empty listing', () => emu.failNext(1, 200, { region: 'us', kind: 'operations', body: { elements: [] } })],
    ];

    it.each(hostile)('strict refuses before any upload on %s', async (_what, inject) => {
      inject();
      const outcome = await deployConnector(
        options({ regions: ['us'], zipPath: zipOf('poorer.zip', POORER_OUTPUT), checkBreakingChanges: 'strict' }),
      );
      expect(outcome.success).toBe(false);
      expect(outcome.regions[0]).toMatchObject({ ok: false, check: 'refused: cannot tell whether deployed (strict)' });
      expect(outcome.regions[0].message).toContain(
        'us: refused before any upload: the breaking-change check is "strict" and cannot tell whether acme-crm 1.0 is deployed in us (not deployed, or not readable): ',
      );
      expect(posts('us')).toHaveLength(0);
    });

    it.each(hostile)('the default mode says so in one warning line, and deploys, on %s', async (_what, inject) => {
      inject();
      const outcome = await deployConnector(options({ regions: ['us'], zipPath: zipOf('optional.zip', OUTPUT) }));
      expect(outcome.success).toBe(true);
      expect(outcome.regions[0]).toMatchObject({ status: 'Deployed', check: 'not checked (cannot tell whether deployed)' });
      expect(log.text()).toContain(
        'us: the breaking-change check cannot tell whether acme-crm 1.0 is deployed in us (not deployed, or not readable), deploying without it: ',
      );
      expect(log.text()).toContain('(--checkBreakingChanges=strict refuses instead.)');
    });

    it('a genuine "not deployed" (404, and the connector list without that version) is still no conflict, also when strict', async () => {
      const outcome = await deployConnector(options({ regions: ['eu'], checkBreakingChanges: 'strict' }));
      expect(outcome.regions[0]).toMatchObject({ ok: true, status: 'Deployed', check: 'acme-crm 1.0 not deployed in eu: no conflict' });
      expect(emu.requests.filter((r) => r.region === 'eu' && r.method === 'GET').map((r) => [r.kind, r.status])).toEqual(
        expect.arrayContaining([
          ['operations', 404],
          ['connectors', 200],
        ]),
      );
    });
  });

  it('dry run: reads each listing, reports what would be refused, uploads nothing', async () => {
    const outcome = await deployConnector(options({ zipPath: zipOf('poorer.zip', POORER_OUTPUT), dryRun: true }));
    expect(outcome.success).toBe(false);
    expect(outcome.regions.map((r) => [r.region, r.ok, r.status])).toEqual([
      ['us', false, 'Dry run: would be refused'],
      ['eu', true, 'Dry run (nothing sent)'],
    ]);
    expect(log.text()).toMatch(/\[dry run\] us: POST .*\n.*\n\s+breaking-change check: WOULD BE REFUSED/);
    expect(log.text()).toContain('[dry run] us: refused before any upload');
    expect(emu.requests.map((r) => `${r.region} ${r.method} ${r.kind}`).sort()).toEqual([
      'eu GET connectors',
      'eu GET operations',
      'us GET operations',
    ]);
  });

  it('a dry run without a token does not check (nothing is sent), unless strict', async () => {
    const env = emulatorEnv(emu, ['eu']);
    env.TRAY_API_URL_US = emu.urlFor('us');
    const loose = await deployConnector(options({ dryRun: true, env }));
    // A region without a token would fail for real: the dry run says so and does not count it as ok (issue 22.7).
    expect(loose.success).toBe(false);
    expect(loose.regions.find((r) => r.region === 'us')).toMatchObject({ ok: false, status: 'Dry run: no token' });
    expect(loose.regions.find((r) => r.region === 'eu')).toMatchObject({ ok: true });
    expect(log.text()).toContain(
      'us: the breaking-change check could not read what us serves, deploying without it: no token in TRAY_API_TOKEN_US',
    );
    expect(emu.requests.map((r) => `${r.region} ${r.kind}`)).toEqual(['eu operations', 'eu connectors']);
    const strict = await deployConnector(options({ dryRun: true, env, checkBreakingChanges: 'strict' }));
    expect(strict.regions.find((r) => r.region === 'us')).toMatchObject({ ok: false, status: 'Dry run: would be refused' });
  });

  it('refuses connectivityTokenEnv mistakes before any request', async () => {
    const bad = (connectivityTokenEnv: Record<string, string>) =>
      deployConnector(options({ connectivityTokenEnv })).then(
        () => undefined,
        (e: unknown) => e as TrayConnectorError,
      );
    expect((await bad({ moon: 'X' }))!.message).toContain('"connectivityTokenEnv" has a key "moon" that is no region: use us, eu, apac');
    expect((await bad({ eu: 'NOT A NAME' }))!.message).toContain('"connectivityTokenEnv.eu" must be an environment variable name');
    expect((await bad({ eu: 'TRAY_READ_EU_UNSET' }))!.message).toContain(
      'eu: "connectivityTokenEnv.eu" names TRAY_READ_EU_UNSET, which is not set: export a token that may read eu\'s Connectivity API, or remove the entry to read with TRAY_API_TOKEN_EU',
    );
    expect(emu.requests).toHaveLength(0);
  });

  it('prints what a hostile listing says as data: one line per difference, control characters escaped, long names cut', async () => {
    emu.failNext(1, 200, {
      region: 'us',
      kind: 'operations',
      body: {
        elements: [{ name: `evil\n\u001b[31mop${'x'.repeat(500)}`, title: 't', description: 'd', inputSchema: {}, outputSchema: {} }],
      },
    });
    const outcome = await deployConnector(options({ regions: ['us'] }));
    const us = outcome.regions[0];
    expect(us.status).toBe('Refused (breaking change)');
    const line = us.message!.split('\n').find((l) => l.includes('evil'))!;
    expect(line).toContain('evil\\u000a\\u001b[31mop');
    expect(line.length).toBeLessThan(400);
    expect(posts('us')).toHaveLength(0);
  });

  it('lists at most 20 changes in a message and says how many more', () => {
    const changes = Array.from({ length: 23 }, (_, i) => ({ operation: `op${i}`, path: '$', reason: 'operation removed' }));
    const text = describeChanges(changes);
    expect(text.split('\n')).toHaveLength(21);
    expect(text).toContain('... and 3 more (see .tray/deploy-result.json)');
  });

  it('takes checkBreakingChanges as true, false or "strict" only', () => {
    expect([undefined, true, 'true', false, 'false', 'strict'].map(parseCheckBreakingChanges)).toEqual([
      true,
      true,
      true,
      false,
      false,
      'strict',
    ]);
    expect(() => parseCheckBreakingChanges('yes')).toThrow('"checkBreakingChanges" must be true, false or "strict"; got "yes"');
  });
});
