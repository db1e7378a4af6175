import { startEmulator, type Emulator } from 'tray-api-emulator';
import { writeConnectorFiles } from './support/connector-files';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 20, items 2 and 3 (the deploy side): in a fresh workspace with the packed plugin and an
 * emulator serving two regions, `deploy` reads what each region serves at the connector's name and
 * version before any upload: a removed output field is refused where it is deployed (no upload
 * there) while the other region deploys; `--allowBreakingChanges` deploys it; a new optional input
 * deploys; a breaking change with a new version in connector.json deploys.
 */

jest.setTimeout(15 * 60 * 1000);

const NAME = 'acme-crm';
const DIR = `connectors/${NAME}`;
const OUTPUT = (fields: string) => `export type ListItemsOutput = {\n  items: {\n${fields}  }[];\n};\n`;

describe('deploy refuses a breaking change before any upload, region by region', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;

  /** `nx run acme-crm:deploy` (built first by dependsOn); the requests the emulator got meanwhile. */
  const deploy = async (args = '') => {
    const mark = emu.requests.length;
    const r = await ws.nxAsync(`run ${NAME}:deploy ${args} --outputStyle=static`, { env });
    const requests = emu.requests.slice(mark);
    return { ...r, requests, uploads: requests.filter((q) => q.kind === 'deploy').map((q) => `${q.region} ${q.connectorVersion}`) };
  };

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 300 });
    env = { ...emu.env(['us', 'eu']), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined, GITHUB_STEP_SUMMARY: undefined };
    ws = createTestWorkspace('breaking-guard', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive', { env });
    writeConnectorFiles(ws, NAME, {
      deployOptions: { regions: ['us', 'eu'], pollIntervalSeconds: 1 },
      operations: { list_items: { inputFields: '  query: string;\n', title: 'List items' } },
    });
    ws.write(`${DIR}/src/list_items/output.ts`, OUTPUT('    id: string;\n    name: string;\n'));
    ws.commit('acme-crm 1.0');
  });
  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
  });

  it('first deploy to us only: us serves acme-crm 1.0 with items[].name', async () => {
    const r = await deploy('--regions=us');
    expect(r.code === 0 ? '' : r.output).toBe('');
    expect(r.uploads).toEqual(['us 1.0']);
    expect(r.requests.filter((q) => q.kind === 'operations').map((q) => `${q.region} ${q.status}`)).toEqual(['us 404']);
  });

  it('a removed output field is refused in us before any upload; eu (nothing deployed there) deploys; the exit code says so', async () => {
    ws.write(`${DIR}/src/list_items/output.ts`, OUTPUT('    id: string;\n'));
    ws.commit('list_items output without name');
    const r = await deploy();
    expect(r.code).not.toBe(0);
    expect(r.uploads).toEqual(['eu 1.0']);
    expect(
      r.requests
        .filter((q) => q.kind === 'operations')
        .map((q) => `${q.region} ${q.status}`)
        .sort(),
    ).toEqual(['eu 404', 'us 200']);
    expect(r.output).toContain('us: refused before any upload: acme-crm 1.0 as built would break what us serves at the same version');
    expect(r.output).toMatch(/list_items \$\.outputSchema\S*name\S*: /);
    expect(r.output).toContain(`nx run ${NAME}:deploy --regions=us --allowBreakingChanges`);
    const result = JSON.parse(ws.read(`${DIR}/.tray/deploy-result.json`));
    expect(result.success).toBe(false);
    expect(result.regions).toEqual([
      expect.objectContaining({
        region: 'us',
        ok: false,
        refused: true,
        breakingChanges: [expect.objectContaining({ operation: 'list_items' })],
      }),
      expect.objectContaining({ region: 'eu', ok: true, status: 'Deployed' }),
    ]);
  });

  it('--allowBreakingChanges deploys it (with a warning naming the change)', async () => {
    const r = await deploy('--allowBreakingChanges');
    expect(r.code === 0 ? '' : r.output).toBe('');
    expect(r.uploads.sort()).toEqual(['eu 1.0', 'us 1.0']);
    expect(r.output).toContain('us: deploying acme-crm 1.0 with 1 breaking change(s) to what us serves (allowBreakingChanges)');
  });

  it('a new optional input deploys', async () => {
    ws.write(`${DIR}/src/list_items/input.ts`, 'export type ListItemsInput = {\n  query: string;\n  locale?: string;\n};\n');
    ws.commit('list_items: optional locale');
    const r = await deploy();
    expect(r.code === 0 ? '' : r.output).toBe('');
    expect(r.uploads.sort()).toEqual(['eu 1.0', 'us 1.0']);
  });

  it('a breaking change with a new version in connector.json deploys (that version is not deployed anywhere yet)', async () => {
    ws.write(`${DIR}/src/list_items/input.ts`, 'export type ListItemsInput = {\n  query: string;\n  locale: string;\n};\n');
    const config = JSON.parse(ws.read(`${DIR}/connector.json`));
    ws.write(`${DIR}/connector.json`, JSON.stringify({ ...config, version: '2.0' }, null, 2) + '\n');
    ws.commit('acme-crm 2.0: locale required');
    const r = await deploy();
    expect(r.code === 0 ? '' : r.output).toBe('');
    expect(r.uploads.sort()).toEqual(['eu 2.0', 'us 2.0']);
    expect(
      r.requests
        .filter((q) => q.kind === 'operations')
        .map((q) => `${q.region} ${q.connectorVersion} ${q.status}`)
        .sort(),
    ).toEqual(['eu 2.0 404', 'us 2.0 404']);
  });
});
