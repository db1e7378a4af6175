import * as fs from 'fs';
import * as path from 'path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, captureOutput, emulatorEnv, expectNoToken, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { resetPacers } from '../../core/tray-api/tray-pacer';
import { connectorWorkspace, PROJECT, ROOT } from '../shared/__fixtures__/connector-workspace';
import deployBatch, { type BatchTaskResult } from './batch';
import deployExecutor from './executor';
import type { DeployExecutorSchema } from './schema';

const INPUT = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false, advanced: [] };
const OUTPUT = {
  type: 'object',
  properties: { id: { type: 'string' }, email: { type: 'string' } },
  required: ['id', 'email'],
  additionalProperties: false,
  advanced: [],
};
const POORER_OUTPUT = { ...OUTPUT, properties: { id: { type: 'string' } }, required: ['id'] };

/** acme-crm 1.0 with one operation, get_contact, whose output is `output`. */
function zipWith(file: string, output: object): string {
  return writeConnectorZip(file, {
    name: 'acme-crm',
    version: '1.0',
    extra: {
      'src/get_contact/operation.json': JSON.stringify({ name: 'get_contact', title: 'Get contact', description: 'By id' }),
      'src/get_contact/input.json': JSON.stringify(INPUT),
      'src/get_contact/output.json': JSON.stringify(output),
    },
  });
}

