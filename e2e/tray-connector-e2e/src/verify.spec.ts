import axios from 'axios';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { writeConnectorFiles } from './support/connector-files';
import { createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 20: `verify` in a fresh workspace with the packed plugin, against the emulator's Connectivity
 * API, two regions. After a deploy, verify is green in both. Then region us is redeployed from another
 * commit (a branch where list_contacts lost its optional `page` input); back on main, verify is red,
 * naming us, the operation and the JSON path, while eu stays in sync.
 */

jest.setTimeout(15 * 60 * 1000);

const A = '  query: string;\n  /** @title Page */\n  page?: number;\n';
const B = '  query: string;\n';
const DIR = 'connectors/alpha';

describe('verify: what each region serves against the build', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let summary: string;

  const writeAlpha = (inputFields: string) =>
    writeConnectorFiles(ws, 'alpha', {
      deployOptions: { regions: ['us', 'eu'], pollIntervalSeconds: 1 },
      operations: { list_contacts: { inputFields, result: '{ items: [{ id: input.query }] }', title: 'List contacts' } },
    });
  const nx = (args: string) => ws.nxAsync(`${args} --outputStyle=static`, { env });
  const operationsRequests = () => emu.requests.filter((r) => r.kind === 'operations');

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 200 });
    ws = createTestWorkspace('verify', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    summary = path.join(ws.root, '..', `${path.basename(ws.root)}-summary.md`);
    env = { ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined, GITHUB_STEP_SUMMARY: summary };
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive', { env });
    writeAlpha(A);
    ws.commit('alpha: list_contacts with paging');
  });
  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
    fs.rmSync(summary, { force: true });
  });

  it('is an inferred target, never cached, after the build', () => {
    const shown = ws.nx('show project alpha --json', { env });
    expect(shown.code === 0 ? '' : shown.output).toBe('');
    const verify = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('{'))).targets.verify;
    expect(verify).toMatchObject({ executor: 'tray-connector:verify', cache: false, dependsOn: ['build'] });
  });

  it('is red before anything is deployed (not deployed in us and eu), then green after the deploy, with one GET per region', async () => {
    const before = await nx('run alpha:verify');
    expect(before.code).not.toBe(0);
    expect(before.output).toMatch(/us\s+not deployed/);
    expect(before.output).toMatch(/eu\s+not deployed/);

    const deploy = await nx('run alpha:deploy');
    expect(deploy.code === 0 ? '' : deploy.output).toBe('');
    expect(emu.deployments.map((d) => `${d.region}:${d.status}`).sort()).toEqual(['eu:Deployed', 'us:Deployed']);

    const requestsBefore = operationsRequests().length;
    const green = await nx('run alpha:verify');
    expect(green.code === 0 ? '' : green.output).toBe('');
    expect(green.output).toMatch(/us\s+in sync/);
    expect(green.output).toMatch(/eu\s+in sync/);
    expect(
      operationsRequests()
        .slice(requestsBefore)
        .map((r) => `${r.method} ${r.path} ${r.status}`)
        .sort(),
    ).toEqual([
      'GET /eu/core/v1/connectors/alpha/versions/1.0/operations 200',
      'GET /us/core/v1/connectors/alpha/versions/1.0/operations 200',
    ]);
    const result = JSON.parse(ws.read(`${DIR}/.tray/verify-result.json`));
    expect(result).toMatchObject({
      project: 'alpha',
      connector: 'alpha',
      version: '1.0',
      success: true,
      localOperations: ['list_contacts'],
    });
    expect(fs.readFileSync(summary, 'utf8')).toContain('### ✅ Verify of alpha 1.0 (alpha): 2/2 regions in sync');
    // Never replayed from a cache: run again, it asks Tray again.
    const again = await nx('run alpha:verify');
    expect(again.code).toBe(0);
    expect(operationsRequests().length - requestsBefore).toBe(4);
  });

  it('one region redeployed from another commit: verify on main is red, naming that region, the operation and the JSON path', async () => {
    ws.mustRun('git checkout -q -b feature');
    writeAlpha(B);
    ws.commit('alpha: no paging');
    const build = await nx('run alpha:build');
    expect(build.code === 0 ? '' : build.output).toBe('');
    const deployedBefore = emu.deployments.length;
    const pluginDeploySchema = JSON.parse(ws.read('node_modules/tray-connector/src/executors/deploy/schema.json'));
    if (pluginDeploySchema.properties.allowBreakingChanges) {
      // The breaking-change guard is in the plugin: this deploy breaks what us serves, so it needs the flag.
      const redeploy = await nx('run alpha:deploy --regions=us --allowBreakingChanges');
      expect(redeploy.code === 0 ? '' : redeploy.output).toBe('');
    } else {
      // No guard in this plugin yet: send the other commit's zip to us the way deploy does.
      const zip = fs.readFileSync(path.join(ws.root, DIR, '.tray/connector.zip'));
      const res = await axios.post(
        `${emu.urlFor('us')}/cdk/v1/deployments/connectors/alpha/versions/1.0/deploy-connector-from-source`,
        { connectorSourceCode: zip.toString('base64') },
        { headers: { Authorization: `Bearer ${emu.tokens.us}` }, proxy: false },
      );
      expect(res.status).toBe(200);
      while (emu.deployments.find((d) => d.id === res.data.id)?.status === 'Deploying') await new Promise((r) => setTimeout(r, 50));
    }
    expect(emu.deployments.slice(deployedBefore).map((d) => `${d.region}:${d.status}`)).toEqual(['us:Deployed']);

    ws.mustRun('git checkout -q main');
    const red = await nx('run alpha:verify');
    expect(red.code).not.toBe(0);
    expect(red.output).toMatch(/us\s+DRIFT\s+1/);
    expect(red.output).toMatch(/eu\s+in sync/);
    expect(red.output).toMatch(/drift\s+list_contacts\s+\$\.inputSchema\.properties\.page\s+added: /);
    expect(red.output).toContain('us: drift in list_contacts: deploy this build there (nx run alpha:deploy --regions=us)');
    const result = JSON.parse(ws.read(`${DIR}/.tray/verify-result.json`));
    expect(result.success).toBe(false);
    expect(result.regions.map((r: { region: string; state: string }) => `${r.region}:${r.state}`)).toEqual(['us:drift', 'eu:in-sync']);
    expect(result.regions[0].differences).toEqual([
      expect.objectContaining({ operation: 'list_contacts', path: '$.inputSchema.properties.page', breaking: false }),
    ]);
    expect(fs.readFileSync(summary, 'utf8')).toContain('### ❌ Verify of alpha 1.0 (alpha): 1/2 regions in sync');

    const json = await nx('run alpha:verify --json');
    expect(json.code).not.toBe(0);
    const line = json.stdout.split('\n').find((l) => l.startsWith('{"project"'));
    expect(JSON.parse(line!)).toEqual({ ...result, checkedAt: expect.any(String) });
  });
});
