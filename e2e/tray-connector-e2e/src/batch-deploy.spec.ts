import { startEmulator, type Emulator } from 'tray-api-emulator';
import { writeConnectorFiles } from './support/connector-files';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 14, point 3: `nx run-many -t deploy --batch` in a fresh workspace with the packed plugin.
 * Five connectors with varied regions deploy at once through one process, paced under the
 * emulator's enforced rate limit; one connector's deployment fails at Tray and fails only its own
 * task, with Tray's reason in its own output; the others succeed and write their deploy-result.json.
 */

jest.setTimeout(15 * 60 * 1000);

const CONNECTORS: Array<{ name: string; regions: string[] }> = [
  { name: 'alpha', regions: ['us', 'eu'] },
  { name: 'beta', regions: ['us'] },
  { name: 'gamma', regions: ['us', 'apac'] },
  { name: 'delta', regions: ['eu', 'apac'] },
  { name: 'epsilon', regions: ['us', 'eu', 'apac'] },
];
const FAILING = 'gamma';
const LIMIT = 25;
const TRAY_REASON = 'Operation list_items failed its tests at Tray';

function writeConnector(ws: TestWorkspace, name: string, regions: string[]): void {
  writeConnectorFiles(ws, name, {
    deployOptions: { regions, pollIntervalSeconds: 1 },
    operations: { list_items: { inputFields: '  query: string;\n', result: '{ items: [{ id: input.query }] }', title: 'List items' } },
  });
}

describe('nx run-many -t deploy --batch: every connector at once, paced, each task its own result', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 1500, rateLimit: { perSecond: LIMIT } });
    env = { ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined, GITHUB_STEP_SUMMARY: undefined };
    ws = createTestWorkspace('batch-deploy', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive', { env });
    for (const c of CONNECTORS) writeConnector(ws, c.name, c.regions);
    ws.commit('five connectors');
  });
  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
  });

  it('fails only the failing connector’s task, with Tray’s reason; the others deploy once per region, never over the limit', async () => {
    // Built first (as CI does): the deploy tasks' builds are then cache hits, done at once, and Nx gives
    // every deploy task to one batch (a deploy whose build is still running would join a later batch).
    const built = await ws.nxAsync('run-many -t build --outputStyle=static', { env });
    expect(built.code).toBe(0);
    emu.failDeployments(1, { name: FAILING, reason: { message: TRAY_REASON } });
    const r = await ws.nxAsync('run-many -t deploy --batch --outputStyle=static', {
      env: { ...env, GITHUB_STEP_SUMMARY: `${ws.root}/summary.md` },
    });
    expect(r.code).not.toBe(0);

    // the failing task: Tray's words and its own re-deploy command, in its own output
    expect(r.output).toContain(`Tray reports deployment`);
    expect(r.output).toContain(`of ${FAILING} 1.0 Failed. Tray says: message: ${TRAY_REASON}.`);
    expect(r.output).toContain(`Deploy of ${FAILING} 1.0 failed in us (1 of 2 regions ok).`);
    expect(r.output).toContain(`Re-deploy only the failed region: nx run ${FAILING}:deploy --regions=us`);
    expect(r.output).toMatch(new RegExp(`Failed tasks:[\\s\\S]*${FAILING}:deploy`));
    expect(r.output).not.toMatch(/Failed tasks:[\s\S]*(alpha|beta|delta|epsilon):deploy/);

    for (const c of CONNECTORS) {
      const result = JSON.parse(ws.read(`connectors/${c.name}/.tray/deploy-result.json`));
      expect(result).toMatchObject({ project: c.name, connector: c.name, success: c.name !== FAILING });
      expect(result.regions.map((x: { region: string }) => x.region)).toEqual(c.regions);
      if (c.name !== FAILING) expect(r.output).toContain(`Deploy of ${c.name} 1.0: ${c.regions.length}/${c.regions.length} region`);
    }
    const summary = ws.read('summary.md');
    for (const c of CONNECTORS) expect(summary).toContain(`${c.name} 1.0 (${c.name})`);

    // one deploy per connector per region, all accepted; never over the emulator's limit
    const deploys = emu.requests.filter((q) => q.kind === 'deploy').map((q) => `${q.connectorName}:${q.region}`);
    expect(deploys.sort()).toEqual(CONNECTORS.flatMap((c) => c.regions.map((region) => `${c.name}:${region}`)).sort());
    const rates = emu.rates();
    expect(rates.overall.rateLimited).toBe(0);
    for (const region of ['us', 'eu', 'apac'] as const) expect(rates.regions[region].maxPerSecond).toBeLessThanOrEqual(LIMIT);
    // one batch, all at once: every deploy request arrived before the first status request
    const firstStatus = emu.requests.findIndex((q) => q.kind === 'status');
    expect(emu.requests.slice(0, firstStatus).filter((q) => q.kind === 'deploy')).toHaveLength(deploys.length);
  });
});

