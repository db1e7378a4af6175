import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { REPO_ROOT } from './support/paths';
import { documentedCommand, readmeCommands } from './support/readme';
import { PUBLISHED_PACKAGES, publishToLocalRegistry, startLocalRegistry, type LocalRegistry } from './support/registry';
import { expectOk, registeredPlugins, createEmptyWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 11.1: both packages published with `nx release publish` to a local registry (verdaccio on
 * 127.0.0.1), then a fresh workspace runs the plugin README's own commands: `nx add tray-connector`,
 * `npx tray-api-emulator --port 4010 &`, the generators, test and build, deploy to that emulator.
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

  it('`npx tray-api-emulator --port 4010 &` starts the emulator from the registry', async () => {
    const command = readme(`npx tray-api-emulator --port ${EMULATOR_PORT} &`).replace(/\s*&$/, '');
    emulator = spawn('bash', ['-c', `exec ${command}`], {
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
      if (emulator.exitCode !== null) throw new Error(`npx tray-api-emulator exited ${emulator.exitCode}:\n${emulatorLog}`);
      if (Date.now() > deadline) throw new Error(`npx tray-api-emulator did not start:\n${emulatorLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`http://127.0.0.1:${EMULATOR_PORT}/__emulator/requests`);
    expect(res.status).toBe(200);
  });

  it('the generators, test and build work as the README shows', () => {
    nx('npx nx g tray-connector:new acme-crm --regions=us,eu');
    nx('npx nx g tray-connector:operation list_contacts --project=acme-crm');
    nx('npx nx test acme-crm && npx nx build acme-crm');
    expect(ws.exists('connectors/acme-crm/.tray/connector.zip')).toBe(true);
  });

  it('`nx deploy acme-crm` deploys to both regions of the emulator', async () => {
    const env = exported();
    expect(Object.keys(env).sort()).toEqual(['TRAY_API_TOKEN_EU', 'TRAY_API_TOKEN_US', 'TRAY_API_URL_EU', 'TRAY_API_URL_US']);
    const r = nx('npx nx deploy acme-crm', { ...env, TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined });
    expect(r.output).toMatch(/Deployed/);
    const record = (await (await fetch(`http://127.0.0.1:${EMULATOR_PORT}/__emulator/requests`)).json()) as {
      deployments: Array<{ name: string; region: string; status: string }>;
    };
    expect(record.deployments.map((d) => `${d.name}@${d.region}:${d.status}`).sort()).toEqual([
      'acme-crm@eu:Deployed',
      'acme-crm@us:Deployed',
    ]);
  });
});
