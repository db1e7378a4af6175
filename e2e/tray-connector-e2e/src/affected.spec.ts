import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator, type EmulatorDeployment, type EmulatorRegion } from 'tray-api-emulator';
import { writeConnectorFiles } from './support/connector-files';
import { createTestWorkspace, registeredPlugins, type RunResult, type TestWorkspace } from './support/workspace';

/**
 * The monorepo proof of issue 5: in a fresh workspace with the packed plugin, three connectors
 * (two importing one shared library, regions per project.json) deploy to the emulator running in
 * this process; `nx affected -t deploy` then deploys exactly what a change can reach, and nothing
 * when nothing changed, while a deploy that runs always sends (never replayed from the cache; see
 * revert.spec.ts); a plain tray-cdk connector folder is picked up by inference and deploys.
 */

const LIBRARY_MARKER = 'greeting-library-v1';

interface ConnectorSpec {
  dir: string;
  name: string;
  title: string;
  /** Regions in its project.json; undefined = no project.json (inferred, the plugin's default regions). */
  regions?: EmulatorRegion[];
  importsLibrary: boolean;
}

const ALPHA: ConnectorSpec = { dir: 'connectors/alpha', name: 'alpha', title: 'Alpha', regions: ['us'], importsLibrary: true };
const BETA: ConnectorSpec = { dir: 'connectors/beta', name: 'beta', title: 'Beta', regions: ['us', 'eu'], importsLibrary: true };
const GAMMA: ConnectorSpec = { dir: 'connectors/gamma', name: 'gamma', title: 'Gamma', regions: ['eu', 'apac'], importsLibrary: false };
/** Step 6: an existing tray-cdk connector folder (own package.json, no project.json). */
const LEGACY: ConnectorSpec = { dir: 'legacy/delta-crm', name: 'delta-crm', title: 'Delta CRM', importsLibrary: false };

/**
 * Writes a connector with the layout `tray-cdk connector init` gives (plus a project.json when it has
 * regions), one operation list_contacts whose input also has `extraInputField`. Connectors inside the
 * workspace extend the base config (for the library alias); the adopted tray-cdk folder keeps its
 * standalone tsconfig, as tray-cdk writes it.
 */
function writeConnector(ws: TestWorkspace, c: ConnectorSpec, extraInputField = 'limit?: number;'): void {
  writeConnectorFiles(ws, c.name, {
    dir: c.dir,
    title: c.title,
    devDependencies: { jest: '30.5.2', 'ts-jest': '29.4.15', typescript: '5.9.3' },
    extendsBase: c.importsLibrary,
    deployOptions: c.regions ? { regions: c.regions } : undefined,
    operations: {
      list_contacts: {
        title: 'List Contacts',
        description: `list_contacts of ${c.name}`,
        inputFields: `  /**\n   * @title Search text\n   */\n  query: string;\n  ${extraInputField}\n`,
        outputFields: '  items: { id: string; name: string }[];\n',
        handlerPrelude: c.importsLibrary ? "import { greet } from '@acme/greeting';\n" : '',
        result: `{ items: [{ id: '1', name: ${c.importsLibrary ? 'greet(input.query)' : 'input.query'} }] }`,
      },
    },
  });
  ws.write(
    `${c.dir}/jest.config.js`,
    "module.exports = { preset: 'ts-jest', testEnvironment: 'node', testMatch: ['**/?(*.)+(test).ts'] };\n",
  );
  ws.write(`${c.dir}/src/test.ctx.json`, JSON.stringify({ auth: { user: { access_token: 'local-secret-never-zipped' } } }) + '\n');
}

function writeLibrary(ws: TestWorkspace, marker: string): void {
  ws.write(
    'libs/greeting/project.json',
    JSON.stringify({ name: 'greeting', sourceRoot: 'libs/greeting/src', projectType: 'library' }, null, 2) + '\n',
  );
  ws.write(
    'libs/greeting/package.json',
    JSON.stringify({ name: '@acme/greeting', version: '0.0.1', private: true, dependencies: { 'left-pad': '1.3.0' } }, null, 2) + '\n',
  );
  ws.write('libs/greeting/src/index.ts', `export { greet } from './lib/greet';\n`);
  ws.write(
    'libs/greeting/src/lib/greet.ts',
    `export const GREETING_VERSION = '${marker}';\nexport function greet(name: string): string {\n  return \`Hello \${name}\`;\n}\n`,
  );
}

