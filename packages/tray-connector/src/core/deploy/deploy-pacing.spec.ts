import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { deployConnector } from './deploy-connector';
import { createRecordingLogger } from '../logger';
import { resetPacers } from '../tray-api/tray-pacer';
import { TOKENS, emulatorEnv, expectNoToken, tempDir, writeConnectorZip } from '../__fixtures__/deploy-kit';

/**
 * Many deploys of one process share one rate limiter and upload pool per region and token, against
 * the real emulator enforcing a limit: under it nothing is refused; over it, the 429s pause every
 * deploy of the region and all still end Deployed.
 */
describe('deploys paced to the rate limit, across every deploy of the process', () => {
  let emu: Emulator;
  let dir: string;
  const log = createRecordingLogger();

  afterEach(async () => {
    await emu.close();
    resetPacers();
    fs.rmSync(dir, { recursive: true, force: true });
    expectNoToken(log.text());
  });

  const deployMany = (count: number, perSecond?: number) => {
    dir = tempDir();
    return Promise.all(
      Array.from({ length: count }, (_, i) => {
        const name = `paced-${i}`;
        const zipPath = writeConnectorZip(path.join(dir, `${name}.zip`), { name, version: '1.0' });
        return deployConnector({
          name,
          version: '1.0',
          zipPath,
          regions: i % 2 ? ['us', 'eu'] : ['us'],
          env: emulatorEnv(emu),
          pollIntervalMs: 100,
          firstPollMs: 50,
          maxRequestsPerSecond: perSecond,
          timeoutMs: 120_000,
          logger: log,
        });
      }),
    );
  };

  it('sends no request over the limit: the emulator enforcing 30/s answers no 429 to 40 concurrent deploys at 20/s', async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 300, rateLimit: { perSecond: 30 } });
    const outcomes = await deployMany(40);
    expect(outcomes.every((o) => o.success)).toBe(true);
    const rates = emu.rates();
    expect(rates.overall.rateLimited).toBe(0);
    expect(rates.regions.us.maxPerSecond).toBeLessThanOrEqual(30);
    expect(emu.deployments.filter((d) => d.status === 'Deployed')).toHaveLength(60);
    expect(emu.requests.filter((r) => r.kind === 'deploy')).toHaveLength(60);
  }, 60_000);

  it('honours 429s across the pool when the emulator’s limit is below ours, and every deploy still succeeds', async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 100, rateLimit: { perSecond: 6 } });
    const outcomes = await deployMany(12);
    expect(outcomes.map((o) => o.regions.map((r) => r.status).join())).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? 'Deployed,Deployed' : 'Deployed')),
    );
    const rates = emu.rates();
    expect(rates.regions.us.rateLimited).toBeGreaterThan(0);
    // After a 429 the whole region waits its Retry-After: the refused requests are few, not one per deploy per attempt.
    const refused = emu.requests.filter((r) => r.fault === 'rate limit');
    const answered = emu.requests.filter((r) => r.status !== 429);
    expect(refused.length).toBeLessThan(answered.length);
    expect(emu.requests.filter((r) => r.kind === 'deploy' && r.status === 200)).toHaveLength(18);
  }, 90_000);
});
