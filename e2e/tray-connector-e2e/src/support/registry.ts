import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './paths';
import { waitForOnce } from './run-once';

/** The packages this repo publishes: served by the local registry only, never proxied from the public one. */
export const PUBLISHED_PACKAGES = ['tray-connector', 'tray-api-emulator'];

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A temp npm user config pointing npm at this registry only (with a local token for publishing). */
  userconfig: string;
  /** What makes npm (and so nx, npx) in a child process use this registry and nothing else. */
  env: NodeJS.ProcessEnv;
  /** Stops verdaccio and deletes its storage and config; safe to call twice. */
  stop(): Promise<void>;
}

const LOCAL_URL = /^http:\/\/127\.0\.0\.1:\d+\/$/;

/** Throws unless `url` is a registry on 127.0.0.1: every publish in the e2e goes through this check. */
export function assertLocalRegistry(url: string): void {
  if (!LOCAL_URL.test(url)) throw new Error(`refusing to use npm registry ${url}: the e2e publishes only to a local registry on 127.0.0.1`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The registry npm uses on this machine without our settings: verdaccio proxies every other package from it (reads only). */
function upstreamRegistry(): string {
  const r = spawnSync('npm', ['config', 'get', 'registry'], { cwd: os.tmpdir(), encoding: 'utf8' });
  const url = r.stdout?.trim();
  return url && /^https?:\/\//.test(url) ? url : 'https://registry.npmjs.org/';
}

/** Where the e2e global setup tells every suite of the run about the registry it started. */
export const SHARED_REGISTRY_ENV = { url: 'E2E_REGISTRY_URL', userconfig: 'E2E_REGISTRY_USERCONFIG' } as const;

function registryEnv(url: string, userconfig: string): NodeJS.ProcessEnv {
  return {
    npm_config_registry: url,
    npm_config_userconfig: userconfig,
    NPM_CONFIG_REGISTRY: undefined,
    NPM_CONFIG_USERCONFIG: undefined,
    // Nx's own release helpers look at these too.
    YARN_REGISTRY: url,
  };
}

/**
 * The registry the e2e global setup started for the whole run (one verdaccio for every suite, its
 * cache of proxied packages warm for all), or undefined outside such a run. Its `stop` does nothing:
 * the global teardown stops it.
 */
export function sharedLocalRegistry(): LocalRegistry | undefined {
  const url = process.env[SHARED_REGISTRY_ENV.url];
  const userconfig = process.env[SHARED_REGISTRY_ENV.userconfig];
  if (!url || !userconfig) return undefined;
  assertLocalRegistry(url);
  return { url, userconfig, env: registryEnv(url, userconfig), stop: async () => undefined };
}

/**
 * Starts verdaccio (as create-nx-plugin workspaces do for their e2e) on 127.0.0.1 with its storage in a
 * temp folder. tray-connector and tray-api-emulator exist only there; everything else is read through
 * from the machine's registry. Nothing can be published anywhere else with `env`. In an e2e run
 * this is the run's shared registry (sharedLocalRegistry) unless `own` asks for a registry of its own.
 */
export async function startLocalRegistry(options: { timeoutMs?: number; own?: boolean } = {}): Promise<LocalRegistry> {
  const shared = options.own ? undefined : sharedLocalRegistry();
  if (shared) return shared;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-e2e-verdaccio-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  assertLocalRegistry(url);
  const own = PUBLISHED_PACKAGES.map((name) => `  '${name}':\n    access: $all\n    publish: $all\n    unpublish: $all\n`).join('');
  fs.writeFileSync(
    path.join(dir, 'config.yaml'),
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      '    max_users: -1',
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(upstreamRegistry())}`,
      '    maxage: 60m',
      '    timeout: 60s',
      'packages:',
      own.trimEnd(),
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'max_body_size: 100mb',
      'server:',
      '  keepAliveTimeout: 60',
      'log:',
      '  type: stdout',
      '  format: pretty',
      '  level: warn',
      '',
    ].join('\n'),
  );
  const userconfig = path.join(dir, 'npmrc');
  fs.writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=e2e-local-only\n`);

  const verdaccio = path.join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const logFile = path.join(dir, 'verdaccio.log');
  const logFd = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [verdaccio, '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      // Into a file, not a pipe: a pipe is drained only while this process's event loop runs, and a
      // suite blocked in spawnSync (an `npm install` through this registry) would stall verdaccio's writes.
      stdio: ['ignore', logFd, logFd],
    },
  );
  fs.closeSync(logFd);
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  // Should this process die without afterAll (a crash, Ctrl-C), verdaccio does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      const log = readLog();
      await stop();
      throw new Error(`verdaccio exited with ${child.exitCode} before answering on ${url}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}-/ping`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const log = readLog();
      await stop();
      throw new Error(`verdaccio did not answer on ${url} within ${options.timeoutMs ?? 60_000} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { url, userconfig, env: registryEnv(url, userconfig), stop };
}

/**
 * `nx release publish` of both packages (from dist/, as nx.json's release config says) to `registry`:
 * no versioning, no git tag or push; done once per registry (later calls, from any process, return
 * the first one's output, or throw its error). Checks first that npm, with the same environment, resolves the
 * registry to the local one.
 */
export function publishToLocalRegistry(registry: LocalRegistry): string {
  assertLocalRegistry(registry.url);
  // Both packages at one version can be published to a registry once: suites sharing it share that publish.
  const record = path.join(path.dirname(registry.userconfig), 'published');
  waitForOnce(record, () => fs.writeFileSync(record, publishOnce(registry)));
  return fs.readFileSync(record, 'utf8');
}

function publishOnce(registry: LocalRegistry): string {
  const env = childEnv(registry.env);
  const resolved = spawnSync('npm', ['config', 'get', 'registry'], { cwd: REPO_ROOT, env, encoding: 'utf8' }).stdout.trim();
  if (resolved !== registry.url)
    throw new Error(`npm would publish to ${resolved}, not the local registry ${registry.url}: not publishing`);
  const r = spawnSync(
    'npx',
    [
      'nx',
      'release',
      'publish',
      `--projects=${PUBLISHED_PACKAGES.join(',')}`,
      `--registry=${registry.url}`,
      '--tag=latest',
      '--first-release',
      '--outputStyle=static',
    ],
    { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 5 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  if (r.status !== 0) throw new Error(`nx release publish to ${registry.url} exited ${r.status}:\n${output}`);
  return output;
}

function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}