/** The tasks an nx run executed or took from cache, as `project:target`. */
function tasksRun(r: RunResult): string[] {
  const ids = new Set<string>();
  for (const m of r.output.matchAll(/nx run ([\w@/.-]+:[\w-]+)/g)) ids.add(m[1]);
  return [...ids].sort();
}

/** What a deploy sent, as `name@region`, sorted. */
function deployed(deployments: EmulatorDeployment[]): string[] {
  return deployments.map((d) => `${d.name}@${d.region}`).sort();
}

function deployRequests(emu: Emulator): number {
  return emu.requests.filter((r) => r.kind === 'deploy').length;
}

function zipEntries(zip: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  for (const e of new AdmZip(zip).getEntries()) if (!e.isDirectory) entries.set(e.entryName, e.getData().toString('utf8'));
  return entries;
}

// testTimeout of a jest *project* config is ignored (it is a global option): set it here.
jest.setTimeout(15 * 60 * 1000);

describe('nx affected -t deploy in a monorepo of connectors', () => {
  let ws: TestWorkspace;
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;

  const nx = async (args: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    const r = await ws.nxAsync(args, { env: { ...env, ...extraEnv } });
    if (r.code !== 0) throw new Error(`nx ${args} exited ${r.code} in ${ws.root}\n${r.output}`);
    return r;
  };
  /** Runs an nx command and returns the deployments the emulator received meanwhile. */
  const deploysDuring = async (args: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    const before = emu.deployments.length;
    const requestsBefore = deployRequests(emu);
    const r = await nx(`${args} --outputStyle=static`, extraEnv);
    return { r, deployments: emu.deployments.slice(before), requests: deployRequests(emu) - requestsBefore };
  };

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 50 });
    env = {
      ...emu.env(),
      TRAY_API_TOKEN: undefined,
      TRAY_API_URL: undefined,
    };
    ws = createTestWorkspace('affected', { extraDevDependencies: { '@trayio/cdk-dsl': '4.65.0' } });
    // What `nx add tray-connector` runs (packages already installed by the workspace above).
    ws.mustRun('npx nx g tray-connector:init --skipPackageJson --no-interactive', { env });
    ws.write(
      'tsconfig.base.json',
      JSON.stringify(
        { compilerOptions: { baseUrl: '.', strict: true, paths: { '@acme/greeting': ['libs/greeting/src/index.ts'] } } },
        null,
        2,
      ) + '\n',
    );
    writeLibrary(ws, LIBRARY_MARKER);
    for (const c of [ALPHA, BETA, GAMMA]) writeConnector(ws, c);
    ws.commit('three connectors and a shared library');
  });

  afterAll(async () => {
    await emu?.close();
    ws?.cleanup();
  });

  it('1. infers the connector projects, their targets and the library edges', async () => {
    const nxJson = JSON.parse(ws.read('nx.json')) as { pluginsConfig?: Record<string, { analyzeSourceFiles?: boolean }> };
    expect(registeredPlugins(ws)).toContain('tray-connector');
    expect(nxJson.pluginsConfig?.['@nx/js']?.analyzeSourceFiles).toBe(true);

    const projects = (await nx('show projects --json')).stdout;
    expect((JSON.parse(projects.slice(projects.indexOf('['))) as string[]).sort()).toEqual(['alpha', 'beta', 'gamma', 'greeting']);

    const beta = JSON.parse((await nx('show project beta --json')).stdout) as {
      tags: string[];
      targets: Record<string, { executor: string; options?: { regions?: string[] }; metadata?: { description?: string } }>;
    };
    expect(beta.tags).toContain('tray-connector');
    expect(Object.keys(beta.targets)).toEqual(expect.arrayContaining(['build', 'test', 'deploy', 'share']));
    expect(beta.targets.deploy.executor).toBe('tray-connector:deploy');
    expect(beta.targets.deploy.options?.regions).toEqual(['us', 'eu']); // project.json overrides the inferred ['us']
    for (const t of ['build', 'test', 'deploy', 'share']) expect(beta.targets[t].metadata?.description).toEqual(expect.any(String));

    await nx('graph --file=graph.json');
    const graph = JSON.parse(ws.read('graph.json')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } };
    fs.rmSync(path.join(ws.root, 'graph.json'));
    const deps = (p: string) => graph.graph.dependencies[p].map((d) => d.target).filter((t) => !t.startsWith('npm:'));
    expect(deps('alpha')).toEqual(['greeting']);
    expect(deps('beta')).toEqual(['greeting']);
    expect(deps('gamma')).toEqual([]);
  });

  it('2. run-many -t deploy sends each connector once to each of its regions, as standalone zips', async () => {
    const { deployments } = await deploysDuring('run-many -t deploy');
    expect(deployed(deployments)).toEqual(['alpha@us', 'beta@eu', 'beta@us', 'gamma@apac', 'gamma@eu']);
    expect(deployments.every((d) => d.status === 'Deployed')).toBe(true);

    for (const c of [ALPHA, BETA, GAMMA]) {
      const mine = deployments.filter((d) => d.name === c.name);
      // The same bytes went to every region of a connector.
      expect(new Set(mine.map((d) => d.zipSha256)).size).toBe(1);
      const files = zipEntries(mine[0].zip);
      const names = [...files.keys()];
      expect(names.every((n) => n.startsWith(`${c.name}/`))).toBe(true);
      expect(JSON.parse(files.get(`${c.name}/connector.json`)!).name).toBe(c.name);
      const input = JSON.parse(files.get(`${c.name}/src/list_contacts/input.json`)!) as { properties: Record<string, { title?: string }> };
      expect(input.properties.query.title).toBe('Search text');
      expect(files.has(`${c.name}/src/list_contacts/output.json`)).toBe(true);
      expect(names.some((n) => n.endsWith('.ctx.json'))).toBe(false);

      const vendoredLibrary = names.filter((n) => n.includes('libs/greeting/'));
      const handler = files.get(`${c.name}/src/list_contacts/handler.ts`)!;
      const pkg = JSON.parse(files.get(`${c.name}/package.json`)!) as { dependencies: Record<string, string> };
      if (c.importsLibrary) {
        expect(vendoredLibrary.length).toBeGreaterThan(0);
        expect(names.some((n) => n.includes('libs/greeting/') && files.get(n)!.includes(LIBRARY_MARKER))).toBe(true);
        expect(handler).not.toContain("'@acme/greeting'");
        expect(handler).toMatch(/from '\.\.?\/[^']*libs\/greeting\/src(\/index)?'/);
        expect(pkg.dependencies['left-pad']).toBe('1.3.0');
        const tsconfig = JSON.parse(files.get(`${c.name}/tsconfig.json`)!) as { extends?: string };
        expect(tsconfig.extends).toBeUndefined();
      } else {
        expect(vendoredLibrary).toEqual([]);
        expect(pkg.dependencies['left-pad']).toBeUndefined();
      }
    }
    // The library imports stay untouched on disk.
    expect(ws.read(`${ALPHA.dir}/src/list_contacts/handler.ts`)).toContain("from '@acme/greeting'");
  });

  it('3. a change to one operation of alpha deploys alpha only, to its regions; the others are neither built nor deployed', async () => {
    const betaZip = fs.statSync(path.join(ws.root, BETA.dir, '.tray/connector.zip')).mtimeMs;
    writeConnector(ws, ALPHA, 'limit?: number;\n  /** @title Page */\n  page?: number;');
    ws.commit('alpha: paging');

    const { r, deployments } = await deploysDuring('affected -t deploy --base=HEAD~1');
    expect(deployed(deployments)).toEqual(['alpha@us']);
    expect(tasksRun(r)).toEqual(['alpha:build', 'alpha:deploy']);
    const input = JSON.parse(zipEntries(deployments[0].zip).get('alpha/src/list_contacts/input.json')!) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(input.properties)).toContain('page');
    expect(fs.statSync(path.join(ws.root, BETA.dir, '.tray/connector.zip')).mtimeMs).toBe(betaZip);
  });

  it('4. a change to the shared library deploys exactly its two importers', async () => {
    writeLibrary(ws, 'greeting-library-v2');
    ws.commit('greeting v2');

    const { r, deployments } = await deploysDuring('affected -t deploy --base=HEAD~1');
    expect(deployed(deployments)).toEqual(['alpha@us', 'beta@eu', 'beta@us']);
    expect(tasksRun(r).filter((t) => t.startsWith('gamma:'))).toEqual([]);
    for (const d of deployments) {
      const files = zipEntries(d.zip);
      expect([...files.values()].some((text) => text.includes('greeting-library-v2'))).toBe(true);
    }
  });

  it('5. with no change, affected sends no deploy request; run-many deploys again (deploys are never replayed from the cache) from cached builds', async () => {
    const affected = await deploysDuring('affected -t deploy');
    expect(affected.requests).toBe(0);

    const rerun = await deploysDuring('run-many -t deploy');
    expect(deployed(rerun.deployments)).toEqual(['alpha@us', 'beta@eu', 'beta@us', 'gamma@apac', 'gamma@eu']);
    for (const c of ['alpha', 'beta', 'gamma'])
      expect(rerun.r.output).toMatch(new RegExp(`nx run ${c}:build\\s+\\[(local cache|existing outputs match the cache)`));
    expect(rerun.r.output).not.toMatch(/nx run \w+:deploy\s+\[(local cache|existing outputs match the cache)/);
  });

  it('5b. another Tray organisation (API URL and token) gets its own deploys, and no token is stored', async () => {
    const other = await startEmulator({ deployDelayMs: 50, tokens: { us: 'org2-token-us', eu: 'org2-token-eu', apac: 'org2-token-apac' } });
    try {
      const orgEnv: NodeJS.ProcessEnv = {
        TRAY_API_URL_US: other.urlFor('us'),
        TRAY_API_URL_EU: other.urlFor('eu'),
        TRAY_API_URL_APAC: other.urlFor('apac'),
        TRAY_API_TOKEN_US: other.tokens.us,
        TRAY_API_TOKEN_EU: other.tokens.eu,
        TRAY_API_TOKEN_APAC: other.tokens.apac,
      };
      const before = deployRequests(emu);
      await nx('run-many -t deploy --outputStyle=static', orgEnv);
      expect(deployed(other.deployments)).toEqual(['alpha@us', 'beta@eu', 'beta@us', 'gamma@apac', 'gamma@eu']);
      expect(deployRequests(emu)).toBe(before);
    } finally {
      await other.close();
    }
    // Nx hashes the token variables (deploy's inputs); their values are in none of its files.
    const nxDir = path.join(ws.root, '.nx');
    const leaks = ws
      .run(`grep -rlaF -e ${emu.tokens.us} -e ${emu.tokens.eu} -e org2-token-us ${JSON.stringify(nxDir)} || true`)
      .stdout.trim();
    expect(leaks).toBe('');
  });

  it('6. an existing plain tray-cdk connector folder is picked up by inference and deploys', async () => {
    writeConnector(ws, LEGACY);
    expect(ws.exists(`${LEGACY.dir}/project.json`)).toBe(false);
    ws.commit('adopt delta-crm');

    const projects = (await nx('show projects --json')).stdout;
    expect(JSON.parse(projects.slice(projects.indexOf('['))) as string[]).toContain('delta-crm');

    const { r, deployments } = await deploysDuring('affected -t deploy --base=HEAD~1');
    expect(tasksRun(r)).toEqual(['delta-crm:build', 'delta-crm:deploy']);
    expect(deployed(deployments)).toEqual(['delta-crm@us']); // the plugin's defaultRegions
    const files = zipEntries(deployments[0].zip);
    expect([...files.keys()].every((n) => n.startsWith('delta-crm/'))).toBe(true);
    expect(files.has('delta-crm/src/list_contacts/input.json')).toBe(true);
    expect(ws.exists(`${LEGACY.dir}/.tray/connector.zip`)).toBe(true);
  });
});
