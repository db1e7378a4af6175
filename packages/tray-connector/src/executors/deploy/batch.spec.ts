import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import {
  TOKENS,
  captureOutput,
  emulatorEnv,
  expectNoToken,
  tempDir,
  useTrayEnv,
  writeConnectorZip,
} from '../../core/__fixtures__/deploy-kit';
import { resetPacers } from '../../core/tray-api/tray-pacer';
import deployBatch, { type BatchTaskResult } from './batch';
import type { DeployExecutorSchema } from './schema';
import { batchContext, batchTaskGraph, collectBatch, projectRootOf } from '../shared/__fixtures__/batch-run';

const executors = require('../../../executors.json');

/** A workspace of several connectors and the task graph + inputs Nx's batch runner gives for `run-many -t deploy --batch`. */
function batchWorkspace(connectors: Array<{ name: string; regions: string[] }>) {
  const root = tempDir('tray-batch-ws-');
  const projects: Record<string, object> = {};
  const inputs: Record<string, DeployExecutorSchema> = {};
  for (const { name, regions } of connectors) {
    const projectRoot = projectRootOf(name);
    fs.mkdirSync(path.join(root, projectRoot), { recursive: true });
    fs.writeFileSync(path.join(root, projectRoot, 'connector.json'), JSON.stringify({ name, version: '1.0', title: name }));
    writeConnectorZip(path.join(root, projectRoot, '.tray/connector.zip'), { name, version: '1.0' });
    projects[name] = {
      root: projectRoot,
      targets: {
        build: { executor: 'tray-connector:build', options: { outputPath: '{projectRoot}/.tray/connector.zip' } },
        deploy: { executor: 'tray-connector:deploy', options: { regions } },
      },
    };
    inputs[`${name}:deploy`] = { regions, pollIntervalSeconds: 0.05 };
  }
  const taskGraph = batchTaskGraph(
    'deploy',
    connectors.map((c) => c.name),
  );
  return { root, taskGraph, inputs, context: batchContext(root, projects, taskGraph) };
}

const collect = (results: AsyncIterable<BatchTaskResult>) => collectBatch(results);

