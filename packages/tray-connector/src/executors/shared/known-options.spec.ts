import * as fs from 'fs';
import * as path from 'path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { TOKENS, captureOutput, emulatorEnv, useTrayEnv, writeConnectorZip } from '../../core/__fixtures__/deploy-kit';
import { batchContext, batchTaskGraph, collectBatch } from './__fixtures__/batch-run';
import { connectorWorkspace, PROJECT, ROOT } from './__fixtures__/connector-workspace';

const PACKAGE_ROOT = path.resolve(__dirname, '../../..');
const executorsJson: { executors: Record<string, { implementation: string; batchImplementation?: string; schema: string }> } = JSON.parse(
  fs.readFileSync(path.join(PACKAGE_ROOT, 'executors.json'), 'utf8'),
);
type Single = (options: object, context: ExecutorContext) => Promise<{ success: boolean }>;
type Batch = (
  graph: TaskGraph,
  inputs: Record<string, object>,
  overrides: object,
  context: ExecutorContext,
) => AsyncIterable<{ task: string; result: { success: boolean; terminalOutput: string } }>;
const load = <T>(file: string): T => require(path.join(PACKAGE_ROOT, file)).default as T;

/**
 * Every executor executors.json lists, single and batch: an option its schema does not know is refused,
 * naming the nearest known one, before any request (the emulator sees none) and before any file is written.
 */
describe.each(Object.entries(executorsJson.executors))('tray-connector:%s refuses unknown options', (name, entry) => {
  let emu: Emulator;
  let ws: ReturnType<typeof connectorWorkspace>;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  const zip = () => path.join(ws.root, ROOT, '.tray/connector.zip');
  const schema = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, entry.schema), 'utf8'));
  // A known option each of them has, spelt in the wrong case, and one Nx passes on (Nx 23's --explain).
  const known = Object.keys(schema.properties).find((k) => /[A-Z]/.test(k)) ?? Object.keys(schema.properties)[0];
  const typo = known.toLowerCase() === known ? `${known}s` : known.toLowerCase();

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 10 });
    ws = connectorWorkspace({ deployRegions: ['us'], targetName: name });
    writeConnectorZip(zip(), { name: 'acme-crm', version: '1.0' });
    restoreEnv = useTrayEnv(emulatorEnv(emu));
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
  });

  const before = () => fs.readFileSync(zip());
  const expectNothingDone = (zipBefore: Buffer) => {
    expect(emu.requests).toEqual([]);
    expect(fs.readFileSync(zip()).equals(zipBefore)).toBe(true);
    expect(fs.readdirSync(path.join(ws.root, ROOT, '.tray'))).toEqual(['connector.zip']);
  };

  it(`single: --${typo} and --explain`, async () => {
    const run = load<Single>(entry.implementation);
    const zipBefore = before();
    await expect(run({ [typo]: true, regions: ['us'] }, ws.context)).resolves.toEqual({ success: false });
    await expect(run({ explain: true }, ws.context)).resolves.toEqual({ success: false });
    const text = output.text();
    expect(text).toContain(`Unknown option --${typo} for tray-connector:${name}: did you mean --${known}?`);
    expect(text).toContain(`Unknown option --explain for tray-connector:${name}`);
    expectNothingDone(zipBefore);
  });

  const batchIt = entry.batchImplementation ? it : it.skip;
  batchIt(`batch: a task with --${typo} fails alone with the message, nothing sent`, async () => {
    const run = load<Batch>(entry.batchImplementation as string);
    const graph = batchTaskGraph(name, [PROJECT]);
    const context = batchContext(ws.root, ws.context.projectsConfigurations.projects, graph);
    const zipBefore = before();
    const results = await collectBatch(run(graph, { [`${PROJECT}:${name}`]: { [typo]: true, regions: ['us'] } }, {}, context));
    expect(results.map((r) => r.task)).toEqual([`${PROJECT}:${name}`]);
    expect(results[0].result.success).toBe(false);
    expect(results[0].result.terminalOutput).toContain(`Unknown option --${typo} for tray-connector:${name}: did you mean --${known}?`);
    expectNothingDone(zipBefore);
  });
});
