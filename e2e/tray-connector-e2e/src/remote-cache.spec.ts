import AdmZip from 'adm-zip';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { startEmulator, type Emulator, type EmulatorDeployment } from 'tray-api-emulator';
import { startRemoteCacheServer, type RemoteCacheServer } from './support/remote-cache-server';
import { createTestWorkspace, openWorkspace, type RunResult, type TestWorkspace } from './support/workspace';

/**
 * Issue 12.2 and 12.3: builds shared between two machines through a remote cache that implements
 * Nx's self-hosted cache spec (a fixture server; Nx 24.0.6 is what the workspace installs).
 * Clone A at one absolute path builds and deploys everything; clone B, at another path, gets every
 * build as a remote cache hit (the same task hashes) with byte-identical zips, and its deploy still
 * deploys (deploy is never cached); a change in B to one connector rebuilds only that one. Nothing
 * in any build input or output depends on the machine: B's own rebuild, later and elsewhere, gives
 * the same bytes, and no cached archive holds a path, the user name or the host name.
 */

const CONNECTORS = [
  { name: 'alpha', regions: 'us' },
  { name: 'beta', regions: 'us,eu' },
  { name: 'gamma', regions: 'eu,apac' },
] as const;

describe('remote cache across two clones', () => {
  let emu: Emulator;
  let cache: RemoteCacheServer;
  let seed: TestWorkspace;
  let a: TestWorkspace;
  let b: TestWorkspace;
  const tempRoots: string[] = [];
  const zips = new Map<string, Buffer>();

  /**
   * Each clone is another machine: its own HOME, since Nx 24 shares the local cache of every
   * checkout of one repository under ~/.nx/<workspace id> (npm keeps using the real npm cache).
   */
  const homes = new Map<TestWorkspace, string>();
  const env = (ws: TestWorkspace) => ({
    ...emu.env(),
    ...cache.env(),
    HOME: homes.get(ws),
    npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
    TRAY_API_TOKEN: undefined,
    TRAY_API_URL: undefined,
    NO_PROXY: '127.0.0.1,localhost',
  });
  const nx = async (ws: TestWorkspace, args: string): Promise<RunResult> => {
    const r = await ws.nxAsync(`${args} --output-style=stream`, { env: env(ws) });
    if (r.code !== 0) throw new Error(`nx ${args} exited ${r.code} in ${ws.root}\n${r.output}`);
    return r;
  };
  /** A clone of the seed repository at a new absolute path, with the seed's installed node_modules (hard links). */
  const cloneAt = (label: string, ...subdirs: string[]): TestWorkspace => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), `tc-e2e-remote-cache-${label}-`));
    tempRoots.push(top);
    const dir = path.join(top, ...subdirs);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    execFileSync('git', ['clone', '-q', seed.root, dir]);
    execFileSync('cp', ['-al', path.join(seed.root, 'node_modules'), path.join(dir, 'node_modules')]);
    const ws = openWorkspace(dir);
    homes.set(ws, path.join(top, 'home'));
    fs.mkdirSync(path.join(top, 'home'));
    return ws;
  };
  const zipOf = (ws: TestWorkspace, name: string) => fs.readFileSync(path.join(ws.root, 'connectors', name, '.tray/connector.zip'));
  const since = (n: number) => cache.requests.slice(n);
  const deployed = (ds: EmulatorDeployment[]) => ds.map((d) => `${d.name}@${d.region}:${d.status}`).sort();

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 30 });
    cache = await startRemoteCacheServer();
    seed = createTestWorkspace('remote-cache-seed', {
      extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0', '@types/jest': '30.0.0', typescript: '5.9.3' },
    });
    seed.mustRun('npx nx g tray-connector:init --skipInstall --no-interactive');
    for (const c of CONNECTORS) seed.mustRun(`npx nx g tray-connector:new ${c.name} --regions=${c.regions} --skipInstall --no-interactive`);
    seed.commit('three connectors');
    a = cloneAt('A', 'work', 'repo');
    b = cloneAt('B', 'elsewhere', 'deeper', 'checkout-b');
  });

  afterAll(async () => {
    await emu?.close();
    await cache?.close();
    if (!process.env.E2E_KEEP_WORKSPACE) for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
    seed?.cleanup();
  });

  it('A builds and deploys everything: every build is stored in the remote cache, no deploy is', async () => {
    const r = await nx(a, 'run-many -t deploy');
    expect(deployed(emu.deployments)).toEqual([
      'alpha@us:Deployed',
      'beta@eu:Deployed',
      'beta@us:Deployed',
      'gamma@apac:Deployed',
      'gamma@eu:Deployed',
    ]);
    for (const c of CONNECTORS) zips.set(c.name, zipOf(a, c.name));
    const puts = cache.requests.filter((q) => q.method === 'PUT');
    // Three builds; the deploy target is cache: false, so nothing of a deploy is stored or looked up.
    expect(puts.map((q) => q.status)).toEqual([200, 200, 200]);
    expect(cache.requests.filter((q) => q.method === 'GET').map((q) => q.status)).toEqual([404, 404, 404]);
    expect(r.output).not.toContain('[remote cache]');
  });

  it('B, at another path, gets every build from the remote cache (same hashes, same zips) and still deploys', async () => {
    const start = cache.requests.length;
    const deploymentsBefore = emu.deployments.length;
    const r = await nx(b, 'run-many -t deploy');
    for (const c of CONNECTORS) expect(r.output).toMatch(new RegExp(`nx run ${c.name}:build\\s+\\[remote cache\\]`));
    const aHashes = cache.requests
      .slice(0, start)
      .filter((q) => q.method === 'PUT')
      .map((q) => q.hash)
      .sort();
    // Hash portability: B computes exactly A's task hashes for every build, so every lookup hits.
    expect(
      since(start)
        .filter((q) => q.method === 'GET')
        .map((q) => `${q.hash}:${q.status}`)
        .sort(),
    ).toEqual(aHashes.map((h) => `${h}:200`));
    expect(since(start).filter((q) => q.method === 'PUT')).toEqual([]);
    for (const c of CONNECTORS) expect(zipOf(b, c.name).equals(zips.get(c.name)!)).toBe(true);
    // No deploy is replayed from any cache: B's deploy sent the zips again.
    const fromB = emu.deployments.slice(deploymentsBefore);
    expect(deployed(fromB)).toEqual([
      'alpha@us:Deployed',
      'beta@eu:Deployed',
      'beta@us:Deployed',
      'gamma@apac:Deployed',
      'gamma@eu:Deployed',
    ]);
    for (const d of fromB) expect(d.zip.equals(zips.get(d.name)!)).toBe(true);
  });

  it('nothing machine-specific in a build: B rebuilding without the cache, later and elsewhere, makes the same bytes', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past a zip timestamp's 2-second resolution
    await nx(b, 'run-many -t build --skip-nx-cache');
    for (const c of CONNECTORS) expect(zipOf(b, c.name).equals(zips.get(c.name)!)).toBe(true);

    const machine = [
      a.root,
      b.root,
      seed.root,
      os.homedir(),
      homes.get(a)!,
      homes.get(b)!,
      os.hostname(),
      `/${os.userInfo().username}/`,
    ].filter((s) => s.length > 3);
    for (const [hash, record] of cache.records) {
      const archive = record[0] === 0x1f && record[1] === 0x8b ? zlib.gunzipSync(record) : record;
      const text = archive.toString('latin1');
      for (const value of machine) expect({ hash, found: text.includes(value) ? value : null }).toEqual({ hash, found: null });
    }
    for (const [name, zip] of zips) {
      for (const entry of new AdmZip(zip).getEntries()) {
        const content = entry.getData().toString('utf8');
        for (const value of machine)
          expect({ entry: `${name}:${entry.entryName}`, found: content.includes(value) ? value : null }).toEqual({
            entry: `${name}:${entry.entryName}`,
            found: null,
          });
      }
    }
  });

  it('a change in B to one connector rebuilds only that one, and stores only its new build', async () => {
    b.mustRun('npx nx g tray-connector:operation list_items --project=alpha --no-interactive', { env: env(b) });
    const start = cache.requests.length;
    const r = await nx(b, 'run-many -t build');
    expect(r.output).toMatch(/nx run alpha:build(?!\s+\[)/);
    for (const name of ['beta', 'gamma'])
      expect(r.output).toMatch(new RegExp(`nx run ${name}:build\\s+\\[(local cache|existing outputs match the cache, left as is)\\]`));
    expect(r.output).toMatch(/Nx read the output from the cache instead of running the command for 2 out of 3 tasks/);
    expect(since(start).map((q) => `${q.method}:${q.status}`)).toEqual(['GET:404', 'PUT:200']);
    expect(zipOf(b, 'alpha').equals(zips.get('alpha')!)).toBe(false);
    expect(new AdmZip(zipOf(b, 'alpha')).getEntry('alpha/src/list_items/operation.json')).toBeTruthy();
  });
});