describe('tray-connector:deploy batch implementation', () => {
  let emu: Emulator;
  let ws: ReturnType<typeof batchWorkspace> | undefined;
  let output: ReturnType<typeof captureOutput>;
  let restoreEnv: () => void;
  let summary: string;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: TOKENS, deployDelayMs: 150, rateLimit: { perSecond: 25 } });
    summary = path.join(tempDir('tray-batch-summary-'), 'summary.md');
    restoreEnv = useTrayEnv({ ...emulatorEnv(emu), GITHUB_STEP_SUMMARY: summary });
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    restoreEnv();
    await emu.close();
    resetPacers();
    if (ws) fs.rmSync(ws.root, { recursive: true, force: true });
    expectNoToken(output.text());
  });

  it('is declared as the deploy executor’s batchImplementation', () => {
    expect(executors.executors.deploy.batchImplementation).toBe('./src/executors/deploy/batch');
    expect(executors.executors.deploy.preferBatch).toBeUndefined();
  });

  it('deploys every task at once; each result, output, deploy-result.json and summary section is its own; a failing connector fails only its task', async () => {
    ws = batchWorkspace([
      { name: 'alpha', regions: ['us', 'eu'] },
      { name: 'beta', regions: ['us'] },
      { name: 'gamma', regions: ['eu', 'apac'] },
      { name: 'delta', regions: ['us', 'apac'] },
    ]);
    emu.failDeployments(1, { name: 'beta', reason: { message: 'Connector beta failed its tests at Tray' } });
    const results = await collect(deployBatch(ws.taskGraph, ws.inputs, {}, ws.context));

    expect(results.map((r) => r.task).sort()).toEqual(['alpha:deploy', 'beta:deploy', 'delta:deploy', 'gamma:deploy']);
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask['alpha:deploy'].success).toBe(true);
    expect(byTask['gamma:deploy'].success).toBe(true);
    expect(byTask['delta:deploy'].success).toBe(true);
    expect(byTask['beta:deploy'].success).toBe(false);

    // each task's output names its own connector and regions only
    expect(byTask['alpha:deploy'].terminalOutput).toContain('Deploy of alpha 1.0: 2/2 regions ok');
    expect(byTask['alpha:deploy'].terminalOutput).not.toMatch(/beta|gamma|delta/);
    expect(byTask['gamma:deploy'].terminalOutput).toMatch(/apac\s+\S+\s+Deployed/);
    expect(byTask['beta:deploy'].terminalOutput).toContain('Tray says: message: Connector beta failed its tests at Tray.');
    expect(byTask['beta:deploy'].terminalOutput).toContain('Re-deploy only the failed region: nx run beta:deploy --regions=us');
    expect(byTask['beta:deploy'].terminalOutput).not.toMatch(/alpha|gamma|delta/);

    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      const result = JSON.parse(fs.readFileSync(path.join(ws.root, 'connectors', name, '.tray/deploy-result.json'), 'utf8'));
      expect(result).toMatchObject({ project: name, connector: name, success: name !== 'beta' });
    }
    const md = fs.readFileSync(summary, 'utf8');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) expect(md).toContain(`${name} 1.0 (${name})`);

    // one deploy per connector per region, all waiting at once, never over the emulator's limit
    expect(
      emu.requests
        .filter((r) => r.kind === 'deploy')
        .map((r) => `${r.connectorName}:${r.region}`)
        .sort(),
    ).toEqual(['alpha:eu', 'alpha:us', 'beta:us', 'delta:apac', 'delta:us', 'gamma:apac', 'gamma:eu']);
    expect(emu.rates().overall.rateLimited).toBe(0);
    const firstStatus = emu.requests.findIndex((r) => r.kind === 'status');
    expect(emu.requests.slice(0, firstStatus).filter((r) => r.kind === 'deploy')).toHaveLength(7);
  });

  it('yields each result as its task finishes, not all at the end', async () => {
    ws = batchWorkspace([
      { name: 'quick', regions: ['us'] },
      { name: 'slow', regions: ['eu'] },
    ]);
    ws.inputs['slow:deploy'] = { ...ws.inputs['slow:deploy'], zipPath: '{projectRoot}/missing.zip' };
    emu.setDeployDelayMs(600);
    const iterator = deployBatch(ws.taskGraph, ws.inputs, {}, ws.context);
    const first = await iterator.next();
    expect(first.value).toMatchObject({ task: 'slow:deploy', result: { success: false } });
    expect((first.value as BatchTaskResult).result.terminalOutput).toContain('missing.zip');
    // quick's deployment runs 600 ms at Tray: it has not finished (no result file yet) when slow's result arrives
    expect(fs.existsSync(path.join(ws.root, 'connectors/quick/.tray/deploy-result.json'))).toBe(false);
    const second = await iterator.next();
    expect(second.value).toMatchObject({ task: 'quick:deploy', result: { success: true } });
    expect((await iterator.next()).done).toBe(true);
  });

  it.each([
    ['SIGTERM', 'polling'],
    ['SIGINT', 'polling'],
    ['SIGINT', 'sending'],
  ] as const)(
    'on %s while %s, lists every region in flight of every task, writes each result file and fails each task',
    async (signal, when) => {
      ws = batchWorkspace([
        { name: 'alpha', regions: ['us', 'eu'] },
        { name: 'beta', regions: ['apac'] },
      ]);
      emu.setDeployDelayMs(60_000);
      if (when === 'sending') emu.hangNext(1, { region: 'apac', kind: 'deploy' });
      const exitCode = process.exitCode;
      try {
        const running = collect(deployBatch(ws.taskGraph, ws.inputs, {}, ws.context));
        const ready = () =>
          when === 'polling'
            ? emu.requests.filter((r) => r.kind === 'status').length >= 3
            : emu.requests.filter((r) => r.kind === 'status').length >= 2 && emu.requests.some((r) => r.region === 'apac');
        while (!ready()) await new Promise((r) => setTimeout(r, 20));
        process.emit(signal, signal);
        const listed = output.text();
        const results = await running;
        expect(results.map((r) => r.result.success)).toEqual([false, false]);
        expect(process.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
        // listed by the signal handler itself, before the tasks wound down
        expect(listed).toContain(`${signal} received: stopping every deploy of the batch. In flight at Tray`);
        for (const d of emu.deployments) {
          const url = `${emu.urlFor(d.region)}/cdk/v1/deployments/connectors/${d.name}/versions/1.0/${d.id}`;
          expect(listed).toContain(`  ${d.name}: ${d.region}: deployment ${d.id} (Deploying), status ${url}`);
          const own = results.find((r) => r.task === `${d.name}:deploy`)!.result.terminalOutput;
          expect(own).toContain(`${d.region}: deployment ${d.id} (Deploying), status ${url}`);
        }
        expect(emu.deployments).toHaveLength(when === 'polling' ? 3 : 2);
        if (when === 'sending') {
          expect(listed).toContain(
            `  beta: apac: deploy request sent, no answer yet; check GET ${emu.urlFor('apac')}/cdk/v1/deployments/connectors/beta/versions/1.0/latest`,
          );
        }
        for (const name of ['alpha', 'beta']) {
          const result = JSON.parse(fs.readFileSync(path.join(ws.root, `connectors/${name}/.tray/deploy-result.json`), 'utf8'));
          expect(result).toMatchObject({ project: name, success: false, interrupted: signal });
          expect(result.regions.every((r: { status: string }) => r.status === 'Interrupted')).toBe(true);
        }
      } finally {
        process.exitCode = exitCode;
      }
    },
  );
});