describe('tray-connector:deploy executor: the breaking-change guard', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  let summary: string;
  const zipPath = () => path.join(ws.root, ROOT, '.tray/connector.zip');
  const run = (options: DeployExecutorSchema = {}) =>
    deployExecutor({ regions: ['us', 'eu'], pollIntervalSeconds: 0.02, ...options }, ws.context);
  const readResult = () => JSON.parse(fs.readFileSync(path.join(ws.root, ROOT, '.tray/deploy-result.json'), 'utf8'));

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 20 });
    ws = connectorWorkspace({ deployRegions: ['us', 'eu'], targetName: 'deploy' });
    summary = path.join(ws.root, 'step-summary.md');
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    output = captureOutput();
    // us serves acme-crm 1.0 with get_contact giving id and email; eu serves nothing.
    zipWith(zipPath(), OUTPUT);
    await expect(run({ regions: ['us'] })).resolves.toEqual({ success: true });
    zipWith(zipPath(), POORER_OUTPUT);
    emu.requests.length = 0;
    process.env.GITHUB_STEP_SUMMARY = summary;
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    resetPacers();
    fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it('is on by default: refuses us before any upload, deploys eu, exits non-zero, records the refusal in deploy-result.json and the step summary', async () => {
    await expect(run()).resolves.toEqual({ success: false });
    expect(emu.requests.filter((r) => r.method === 'POST').map((r) => `${r.region} ${r.kind}`)).toEqual(['eu deploy']);
    const text = output.text();
    expect(text).toContain('us: refused before any upload: acme-crm 1.0 as built would break what us serves at the same version');
    expect(text).toMatch(/get_contact \$\.outputSchema\S* *: /);
    expect(text).toContain(
      `Refused before any upload in us: bump "version" in connector.json, or deploy the breaking change anyway: nx run ${PROJECT}:deploy --regions=us --allowBreakingChanges`,
    );
    expect(text).not.toContain('Re-deploy only');
    expect(text).toMatch(/us\s+-\s+Refused \(breaking change\)/);
    expect(text).toMatch(/eu\s+\S+\s+Deployed/);

    const result = readResult();
    expect(result.success).toBe(false);
    const us = result.regions.find((r: { region: string }) => r.region === 'us');
    expect(us).toMatchObject({ ok: false, refused: true, status: 'Refused (breaking change)' });
    expect(us.breakingChanges).toEqual([
      expect.objectContaining({ operation: 'get_contact', path: expect.stringMatching(/^\$\.outputSchema/) }),
    ]);
    expect(result.regions.find((r: { region: string }) => r.region === 'eu')).toMatchObject({ ok: true, status: 'Deployed' });
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain('**us: refused before any upload** (1 breaking change(s)):');
    expect(md).toMatch(/- `get_contact` `\$\.outputSchema[^`]*`: /);
    expect(md).toContain('Bump `version` in connector.json, or deploy anyway with `--allowBreakingChanges`.');
  });

  it('--allowBreakingChanges deploys it; --checkBreakingChanges=false reads nothing', async () => {
    await expect(run({ regions: ['us'], allowBreakingChanges: true })).resolves.toEqual({ success: true });
    expect(output.text()).toContain('us: deploying acme-crm 1.0 with 1 breaking change(s) to what us serves (allowBreakingChanges)');
    emu.requests.length = 0;
    await expect(run({ regions: ['us'], checkBreakingChanges: 'false' as unknown as boolean })).resolves.toEqual({ success: true });
    expect(emu.requests.map((r) => r.kind)).not.toContain('operations');
  });

  it('--checkBreakingChanges=strict refuses a region whose listing the token named by connectivityTokenEnv may not read', async () => {
    process.env.TRAY_READ_US = 'tok-read-wrong-5555';
    await expect(run({ regions: ['us'], checkBreakingChanges: 'strict', connectivityTokenEnv: { us: 'TRAY_READ_US' } })).resolves.toEqual({
      success: false,
    });
    expect(output.text()).toContain('Tray refused the token from TRAY_READ_US (HTTP 401 Unauthorized)');
    expect(output.text()).toContain('the strict breaking-change check could not read what it serves');
    expect(output.text()).not.toContain('tok-read-wrong-5555');
    expect(emu.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(readResult().regions[0]).toMatchObject({ refused: true, status: 'Refused (check failed)', breakingChanges: [] });
  });

  it('an invalid checkBreakingChanges is an error naming the option, before any request', async () => {
    await expect(run({ checkBreakingChanges: 'sometimes' as unknown as boolean })).resolves.toEqual({ success: false });
    expect(output.text()).toContain('"checkBreakingChanges" must be true, false or "strict"; got "sometimes"');
    expect(emu.requests).toHaveLength(0);
  });

  it('--dryRun reports what would be refused (one GET per region and one confirming a 404, no upload) and exits non-zero', async () => {
    await expect(run({ dryRun: true })).resolves.toEqual({ success: false });
    expect(emu.requests.map((r) => `${r.region} ${r.method} ${r.kind}`).sort()).toEqual([
      'eu GET connectors',
      'eu GET operations',
      'us GET operations',
    ]);
    expect(output.text()).toContain('[dry run] us: refused before any upload');
    expect(readResult()).toMatchObject({ dryRun: true, success: false });
  });

  it('--batch: the refused task fails alone, the other deploys', async () => {
    const other = path.join(ws.root, 'connectors/other');
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'connector.json'), JSON.stringify({ name: 'other', version: '1.0', title: 'Other' }));
    writeConnectorZip(path.join(other, '.tray/connector.zip'), { name: 'other', version: '1.0' });
    const projects = ws.context.projectsConfigurations!.projects;
    projects.other = { ...projects[PROJECT], root: 'connectors/other' };
    const tasks = Object.fromEntries(
      [PROJECT, 'other'].map((p) => [`${p}:deploy`, { id: `${p}:deploy`, target: { project: p, target: 'deploy' }, overrides: {} }]),
    ) as unknown as TaskGraph['tasks'];
    const taskGraph = { roots: Object.keys(tasks), tasks, dependencies: {}, continuousDependencies: {} } as unknown as TaskGraph;
    const inputs = Object.fromEntries(Object.keys(tasks).map((id) => [id, { regions: ['us'], pollIntervalSeconds: 0.02 }]));
    const results: BatchTaskResult[] = [];
    for await (const r of deployBatch(taskGraph, inputs, {}, { ...ws.context, taskGraph } as ExecutorContext)) results.push(r);
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask[`${PROJECT}:deploy`].success).toBe(false);
    expect(byTask[`${PROJECT}:deploy`].terminalOutput).toContain('us: refused before any upload');
    expect(byTask['other:deploy'].success).toBe(true);
    expect(emu.requests.filter((r) => r.method === 'POST').map((r) => r.connectorName)).toEqual(['other']);
  });
});
