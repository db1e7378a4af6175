import AdmZip from 'adm-zip';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { REPO_ROOT } from './support/paths';
import { documentedCommand, readmeCommands } from './support/readme';
import { publishToLocalRegistry, startLocalRegistry, type LocalRegistry } from './support/registry';
import { expectOk, registeredPlugins, createFreshNxWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 21.3: `nx add tray-connector` in a workspace exactly as `npx create-nx-workspace@<version>` makes
 * it (nothing written or pinned by the test: `@nx/devkit` is whatever that workspace has), from the
 * local registry (`npx nx add tray-connector`) and from packed tarballs, each with the plugin README's
 * own command lines; then new, build and a deploy to the emulator. create-nx-workspace offers Nx 22 and
 * 23 (its newest, 23.2.1, is its `latest` today; it has no 24). The default run takes the two a new user
 * is likeliest to have: `latest` through the registry and the newest 22 (where a missing peer once
 * resolved to an @nx/devkit for Nx 24: ERESOLVE) through the tarballs; E2E_NX_EDGES=1 runs the oldest
 * and newest of each major both ways.
 */

const SHARED_FILE = 'libs/shared/src/index.ts';
const UTIL_FILE = 'packages/util/src/index.ts';

/**
 * The libraries as a user writes them (`which`: both, or only that one): `@ws/shared`, a path alias in
 * tsconfig.base.json (added to the preset's own, or a new one) to a folder with a project.json, and `@ws/util`,
 * a package of the npm workspace (`packages/*`), whose code says `version`.
 */
function writeUserLibraries(ws: TestWorkspace, version: string, which?: 'shared' | 'util'): void {
  if (which !== 'util') {
    if (!which) {
      const base = ws.exists('tsconfig.base.json')
        ? (ts.parseConfigFileTextToJson('tsconfig.base.json', ws.read('tsconfig.base.json')).config ?? {})
        : {};
      base.compilerOptions = { ...base.compilerOptions, paths: { ...base.compilerOptions?.paths, '@ws/shared': [`./${SHARED_FILE}`] } };
      ws.write('tsconfig.base.json', `${JSON.stringify(base, null, 2)}\n`);
      ws.write('libs/shared/project.json', `${JSON.stringify({ name: 'shared', sourceRoot: 'libs/shared/src' }, null, 2)}\n`);
    }
    ws.write(SHARED_FILE, `export const SHARED_API = 'https://shared-${version}.example.com';\n`);
  }
  if (which !== 'shared') {
    if (!which) {
      ws.write(
        'packages/util/package.json',
        `${JSON.stringify({ name: '@ws/util', version: '0.0.1', private: true, main: 'src/index.ts', types: 'src/index.ts' }, null, 2)}\n`,
      );
    }
    ws.write(UTIL_FILE, `export const UTIL_API = 'https://util-${version}.example.com';\n`);
  }
}

/** A connector's base URL taken from a library, as a user edits the GlobalConfig.ts that `new` wrote. */
function useLibrary(ws: TestWorkspace, connector: string, name: string, specifier: string): void {
  const file = `connectors/${connector}/src/GlobalConfig.ts`;
  const text = ws.read(file);
  const edited = text.replace(/export const API_BASE_URL = '[^']*';/, `export const API_BASE_URL = ${name};`);
  if (edited === text) throw new Error(`${file} has no API_BASE_URL line to edit`);
  ws.write(file, `import { ${name} } from '${specifier}';\n${edited}`);
}

const PLUGIN_README = path.join(REPO_ROOT, 'packages', 'tray-connector', 'README.md');
/** The folder the README packs into; the test packs into a temp folder of its own instead. */
const README_PACK_DIR = '/tmp/tray';

type Way = 'registry' | 'tarball';
type Preset = 'npm' | 'ts';
interface CnwLine {
  version: string;
  edge: string;
  way: Way;
  preset: Preset;
  byDefault: boolean;
}

const VERSIONS: Array<{ version: string; edge: string }> = [
  { version: '22.0.0', edge: 'oldest of 22' },
  { version: '22.7.12', edge: 'newest of 22' },
  { version: '23.0.1', edge: 'oldest of 23' },
  { version: '23.2.1', edge: 'newest of 23, create-nx-workspace@latest' },
];
const DEFAULT_RUN = new Set(['23.2.1 registry', '22.7.12 tarball']);

const all: CnwLine[] = [
  ...VERSIONS.flatMap(({ version, edge }) =>
    (['registry', 'tarball'] as const).map((way) => ({
      version,
      edge,
      way,
      preset: 'npm' as const,
      byDefault: DEFAULT_RUN.has(`${version} ${way}`),
    })),
  ),
  // Issue 27: the other kind of workspace create-nx-workspace makes (npm workspaces with TS project references).
  { version: '23.2.1', edge: 'the ts preset', way: 'registry', preset: 'ts', byDefault: true },
];
const edges = process.env.E2E_NX_EDGES === '1' || process.env.E2E_NX_EDGES === 'true';
const lines = edges ? all : all.filter((l) => l.byDefault);

describe('nx add tray-connector in a workspace fresh from create-nx-workspace', () => {
  const documented = readmeCommands(PLUGIN_README);
  /** A command exactly as the plugin README shows it (the test fails when the README no longer has it). */
  const readme = (command: string) => documentedCommand(documented, command);
  let registry: LocalRegistry | undefined;
  let packDir: string;
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 20 });
    packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-e2e-tray-'));
    if (lines.some((l) => l.way === 'registry')) {
      registry = await startLocalRegistry();
      publishToLocalRegistry(registry);
    }
    if (lines.some((l) => l.way === 'tarball')) {
      // In a clone of this repository, as the README's Install section says (after `npm ci && npm run build`).
      const pack = readme(
        `mkdir -p ${README_PACK_DIR} && npm pack ./dist/packages/tray-connector ./dist/packages/tray-api-emulator --pack-destination ${README_PACK_DIR}`,
      );
      const r = spawnSync('bash', ['-c', pack.split(README_PACK_DIR).join(packDir)], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${pack} exited ${r.status}\n${r.stdout}${r.stderr}`);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await emu?.close();
    fs.rmSync(packDir, { recursive: true, force: true });
  });

  describe.each(lines)('create-nx-workspace@$version --preset=$preset ($edge), the plugin from the $way', ({ version, way, preset }) => {
    let ws: TestWorkspace;
    const env = () => (way === 'registry' ? registry!.env : {});
    const run = (command: string) => expectOk(ws.run(command, { env: env(), timeoutMs: 10 * 60 * 1000 }), `${command} (${ws.root})`);

    beforeAll(() => {
      ws = createFreshNxWorkspace(`cnw${version.replace(/\./g, '')}-${way}-${preset}`, version, env(), preset);
    });
    afterAll(() => ws?.cleanup());

    it('create-nx-workspace made that Nx, and no tray-connector yet (the test wrote nothing in it)', () => {
      expect(JSON.parse(ws.read('node_modules/nx/package.json')).version).toBe(version);
      const pkg = JSON.parse(ws.read('package.json')) as { devDependencies: Record<string, string> };
      expect(pkg.devDependencies['tray-connector']).toBeUndefined();
    });

    it(`nx add tray-connector, exactly as the README says, installs the plugin and an @nx/devkit of the workspace's Nx`, () => {
      if (way === 'registry') run(readme('npx nx add tray-connector'));
      else {
        // The tarballs go into the repository (tools/), so CI's `npm ci` finds them on a fresh runner (issue 27.8).
        run(
          readme(`mkdir -p tools && cp ${README_PACK_DIR}/tray-connector-*.tgz ${README_PACK_DIR}/tray-api-emulator-*.tgz tools/`)
            .split(README_PACK_DIR)
            .join(packDir),
        );
        run(readme('npx nx add tray-connector@file:$(ls tools/tray-connector-*.tgz)'));
      }
      const pkg = JSON.parse(ws.read('package.json')) as { devDependencies: Record<string, string> };
      expect(pkg.devDependencies['tray-connector']).toBeDefined();
      if (way === 'tarball') expect(pkg.devDependencies['tray-connector']).toMatch(/^file:tools\/tray-connector-[\d.]+\.tgz$/);
      expect(JSON.parse(ws.read('node_modules/tray-connector/package.json')).version).toBe(
        require(path.join(REPO_ROOT, 'packages/tray-connector/package.json')).version,
      );
      // Whatever @nx/devkit the plugin needs came out right by itself: the one of the workspace's Nx.
      expect(JSON.parse(ws.read('node_modules/@nx/devkit/package.json')).version).toBe(version);
      const devkits = [...run('npm ls @nx/devkit --all').stdout.matchAll(/@nx\/devkit@(\S+)/g)].map((m) => m[1]);
      expect(devkits.length).toBeGreaterThan(0);
      expect(new Set(devkits)).toEqual(new Set([version]));
      expect(registeredPlugins(ws)).toContain('tray-connector');
      ws.commit('nx add tray-connector');
    });

    it('new, build and deploy to the emulator work', async () => {
      run('npx nx g tray-connector:new acme-crm --regions=us --no-interactive');
      run('npx nx build acme-crm');
      expect(ws.exists('connectors/acme-crm/.tray/connector.zip')).toBe(true);
      const before = emu.deployments.length;
      const deployEnv = { ...env(), ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined };
      expectOk(await ws.nxAsync('deploy acme-crm --outputStyle=static', { env: deployEnv }), `nx deploy acme-crm (${ws.root})`);
      expect(emu.deployments.slice(before).map((d) => `${d.name}@${d.region}:${d.status}`)).toEqual(['acme-crm@us:Deployed']);
    });

    it('libraries (issue 27): the zips carry them, nx test and nx typecheck pass, and a change to each deploys exactly its importers', async () => {
      const deployEnv = { ...env(), ...emu.env(), TRAY_API_TOKEN: undefined, TRAY_API_URL: undefined };
      const deployed = async (command: string) => {
        const before = emu.deployments.length;
        expectOk(await ws.nxAsync(`${command} --outputStyle=static`, { env: deployEnv }), `nx ${command} (${ws.root})`);
        return emu.deployments.slice(before).sort((a, b) => (a.name < b.name ? -1 : 1));
      };
      const vendored = (d: { name: string; zip: Buffer }, file: string) =>
        new AdmZip(d.zip).readAsText(`${d.name}/src/__workspace__/${file}`);
      // What a user writes: a library behind a tsconfig path alias, and a package of the npm workspace.
      writeUserLibraries(ws, 'v1');
      run('npm install');
      run('npx nx g tray-connector:new beta --regions=us --skipInstall --no-interactive');
      run('npx nx g tray-connector:new gamma --regions=us --skipInstall --no-interactive');
      useLibrary(ws, 'acme-crm', 'SHARED_API', '@ws/shared');
      useLibrary(ws, 'beta', 'SHARED_API', '@ws/shared');
      useLibrary(ws, 'gamma', 'UTIL_API', '@ws/util');
      ws.commit('connectors use the libraries');

      const first = await deployed('run-many -t deploy');
      expect(first.map((d) => d.name)).toEqual(['acme-crm', 'beta', 'gamma']);
      for (const d of first.slice(0, 2)) expect(vendored(d, SHARED_FILE)).toContain('shared-v1');
      expect(vendored(first[2], UTIL_FILE)).toContain('util-v1');
      expect(JSON.parse(new AdmZip(first[2].zip).readAsText('gamma/package.json')).dependencies['@ws/util']).toBeUndefined();

      run('npx nx run-many -t test --projects=beta,gamma --outputStyle=static');
      // The typecheck target (the tests included; the ts preset's own @nx/js typecheck is replaced): the libraries
      // resolve as in the tests, and a type error in a test, which jest runs without a type check, fails it.
      run('npx nx run-many -t typecheck --projects=beta,gamma --outputStyle=static');
      const testFile = 'connectors/beta/src/get_record/handler.test.ts';
      const clean = ws.read(testFile);
      ws.write(testFile, `${clean}\nexport const notANumber: number = 'forty-two';\n`);
      const typeError = await ws.nxAsync('typecheck beta --outputStyle=static', { env: env() });
      expect(typeError.code).not.toBe(0);
      expect(typeError.output).toContain(`${testFile}:`);
      expect(typeError.output).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
      ws.write(testFile, clean);

      writeUserLibraries(ws, 'v2', 'shared');
      ws.commit('shared v2');
      const afterShared = await deployed('affected -t deploy --base=HEAD~1');
      expect(afterShared.map((d) => d.name)).toEqual(['acme-crm', 'beta']);
      for (const d of afterShared) expect(vendored(d, SHARED_FILE)).toContain('shared-v2');

      writeUserLibraries(ws, 'v2', 'util');
      ws.commit('util v2');
      const afterUtil = await deployed('affected -t deploy --base=HEAD~1');
      expect(afterUtil.map((d) => d.name)).toEqual(['gamma']);
      expect(vendored(afterUtil[0], UTIL_FILE)).toContain('util-v2');

      // A typo never deploys (issue 27.4): refused before any request reaches the emulator.
      const before = emu.requests.length;
      const typo = await ws.nxAsync('run gamma:deploy --dryrun --outputStyle=static', { env: deployEnv });
      expect(typo.code).not.toBe(0);
      expect(typo.output).toContain('Unknown option --dryrun for tray-connector:deploy: did you mean --dryRun?');
      const mistyped = await ws.nxAsync('run beta:deploy --regoins=us --outputStyle=static', { env: deployEnv });
      expect(mistyped.code).not.toBe(0);
      expect(mistyped.output).toContain('Unknown option --regoins for tray-connector:deploy: did you mean --regions?');
      expect(emu.requests.slice(before)).toEqual([]);
    });
  });
});
