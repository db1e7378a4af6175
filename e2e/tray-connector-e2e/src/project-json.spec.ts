import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as path from 'path';
import { tarballs } from './support/pack';
import { REPO_ROOT } from './support/paths';
import { expectOk, createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 11.3 and 11.7 in a fresh workspace with the packed plugin: `new` writes a thin project.json
 * over the registered plugin (full targets with inference off) and never registers the plugin;
 * renamed target names apply to every connector, the regions included; the 0.2.0 migration, run by
 * `nx migrate --run-migrations` from the installed package, thins a project.json exactly as 0.1.0
 * wrote it and keeps the user's changes; a failing build piped to a file carries no ANSI codes.
 */

const FIXTURES = path.join(REPO_ROOT, 'packages/tray-connector/src/migrations/update-0-2-0/__fixtures__');
const SCHEMA = '../../node_modules/nx/schemas/project-schema.json';

describe('project.json: thin over the plugin, renames, the 0.2.0 migration', () => {
  let ws: TestWorkspace;
  const json = (file: string) => JSON.parse(ws.read(file));
  const show = (project: string) => JSON.parse(expectOk(ws.nx(`show project ${project} --json`), `nx show project ${project}`).stdout);
  /** What a target does, without Nx's bookkeeping, with the project's root as {projectRoot} (Nx resolves it in options). */
  const essence = (t: Record<string, unknown>, root: string) =>
    JSON.parse(
      JSON.stringify({
        executor: t.executor,
        options: t.options,
        inputs: t.inputs,
        outputs: t.outputs,
        cache: t.cache,
        dependsOn: t.dependsOn,
      })
        .split(root)
        .join('{projectRoot}'),
    );
  const editNxJson = (edit: (nxJson: Record<string, any>) => void) => {
    const nxJson = json('nx.json');
    edit(nxJson);
    ws.write('nx.json', JSON.stringify(nxJson, null, 2) + '\n');
  };

  beforeAll(() => {
    ws = createTestWorkspace('project-json');
    expectOk(ws.nx(`add tray-connector@file:${tarballs().plugin}`, { timeoutMs: 10 * 60 * 1000 }), 'nx add tray-connector');
    ws.commit('nx add tray-connector');
  });
  afterAll(() => ws?.cleanup());

  it('`nx add` leaves cache, inputs and dependsOn to the plugin: no targetDefaults for its executors', () => {
    const targetDefaults = json('nx.json').targetDefaults ?? {};
    expect(targetDefaults['tray-connector:build']).toBeUndefined();
    expect(targetDefaults['tray-connector:deploy']).toBeUndefined();
  });

  it('`new` writes only the name and the regions; `--addPlugin=false` the full targets; both give the same project', () => {
    expectOk(ws.nx('g tray-connector:new thin-crm --regions=US,eu'), 'new thin-crm');
    expectOk(ws.nx('g tray-connector:new full-crm --regions=us,EU --addPlugin=false'), 'new full-crm --addPlugin=false');
    expectOk(ws.nx('g tray-connector:new plain-crm'), 'new plain-crm');
    expect(json('connectors/thin-crm/project.json')).toEqual({
      name: 'thin-crm',
      $schema: SCHEMA,
      targets: { deploy: { options: { regions: ['us', 'eu'] } } },
    });
    expect(json('connectors/plain-crm/project.json').targets).toEqual({});
    const full = json('connectors/full-crm/project.json');
    expect(Object.keys(full.targets)).toEqual(['build', 'test', 'typecheck', 'deploy', 'share', 'status', 'verify']);
    expect(full.targets.build.executor).toBe('tray-connector:build');

    const thin = show('thin-crm');
    const fat = show('full-crm');
    expect(thin.tags).toContain('tray-connector');
    expect(Object.keys(thin.targets).sort()).toEqual(Object.keys(fat.targets).sort());
    for (const name of Object.keys(fat.targets)) {
      expect([name, essence(thin.targets[name], 'connectors/thin-crm')]).toEqual([name, essence(fat.targets[name], 'connectors/full-crm')]);
    }
    expect(thin.targets.deploy.options.regions).toEqual(['us', 'eu']);
    ws.commit('three connectors');
  });

  it('renamed target names apply to every thin connector, its own regions included: no second deploy target', () => {
    editNxJson((nxJson) => Object.assign(nxJson.plugins[0].options, { buildTargetName: 'tray-build', deployTargetName: 'tray-deploy' }));
    const thin = show('thin-crm');
    expect(Object.keys(thin.targets).sort()).toEqual(['share', 'status', 'test', 'tray-build', 'tray-deploy', 'typecheck', 'verify']);
    expect(thin.targets['tray-deploy'].options.regions).toEqual(['us', 'eu']);
    expect(thin.targets['tray-deploy'].dependsOn).toEqual(['tray-build']);
    expect(thin.targets.verify.dependsOn).toEqual(['tray-build']);
    expect(show('plain-crm').targets['tray-deploy'].options.regions).toEqual(['us']);
    ws.mustRun('git checkout nx.json');
  });

  it('`new` does not re-register a plugin the user removed, and writes full targets then', () => {
    editNxJson((nxJson) => delete nxJson.plugins);
    expectOk(ws.nx('g tray-connector:new after-removal'), 'new after-removal');
    expect(json('nx.json').plugins).toBeUndefined();
    expect(Object.keys(json('connectors/after-removal/project.json').targets)).toEqual([
      'build',
      'test',
      'typecheck',
      'deploy',
      'share',
      'status',
      'verify',
    ]);
    expect(show('after-removal').targets.deploy.options.regions).toEqual(['us']);
    ws.mustRun('git checkout nx.json && rm -rf connectors/after-removal');
  });

  it('a failing build piped to a file has no ANSI codes; a warm build is a cache hit; no response.json without response.ts', () => {
    const input = 'connectors/plain-crm/src/get_record/input.ts';
    const good = ws.read(input);
    ws.write(input, 'export type GetRecordInput = { id: NoSuchType };\n');
    // FORCE_COLOR and CI unset, as in a user's shell: Nx then forces colours in the task (with CI set, Nx colours
    // its own lines too, which a CI log shows as colours)
    const failed = ws.nx('build plain-crm', { env: { FORCE_COLOR: undefined, CI: undefined } });
    ws.write(input, good);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain('plain-crm: build failed');
    expect(failed.output).toContain("Cannot find name 'NoSuchType'");
    expect(failed.output).not.toContain('\u001b[');

    expectOk(ws.nx('build plain-crm'), 'nx build plain-crm');
    // Nx 24 says which: the zip on disk already matched the cache, or Nx put the cached one back (it cannot tell without the daemon)
    expect(expectOk(ws.nx('build plain-crm'), 'nx build plain-crm, warm').output).toMatch(
      /> nx run plain-crm:build {2}\[(existing outputs match the cache, left as is|local cache)\]/,
    );
    const names = new AdmZip(path.join(ws.root, 'connectors/plain-crm/.tray/connector.zip')).getEntries().map((e) => e.entryName);
    expect(names).toEqual(expect.arrayContaining(['plain-crm/src/get_record/input.json', 'plain-crm/src/get_record/output.json']));
    expect(names.filter((n) => n.endsWith('response.json'))).toEqual([]);
  });

  it('a connector.json with a trailing comma breaks only its connector: the others build, its targets name file:line:col (issue 22.5)', () => {
    const file = 'connectors/thin-crm/connector.json';
    const good = ws.read(file);
    const broken = good.replace(/\n\}\s*$/, ',\n}\n');
    expect(broken).not.toBe(good);
    ws.write(file, broken);
    try {
      const projects = expectOk(ws.nx('show projects'), 'nx show projects').stdout;
      expect(projects).toContain('plain-crm');
      expect(projects).toContain('thin-crm');
      expectOk(ws.nx('build plain-crm'), 'nx build plain-crm beside a broken connector');
      const failed = ws.nx('build thin-crm');
      expect(failed.code).not.toBe(0);
      const line = broken.trimEnd().split('\n').length;
      expect(failed.output).toContain(`${file}:${line}:1: `);
      expect(failed.output).toContain(`Fix ${file}`);
    } finally {
      ws.write(file, good);
    }
  });

  it('`nx migrate --run-migrations` thins a project.json and the targetDefaults 0.1.0 wrote, keeping the user changes', () => {
    expectOk(ws.nx('g tray-connector:new acme --regions=eu'), 'new acme');
    // exactly what 0.1.0 wrote, then edited by a user: an extra tag and another test command
    const old = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'project.0.1.0.json'), 'utf8'));
    old.tags.push('scope:sales');
    old.targets.test.options.command = 'jest --ci --config jest.config.js';
    ws.write('connectors/acme/project.json', JSON.stringify(old, null, 2) + '\n');
    const old010 = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'nx.0.1.0.json'), 'utf8'));
    editNxJson((nxJson) => (nxJson.targetDefaults = { ...nxJson.targetDefaults, ...old010.targetDefaults }));
    ws.write(
      'migrations.json',
      JSON.stringify({ migrations: [{ package: 'tray-connector', version: '0.2.0', name: 'thin-project-json' }] }, null, 2) + '\n',
    );
    const before = show('acme');

    // The installed nx runs the migration (no temp nx@latest from the registry), as after `nx migrate tray-connector@0.2.0 && npm install`.
    expectOk(
      ws.nx('migrate --run-migrations=migrations.json', { env: { NX_MIGRATE_USE_LOCAL: 'true', NX_MIGRATE_SKIP_INSTALL: 'true' } }),
      'nx migrate --run-migrations',
    );
    expect(json('connectors/acme/project.json')).toEqual({
      name: 'acme',
      $schema: SCHEMA,
      tags: ['scope:sales'],
      targets: { test: { options: { command: 'jest --ci --config jest.config.js' } }, deploy: { options: { regions: ['eu'] } } },
    });
    const targetDefaults = json('nx.json').targetDefaults ?? {};
    expect(targetDefaults['tray-connector:build']).toBeUndefined();
    expect(targetDefaults['tray-connector:deploy']).toBeUndefined();

    const after = show('acme');
    expect(after.tags).toEqual(expect.arrayContaining(['tray-connector', 'scope:sales']));
    expect(after.targets.test.options.command).toBe('jest --ci --config jest.config.js');
    expect(after.targets.deploy.options.regions).toEqual(['eu']);
    for (const name of ['build', 'test', 'deploy', 'share'])
      expect([name, after.targets[name].executor]).toEqual([name, before.targets[name].executor]);
    expect(after.targets.deploy.dependsOn).toEqual(['build']);
  });
});
