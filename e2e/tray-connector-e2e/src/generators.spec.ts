import AdmZip from 'adm-zip';
import * as path from 'path';
import { tarballs } from './support/pack';
import { expectOk, createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 3, the way a user starts: in a fresh workspace with the packed plugin,
 * `nx add tray-connector` (the init generator), `nx g tray-connector:new acme-crm --regions=us,eu`,
 * `nx g tray-connector:operation list_contacts --project=acme-crm`, then `nx test` (offline, with the
 * real @trayio/cdk-dsl and @trayio/cdk-runtime 4.65.0 that init installed) and `nx build`, whose zip
 * must hold both operations with their schemas.
 *
 * `nx add` is given the tarball as `tray-connector@file:<path>`: Nx splits the specifier at its last
 * `@` and runs `npm install -D tray-connector@file:<path>`, then the plugin's init generator.
 */

const ROOT = 'connectors/acme-crm';

describe('generators in a fresh workspace', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = createTestWorkspace('generators');
  });
  afterAll(() => ws?.cleanup());

  it('`nx add tray-connector` installs what connectors need, registers the plugin and git-ignores credentials', () => {
    const { plugin } = tarballs();
    expectOk(ws.nx(`add tray-connector@file:${plugin}`, { timeoutMs: 10 * 60 * 1000 }), 'nx add tray-connector');

    const pkg = JSON.parse(ws.read('package.json'));
    expect(pkg.dependencies).toMatchObject({ '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0' });
    expect(pkg.devDependencies).toMatchObject({ jest: '30.5.2', 'ts-jest': '29.4.15', '@types/jest': '30.0.0', typescript: '5.9.3' });
    // init installed them (not just listed them)
    expect(ws.exists('node_modules/@trayio/cdk-runtime/package.json')).toBe(true);
    expect(ws.exists('node_modules/ts-jest/package.json')).toBe(true);

    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.plugins).toEqual([
      {
        plugin: 'tray-connector',
        options: {
          buildTargetName: 'build',
          testTargetName: 'test',
          typecheckTargetName: 'typecheck',
          deployTargetName: 'deploy',
          shareTargetName: 'share',
          defaultRegions: ['us'],
        },
      },
    ]);
    // the registered plugin's inferred targets carry cache, inputs and outputs: no targetDefaults to freeze them
    expect(nxJson.targetDefaults?.['tray-connector:build']).toBeUndefined();
    expect(nxJson.pluginsConfig['@nx/js']).toEqual({ analyzeSourceFiles: true, projectsAffectedByDependencyUpdates: 'auto' });
    expect(ws.read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['.tray/', '*.ctx.json']));
    ws.commit('nx add tray-connector');
  });

  it('running init again changes nothing', () => {
    expectOk(ws.nx('g tray-connector:init'), 'nx g tray-connector:init');
    expect(ws.mustRun('git status --porcelain').stdout.trim()).toBe('');
  });

  it('`nx g tray-connector:new acme-crm --regions=us,eu` scaffolds a connector project', () => {
    const dry = expectOk(ws.nx('g tray-connector:new acme-crm --regions=us,eu --dry-run'), 'new --dry-run');
    expect(dry.output).toContain(`CREATE ${ROOT}/connector.json`);
    expect(ws.exists(ROOT)).toBe(false);

    expectOk(ws.nx('g tray-connector:new acme-crm --regions=us,eu'), 'nx g tray-connector:new');
    expect(JSON.parse(ws.read(`${ROOT}/connector.json`))).toEqual({
      name: 'acme-crm',
      version: '1.0',
      title: 'Acme Crm',
      description: '',
      service: { name: 'acme-crm', version: '1' },
      tags: [],
      isTrigger: false,
    });
    const project = JSON.parse(ws.nx('show project acme-crm --json').stdout);
    expect(project.tags).toContain('tray-connector');
    expect(project.targets.deploy.options.regions).toEqual(['us', 'eu']);
    expect(project.targets.build.executor).toBe('tray-connector:build');
    // the local test context exists but git ignores it
    expect(ws.exists(`${ROOT}/src/test.ctx.json`)).toBe(true);
    expect(ws.run(`git check-ignore -q ${ROOT}/src/test.ctx.json`).code).toBe(0);
  });

  it('refuses an existing project, an unknown region and a name that is not kebab-case, writing nothing', () => {
    ws.commit('acme-crm');
    const again = ws.nx('g tray-connector:new acme-crm');
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('A project named "acme-crm" already exists (connectors/acme-crm)');
    const region = ws.nx('g tray-connector:new other-crm --regions=us,mars');
    expect(region.code).not.toBe(0);
    expect(region.output).toContain('Unknown region "mars"');
    const name = ws.nx('g tray-connector:new Other_CRM');
    expect(name.code).not.toBe(0);
    expect(name.output).toContain('use "other-crm"');
    expect(ws.mustRun('git status --porcelain').stdout.trim()).toBe('');
  });

  it('`nx g tray-connector:operation list_contacts --project=acme-crm` adds an operation', () => {
    expectOk(ws.nx('g tray-connector:operation list_contacts --project=acme-crm'), 'nx g tray-connector:operation');
    expect(JSON.parse(ws.read(`${ROOT}/src/list_contacts/operation.json`))).toEqual({
      name: 'list_contacts',
      title: 'List contacts',
      description: '',
    });
    expect(ws.read(`${ROOT}/src/list_contacts/input.ts`)).toContain('export type ListContactsInput = {');
    expect(ws.read(`${ROOT}/src/list_contacts/output.ts`)).toContain('export type ListContactsOutput = {');
    const again = ws.nx('g tray-connector:operation list_contacts --project=acme-crm');
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('already has an operation "list_contacts"');
  });

  it('`nx test acme-crm` passes offline with the real Tray CDK packages', () => {
    const r = expectOk(ws.nx('test acme-crm', { timeoutMs: 10 * 60 * 1000 }), 'nx test acme-crm');
    expect(r.output).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(r.output).toContain('get_record');
    expect(r.output).toContain('list_contacts');
  });

  it('`nx build acme-crm` zips both operations with their schemas, and no credentials', () => {
    expectOk(ws.nx('build acme-crm'), 'nx build acme-crm');
    const zip = new AdmZip(path.join(ws.root, ROOT, '.tray/connector.zip'));
    const names = zip.getEntries().map((e) => e.entryName);
    for (const op of ['get_record', 'list_contacts']) {
      for (const file of ['operation.json', 'input.ts', 'output.ts', 'handler.ts', 'input.json', 'output.json']) {
        expect(names).toContain(`acme-crm/src/${op}/${file}`);
      }
    }
    expect(names).toEqual(
      expect.arrayContaining(['acme-crm/connector.json', 'acme-crm/package.json', 'acme-crm/tsconfig.json', 'acme-crm/src/AcmeCrmAuth.ts']),
    );
    expect(names.filter((n) => n.endsWith('.ctx.json'))).toEqual([]);
    expect(names.filter((n) => n.includes('project.json'))).toEqual([]);

    const input = JSON.parse(zip.readAsText('acme-crm/src/list_contacts/input.json'));
    expect(input).toMatchObject({
      type: 'object',
      properties: { id: { type: 'number', title: 'ID' } },
      required: ['id'],
      additionalProperties: false,
    });
    const output = JSON.parse(zip.readAsText('acme-crm/src/get_record/output.json'));
    expect(output).toMatchObject({
      type: 'object',
      properties: { id: { type: 'number' }, title: { type: 'string' } },
      required: ['id', 'title'],
    });
  });
});