/**
 * Issue 19.9: Ctrl-C typed in the terminal nx runs in (a pseudo-terminal): the terminal sends SIGINT to
 * the whole foreground process group (npx, nx, its batch worker). Every region of every task still in flight is listed with its deployment and status URL
 * (or "sent, no answer yet"), each task writes its deploy-result.json, and the run exits 130.
 */
describe('nx run-many -t deploy --batch, interrupted with Ctrl-C', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  const env = () => ({ ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined, GITHUB_STEP_SUMMARY: undefined });
  /** Types Ctrl-C once `inFlight()` holds and returns how the command ended; if it never holds, stops it and fails. */
  const ctrlCWhen = async (started: ReturnType<TestWorkspace['nxInTerminal']>, inFlight: () => boolean, what: string) => {
    const deadline = Date.now() + 5 * 60 * 1000;
    while (!inFlight()) {
      if (Date.now() > deadline) {
        started.ctrlC();
        started.ctrlC();
        throw new Error(`${what}:\n${(await started.done).output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    started.ctrlC();
    return started.done;
  };

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 10 * 60 * 1000 });
    ws = createTestWorkspace('batch-interrupt', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive');
    for (const c of CONNECTORS) writeConnector(ws, c.name, c.regions);
    // In a terminal Nx 24 first asks whether to share usage data; the answer a workspace keeps is in nx.json.
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), analytics: false }, null, 2));
    ws.commit('five connectors');
  });
  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
  });

  it('lists every region in flight, writes each task’s deploy-result.json and exits 130', async () => {
    expect((await ws.nxAsync('run-many -t build --outputStyle=static', { env: env() })).code).toBe(0);
    // The first EU deploy request gets no answer: that region is "sent, no answer yet"; every other one is Deploying.
    emu.hangNext(1, { region: 'eu', kind: 'deploy' });
    const expected = CONNECTORS.flatMap((c) => c.regions.map((region) => `${c.name}:${region}`));
    const asked = (kind: string) => new Set(emu.requests.filter((q) => q.kind === kind).map((q) => `${q.connectorName}:${q.region}`));
    const r = await ctrlCWhen(
      ws.nxInTerminal('run-many -t deploy --batch --outputStyle=static', { env: env() }),
      // every region sent; all but the held one polled
      () => asked('deploy').size >= expected.length && asked('status').size >= expected.length - 1,
      'the deploys did not all start',
    );

    expect(r.code).toBe(130);
    const held = expected.filter((x) => !asked('status').has(x));
    expect(held).toHaveLength(1);
    for (const c of CONNECTORS) {
      for (const region of c.regions) {
        if (held[0] === `${c.name}:${region}`) {
          expect(r.output).toContain(
            `${c.name}: ${region}: deploy request sent, no answer yet; check GET ${emu.urlFor(region as 'eu')}/cdk/v1/deployments/connectors/${c.name}/versions/1.0/latest`,
          );
          continue;
        }
        const d = emu.deployments.find((x) => x.name === c.name && x.region === region)!;
        expect(r.output).toContain(
          `${c.name}: ${region}: deployment ${d.id} (Deploying), status ${emu.urlFor(region as 'eu')}/cdk/v1/deployments/connectors/${c.name}/versions/1.0/${d.id}`,
        );
      }
      const result = JSON.parse(ws.read(`connectors/${c.name}/.tray/deploy-result.json`));
      expect(result).toMatchObject({ project: c.name, success: false, interrupted: 'SIGINT' });
      expect(result.regions.map((x: { region: string }) => x.region)).toEqual(c.regions);
    }
  });

  it('a single deploy interrupted while its POST is held open says "sent, no answer yet" and exits 130', async () => {
    emu.hangNext(1, { region: 'us', kind: 'deploy' });
    const before = emu.requests.length;
    const r = await ctrlCWhen(
      ws.nxInTerminal('deploy beta --outputStyle=static', { env: env() }),
      () => emu.requests.slice(before).some((q) => q.kind === 'deploy' && q.connectorName === 'beta'),
      'the deploy did not start',
    );
    expect(r.code).toBe(130);
    expect(r.output).toContain(
      `beta: us: deploy request sent, no answer yet; check GET ${emu.urlFor('us')}/cdk/v1/deployments/connectors/beta/versions/1.0/latest`,
    );
    expect(JSON.parse(ws.read('connectors/beta/.tray/deploy-result.json'))).toMatchObject({
      project: 'beta',
      success: false,
      interrupted: 'SIGINT',
    });
  });
});
