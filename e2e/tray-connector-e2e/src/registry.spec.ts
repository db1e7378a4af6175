import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { REPO_ROOT } from './support/paths';
import { documentedCommand, quickStartCommands, readmeCommands } from './support/readme';
import { PUBLISHED_PACKAGES, publishToLocalRegistry, startLocalRegistry, type LocalRegistry } from './support/registry';
import { expectOk, registeredPlugins, createEmptyWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 11.1: both packages published with `nx release publish` to a local registry (verdaccio on
 * 127.0.0.1), then a fresh workspace runs the plugin README's own commands: `nx add tray-connector`, then
 * every command of the quick start in order (issue 30.5): the generators, test and build, the emulator
 * (`npx tray-api-emulator --port 4010 &`) and its `export` lines, deploy, a commit, a change, `nx affected -t
 * deploy` and `tray-connector results`.
 */

const PLUGIN_README = path.join(REPO_ROOT, 'packages', 'tray-connector', 'README.md');
const EMULATOR_PORT = 4010;

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('published to a local registry, installed as the README says', () => {
  const documented = readmeCommands(PLUGIN_README);
  /** A command exactly as the plugin README shows it (the test fails when the README no longer has it). */
  const readme = (command: string) => documentedCommand(documented, command);
  /** A README command line run verbatim, with the workspace's node_modules/.bin on PATH (where `nx` is, as for a user with npx or a global nx). */
  const nx = (command: string, env: NodeJS.ProcessEnv = {}) =>
    expectOk(
      ws.run(readme(command), {
        env: { PATH: `${path.join(ws.root, 'node_modules', '.bin')}:${process.env.PATH}`, ...env },
        timeoutMs: 10 * 60 * 1000,
      }),
      command,
    );
  /** The emulator's environment, from the README's `export` lines. */
  const exported = () => {
    const env: NodeJS.ProcessEnv = {};
    for (const line of documented.filter((c) => c.startsWith(`export TRAY_API_URL_`) && c.includes(`:${EMULATOR_PORT}/`))) {
      for (const [, key, value] of line.slice('export '.length).matchAll(/(\w+)=(\S+)/g)) env[key] = value;
    }
    return env;
  };

  let registry: LocalRegistry | undefined;
  let ws: TestWorkspace;
  let emulator: ChildProcess | undefined;
  let emulatorLog = '';

  beforeAll(async () => {
    if (await portInUse(EMULATOR_PORT))
      throw new Error(`port ${EMULATOR_PORT} is in use: the README's emulator command needs it; stop what listens there`);
    registry = await startLocalRegistry();
  });

  afterAll(async () => {
    // npx runs the emulator in a child of its own: stop the whole process group it was started in.
    if (emulator?.pid && emulator.exitCode === null) {
      const exited = new Promise((r) => emulator?.once('exit', r));
      process.kill(-emulator.pid, 'SIGTERM');
      await exited;
    }
    if (emulator?.pid) {
      try {
        process.kill(-emulator.pid, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }
    await registry?.stop();
    ws?.cleanup();
  });

  it('nx release publish puts both packages on the local registry, and only there', async () => {
    const output = publishToLocalRegistry(registry!);
    for (const name of PUBLISHED_PACKAGES) {
      const res = await fetch(`${registry!.url}${name}`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { 'dist-tags': Record<string, string>; versions: Record<string, { dist: { tarball: string } }> };
      const latest = doc['dist-tags'].latest;
      expect(latest).toBe(require(path.join(REPO_ROOT, 'packages', name, 'package.json')).version);
      expect(doc.versions[latest].dist.tarball.startsWith(registry!.url)).toBe(true);
    }
    expect(output).not.toMatch(/registry\.npmjs\.org/);
  });

  it('`nx add tray-connector` installs it from the registry into a fresh workspace and sets it up', () => {
    ws = createEmptyWorkspace('registry', { env: registry!.env });
    nx('npx nx add tray-connector');
    const pkg = JSON.parse(ws.read('package.json')) as { devDependencies: Record<string, string>; dependencies?: Record<string, string> };
    expect(pkg.devDependencies['tray-connector']).toBeDefined();
    expect(JSON.parse(ws.read('node_modules/tray-connector/package.json')).version).toBe(
      require(path.join(REPO_ROOT, 'packages/tray-connector/package.json')).version,
    );
    // tray-connector exists on the local registry only (verdaccio does not proxy it), so that is where it came from.
    expect(expectOk(ws.run('npm view tray-connector dist.tarball'), 'npm view').stdout.trim()).toMatch(
      new RegExp(`^${registry!.url}tray-connector/-/tray-connector-`),
    );
    expect(pkg.dependencies?.['@trayio/cdk-dsl']).toBeDefined();
    expect(registeredPlugins(ws)).toContain('tray-connector');
    ws.commit('nx add tray-connector');
  });

  /** Starts `command` (a README line ending in `&`) in the background, as the shell would, and waits for the emulator. */
  const startInBackground = async (command: string) => {
    emulator = spawn('bash', ['-c', `exec ${command.replace(/\s*&$/, '')}`], {
      cwd: ws.root,
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(registry!.env).filter(([, v]) => v !== undefined)),
        npm_config_yes: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    emulator.stdout?.on('data', (d: Buffer) => (emulatorLog += d.toString()));
    emulator.stderr?.on('data', (d: Buffer) => (emulatorLog += d.toString()));
    const deadline = Date.now() + 5 * 60 * 1000;
    while (!emulatorLog.includes(`listening on http://127.0.0.1:${EMULATOR_PORT}`)) {
      if (emulator.exitCode !== null) throw new Error(`${command} exited ${emulator.exitCode}:\n${emulatorLog}`);
      if (Date.now() > deadline) throw new Error(`${command} did not start:\n${emulatorLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const deployments = async () =>
    (
      (await (await fetch(`http://127.0.0.1:${EMULATOR_PORT}/__emulator/requests`)).json()) as {
        deployments: Array<{ name: string; region: string; status: string }>;
      }
    ).deployments.map((d) => `${d.name}@${d.region}:${d.status}`);

  it('the quick start runs as written, every command of it in order: new, test and build, the emulator, deploy, affected, results', async () => {
    const commands = quickStartCommands(PLUGIN_README);
    // The steps the quick start promises are there (the test fails when the README drops one).
    for (const step of [
      'npx nx g tray-connector:new acme-crm --regions=us,eu',
      'npx nx test acme-crm && npx nx build acme-crm',
      `npx tray-api-emulator --port ${EMULATOR_PORT} &`,
      'npx nx deploy acme-crm',
      'npx tray-connector results',
    ])
      expect(commands).toContain(step);
    expect(commands.some((c) => c.startsWith('npx nx affected -t deploy'))).toBe(true);

    // The shell's environment: what the `export` lines set, without a TRAY_API_TOKEN/URL of the machine's own.
    const env: NodeJS.ProcessEnv = { TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined };
    const outputs = new Map<string, string>();
    for (const command of commands) {
      if (command.startsWith('export ')) {
        for (const [, key, value] of command.slice('export '.length).matchAll(/(\w+)=(\S+)/g)) env[key] = value;
      } else if (command.endsWith('&')) {
        await startInBackground(command);
      } else {
        outputs.set(command, nx(command, env).output);
      }
      if (command === 'npx nx test acme-crm && npx nx build acme-crm')
        expect(ws.exists('connectors/acme-crm/.tray/connector.zip')).toBe(true);
      if (command === 'npx nx deploy acme-crm')
        expect((await deployments()).sort()).toEqual(['acme-crm@eu:Deployed', 'acme-crm@us:Deployed']);
    }
    expect(Object.keys(exported()).sort()).toEqual(['TRAY_API_TOKEN_EU', 'TRAY_API_TOKEN_US', 'TRAY_API_URL_EU', 'TRAY_API_URL_US']);
    // The change after the commit made `nx affected -t deploy` deploy acme-crm again, to both regions.
    expect((await deployments()).sort()).toEqual([
      'acme-crm@eu:Deployed',
      'acme-crm@eu:Deployed',
      'acme-crm@us:Deployed',
      'acme-crm@us:Deployed',
    ]);
    const results = outputs.get('npx tray-connector results') ?? '';
    expect(results).toMatch(/acme-crm\s+1\.0\s+us\s+ok\s+Deployed/);
    expect(results).toMatch(/acme-crm\s+1\.0\s+eu\s+ok\s+Deployed/);
  });
});
