import { startEmulator, type Emulator, type EmulatorDeployment } from 'tray-api-emulator';
import { writeConnectorFiles } from './support/connector-files';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 9, point 1: no deploy is ever replayed from a cache. In a fresh workspace with the packed
 * plugin, connector alpha is deployed with content A, then B, then `git revert` brings A back:
 * `nx affected -t deploy` must send A again (Tray runs B until it does), while the build of A is
 * still a cache hit and an unchanged workspace sends nothing. The revert removes an input B added, so
 * the breaking-change guard refuses it first; with --allowBreakingChanges it is deployed.
 */

jest.setTimeout(15 * 60 * 1000);

/** Connector alpha (regions us and eu) with one operation whose input has `inputFields`. */
function writeAlpha(ws: TestWorkspace, inputFields: string): void {
  writeConnectorFiles(ws, 'alpha', {
    deployOptions: { regions: ['us', 'eu'] },
    operations: {
      list_contacts: {
        inputFields,
        title: 'List contacts',
        result: '{ items: [{ id: input.query }] }',
        handlerName: 'listContactsHandler',
      },
    },
  });
}

const A = '  query: string;\n';
const B = '  query: string;\n  /** @title Page */\n  page?: number;\n';

describe('a revert is deployed: A -> B -> git revert ends with A running in every region', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;

  const nx = async (args: string) => {
    const r = await ws.nxAsync(`${args} --outputStyle=static`, { env });
    if (r.code !== 0) throw new Error(`nx ${args} exited ${r.code} in ${ws.root}\n${r.output}`);
    return r;
  };
  /** Runs nx and returns the deployments the emulator accepted meanwhile, and how many deploy requests it saw. */
  const deploysDuring = async (args: string) => {
    const before = emu.deployments.length;
    const requestsBefore = emu.requests.filter((r) => r.kind === 'deploy').length;
    const r = await nx(args);
    return {
      r,
      deployments: emu.deployments.slice(before),
      requests: emu.requests.filter((q) => q.kind === 'deploy').length - requestsBefore,
    };
  };
  /** What Tray runs now in a region: its last deployment that ended Deployed. */
  const running = (region: 'us' | 'eu'): EmulatorDeployment | undefined =>
    [...emu.deployments].reverse().find((d) => d.region === region && d.name === 'alpha' && d.status === 'Deployed');
  const head = () => ws.mustRun('git rev-parse HEAD').stdout.trim();

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 50 });
    env = { ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined };
    ws = createTestWorkspace('revert', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive', { env });
    ws.commit('tray-connector init');
  });
  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
  });

  let shaA: string;
  let shaB: string;
  let lastDeployed: string;

  it('deploys A to us and eu', async () => {
    writeAlpha(ws, A);
    ws.commit('alpha: A');
    const { deployments } = await deploysDuring('affected -t deploy --base=HEAD~1');
    expect(deployments.map((d) => d.region).sort()).toEqual(['eu', 'us']);
    shaA = deployments[0].zipSha256;
    expect(deployments[1].zipSha256).toBe(shaA);
    expect(running('us')?.zipSha256).toBe(shaA);
    lastDeployed = head();
  });

  it('deploys B over it', async () => {
    writeAlpha(ws, B);
    ws.commit('alpha: B (paging)');
    const { deployments } = await deploysDuring(`affected -t deploy --base=${lastDeployed}`);
    expect(deployments.map((d) => d.region).sort()).toEqual(['eu', 'us']);
    shaB = deployments[0].zipSha256;
    expect(shaB).not.toBe(shaA);
    expect(running('eu')?.zipSha256).toBe(shaB);
    lastDeployed = head();
  });

  it('git revert of B deploys A again: the zip reaches Tray although A was deployed before and its build is a cache hit', async () => {
    ws.mustRun('git revert --no-edit HEAD');
    // Reverting B removes the input "page" that workflows on alpha 1.0 may now send: the
    // breaking-change guard (issue 20) refuses it before any upload, naming the way on.
    const uploadsBefore = emu.requests.filter((q) => q.kind === 'deploy').length;
    const refused = await ws.nxAsync(`affected -t deploy --base=${lastDeployed} --outputStyle=static`, { env });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('list_contacts $.inputSchema.properties.page: input property "page" removed');
    expect(refused.output).toContain('--allowBreakingChanges');
    expect(emu.requests.filter((q) => q.kind === 'deploy').length).toBe(uploadsBefore);
    // The team means it: the revert is deployed anyway, and its zip must reach Tray.
    const { r, deployments, requests } = await deploysDuring(`affected -t deploy --base=${lastDeployed} --allowBreakingChanges`);
    expect(requests).toBe(2);
    expect(deployments.map((d) => `${d.region}:${d.zipSha256 === shaA ? 'A' : d.zipSha256 === shaB ? 'B' : '?'}`).sort()).toEqual([
      'eu:A',
      'us:A',
    ]);
    // What Tray runs now, in every region of the project, is A.
    expect(running('us')?.zipSha256).toBe(shaA);
    expect(running('eu')?.zipSha256).toBe(shaA);
    // The build stays cached: A's zip came from Nx's cache, the deploy ran anyway.
    expect(r.output).toMatch(/nx run alpha:build\s+\[(local cache|existing outputs match the cache)/);
    expect(r.output).not.toMatch(/nx run alpha:deploy\s+\[(local cache|existing outputs match the cache)/);
    lastDeployed = head();
  });

  it('an unchanged workspace with --base=<last deployed commit> sends nothing', async () => {
    const { requests, r } = await deploysDuring(`affected -t deploy --base=${lastDeployed}`);
    expect(requests).toBe(0);
    expect(r.output).not.toMatch(/nx run alpha:deploy/);
  });

  it('a deploy run again explicitly is sent again, never replayed from the cache', async () => {
    const { deployments } = await deploysDuring('run alpha:deploy');
    expect(deployments.map((d) => `${d.region}:${d.zipSha256 === shaA ? 'A' : '?'}`).sort()).toEqual(['eu:A', 'us:A']);
  });
});
