import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { logger, readJson, readNxJson, readProjectConfiguration, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { createWorkspaceTree } from '../__fixtures__/tree';
import { validateConnectorConfig } from '../../core/connector/connector-config';
import { connectorTargets } from '../../plugin/targets';
import { initGenerator } from '../init/generator';
import { newGenerator } from './generator';
import { codeIdentifiers, syntaxErrors } from '../../core/openapi/__fixtures__/imported-connector';

const ROOT = 'connectors/acme-crm';

/** Every file under a folder of the tree, relative to it, sorted. */
function listFiles(tree: Tree, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const child of tree.children(d)) {
      const p = `${d}/${child}`;
      if (tree.isFile(p)) out.push(p.slice(dir.length + 1));
      else walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('new generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createWorkspaceTree();
  });

  it('writes what tray-cdk connector init would, plus project.json', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    expect(listFiles(tree, ROOT)).toEqual([
      'connector.json',
      'jest.config.js',
      'package.json',
      'project.json',
      'src/AcmeCrmAuth.ts',
      'src/GlobalConfig.ts',
      'src/get_record/handler.test.ts',
      'src/get_record/handler.ts',
      'src/get_record/input.ts',
      'src/get_record/operation.json',
      'src/get_record/output.ts',
      'src/test.ctx.json',
      'test.ctx.example.json',
      'tsconfig.json',
    ]);
  });

  it('writes connector.json with name, version 1.0, title, description, service, tags and isTrigger', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const connector = readJson(tree, `${ROOT}/connector.json`);
    expect(connector).toEqual({
      name: 'acme-crm',
      version: '1.0',
      title: 'Acme Crm',
      description: '',
      service: { name: 'acme-crm', version: '1' },
      tags: [],
      isTrigger: false,
    });
    expect(validateConnectorConfig(connector)).toEqual([]);
  });

  it('takes title, description and service from the options', async () => {
    await newGenerator(tree, {
      name: 'acme-crm',
      title: 'ACME CRM',
      description: 'Contacts and deals',
      service: 'acme',
      skipInstall: true,
    });
    expect(readJson(tree, `${ROOT}/connector.json`)).toMatchObject({
      title: 'ACME CRM',
      description: 'Contacts and deals',
      service: { name: 'acme', version: '1' },
    });
  });

  it('writes a standalone package.json with the Tray CDK dependencies and a test script', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    expect(readJson(tree, `${ROOT}/package.json`)).toEqual({
      name: 'acme-crm',
      version: '1.0.0',
      description: 'Acme Crm',
      private: true,
      // The plugin's own engines (Node 20.3+), as the root package.json says too (issue 27.8).
      engines: { node: '>=20.3' },
      scripts: { test: 'jest --config ./jest.config.js' },
      dependencies: { '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0' },
      devDependencies: { '@types/jest': '30.0.0', jest: '30.5.2', 'ts-jest': '29.4.15', typescript: '5.9.3' },
    });
  });

  it("asks for the Node.js versions the plugin's and the repository's package.json ask for", async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const engines = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, file), 'utf8')).engines;
    expect(readJson(tree, `${ROOT}/package.json`).engines).toEqual(engines('../../../package.json'));
    expect(readJson(tree, `${ROOT}/package.json`).engines).toEqual(engines('../../../../../package.json'));
  });

  it('writes a standalone tsconfig.json (extends nothing) and a ts-jest jest.config.js', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const tsconfig = readJson(tree, `${ROOT}/tsconfig.json`);
    expect(tsconfig.extends).toBeUndefined();
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, rootDir: './src', outDir: './dist', esModuleInterop: true });
    const jestConfig = tree.read(`${ROOT}/jest.config.js`, 'utf-8')!;
    expect(jestConfig).toContain("'ts-jest'");
    expect(jestConfig).toContain("testMatch: ['**/?(*.)+(test).ts']");
  });

  it('runs the tests without a second type check: ts-jest transpiles each file (tsconfig.json plus isolatedModules), the build owns the type check', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const config = { exports: {} as any };
    // The plugin's own template (no user text in it): evaluated as jest would load it, from a folder outside
    // any Nx workspace (no path aliases to add).
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-jest-config-'));
    new Function('module', 'require', '__dirname', tree.read(`${ROOT}/jest.config.js`, 'utf-8')!)(config, require, outside);
    const [transformer, options] = config.exports.transform['^.+\\.ts$'];
    expect(transformer).toBe('ts-jest');
    // An object: ts-jest reads the connector's tsconfig.json (found from jest's rootDir) and sets isolatedModules over it.
    expect(options.tsconfig).toEqual({ isolatedModules: true });
    expect(config.exports.testMatch).toEqual(['**/?(*.)+(test).ts']);
  });

  describe('with the plugin registered (inference on): project.json holds only what differs from the inferred project', () => {
    const projectJson = () => readJson(tree, `${ROOT}/project.json`);
    const savedAddPlugins = process.env.NX_ADD_PLUGINS;
    beforeEach(async () => {
      delete process.env.NX_ADD_PLUGINS;
      await initGenerator(tree, { skipInstall: true, skipFormat: true });
    });
    afterEach(() => {
      if (savedAddPlugins === undefined) delete process.env.NX_ADD_PLUGINS;
      else process.env.NX_ADD_PLUGINS = savedAddPlugins;
    });

    it('the name and nothing else for the default regions', async () => {
      await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
      // Nx itself adds the "// targets" hint to a project.json whose targets are all inferred.
      expect(projectJson()).toEqual({
        name: 'acme-crm',
        $schema: '../../node_modules/nx/schemas/project-schema.json',
        '// targets': 'to see all targets run: nx show project acme-crm --web',
        targets: {},
      });
      await newGenerator(tree, { name: 'other-one', regions: 'US', skipInstall: true });
      expect(readJson(tree, 'connectors/other-one/project.json').targets).toEqual({});
    });

    it("keeps package.json's test script from replacing the inferred test target (Nx makes it a project beside project.json)", async () => {
      await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
      expect(readJson(tree, `${ROOT}/package.json`).nx).toEqual({ includedScripts: [] });
      await newGenerator(tree, { name: 'full-one', addPlugin: false, skipInstall: true });
      expect(readJson(tree, 'connectors/full-one/package.json').nx).toBeUndefined();
    });

    it('the regions under the deploy target when they differ from defaultRegions, and only the extra tags', async () => {
      await newGenerator(tree, { name: 'acme-crm', regions: 'EU,us', tags: 'scope:sales', skipInstall: true });
      expect(projectJson()).toEqual({
        name: 'acme-crm',
        $schema: '../../node_modules/nx/schemas/project-schema.json',
        tags: ['scope:sales'],
        targets: { deploy: { options: { regions: ['eu', 'us'] } } },
      });
    });

    it("follows the plugin options: the deploy target's name and defaultRegions", async () => {
      updateNxJson(tree, {
        ...readNxJson(tree),
        plugins: [{ plugin: 'tray-connector', options: { deployTargetName: 'tray-deploy', defaultRegions: ['eu'] } }],
      });
      await newGenerator(tree, { name: 'acme-crm', regions: 'eu1', skipInstall: true });
      expect(projectJson().targets).toEqual({});
      await newGenerator(tree, { name: 'other-one', regions: 'us', skipInstall: true });
      expect(readJson(tree, 'connectors/other-one/project.json').targets).toEqual({ 'tray-deploy': { options: { regions: ['us'] } } });
    });

    it('no region chosen: says which regions the connector deploys to and where they come from (issue 21.4)', async () => {
      const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
      try {
        updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: 'tray-connector', options: { defaultRegions: ['eu', 'apac'] } }] });
        await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
        expect(info).toHaveBeenCalledWith(
          "No region chosen: acme-crm deploys to eu, apac, the tray-connector plugin's defaultRegions in nx.json (or give --regions).",
        );
        info.mockClear();
        await newGenerator(tree, { name: 'other-one', regions: 'us', skipInstall: true });
        expect(info.mock.calls.flat().join('\n')).not.toContain('No region chosen');
        await newGenerator(tree, { name: 'third-one', addPlugin: false, skipInstall: true });
        expect(info).toHaveBeenCalledWith(
          'No region chosen: third-one deploys to us (written to its project.json; change targets.deploy.options.regions there).',
        );
      } finally {
        info.mockRestore();
      }
    });

    it('full targets with --addPlugin=false, useInferencePlugins: false or NX_ADD_PLUGINS=false', async () => {
      await newGenerator(tree, { name: 'acme-crm', addPlugin: false, skipInstall: true });
      expect(projectJson().targets).toEqual(connectorTargets(['us']));
      updateNxJson(tree, { ...readNxJson(tree), useInferencePlugins: false });
      await newGenerator(tree, { name: 'other-one', skipInstall: true });
      expect(readJson(tree, 'connectors/other-one/project.json').targets).toEqual(connectorTargets(['us']));
      updateNxJson(tree, { ...readNxJson(tree), useInferencePlugins: undefined });
      process.env.NX_ADD_PLUGINS = 'false';
      await newGenerator(tree, { name: 'third-one', skipInstall: true });
      expect(readJson(tree, 'connectors/third-one/project.json').targets).toEqual(connectorTargets(['us']));
    });
  });

  it('never registers the plugin: one the user removed stays removed, and project.json gets full targets', async () => {
    await initGenerator(tree, { skipInstall: true, skipFormat: true });
    updateNxJson(tree, { ...readNxJson(tree), plugins: [] });
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    expect(readNxJson(tree)!.plugins).toEqual([]);
    expect(readProjectConfiguration(tree, 'acme-crm').targets).toEqual(connectorTargets(['us']));
    await newGenerator(tree, { name: 'other-one', addPlugin: true, skipInstall: true });
    expect(readNxJson(tree)!.plugins).toEqual([]);
  });

  it('without the plugin, writes project.json with the shared targets, the chosen regions and the tray-connector tag', async () => {
    await newGenerator(tree, { name: 'acme-crm', regions: 'us,eu', skipInstall: true });
    const project = readProjectConfiguration(tree, 'acme-crm');
    expect(project.root).toBe(ROOT);
    expect(project.sourceRoot).toBe(`${ROOT}/src`);
    expect(project.projectType).toBe('application');
    expect(project.tags).toEqual(['tray-connector']);
    expect(project.targets).toEqual(connectorTargets(['us', 'eu']));
    expect(project.targets!.build.executor).toBe('tray-connector:build');
    expect(project.targets!.deploy).toMatchObject({
      executor: 'tray-connector:deploy',
      dependsOn: ['build'],
      options: { regions: ['us', 'eu'] },
    });
    expect(project.targets!.share.executor).toBe('tray-connector:share');
    expect(project.targets!.test.options.cwd).toBe('{projectRoot}');
  });

  it('takes regions as an array too, in any case and with aliases, defaults to us, and drops duplicates', async () => {
    await newGenerator(tree, { name: 'acme-crm', regions: ['EU', 'apac', 'eu1'], skipInstall: true });
    expect(readProjectConfiguration(tree, 'acme-crm').targets!.deploy.options.regions).toEqual(['eu', 'apac']);
    await newGenerator(tree, { name: 'other-one', skipInstall: true });
    expect(readProjectConfiguration(tree, 'other-one').targets!.deploy.options.regions).toEqual(['us']);
  });

  it('adds extra tags after tray-connector', async () => {
    await newGenerator(tree, { name: 'acme-crm', tags: 'scope:sales, team:crm', skipInstall: true });
    expect(readProjectConfiguration(tree, 'acme-crm').tags).toEqual(['tray-connector', 'scope:sales', 'team:crm']);
  });

  it('writes into --directory', async () => {
    await newGenerator(tree, { name: 'acme-crm', directory: 'apps/tray/acme', skipInstall: true });
    expect(readProjectConfiguration(tree, 'acme-crm').root).toBe('apps/tray/acme');
    expect(tree.exists('apps/tray/acme/connector.json')).toBe(true);
    expect(tree.exists(ROOT)).toBe(false);
  });

  it('writes an http sample operation whose type names follow the folder name', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const op = `${ROOT}/src/get_record`;
    expect(readJson(tree, `${op}/operation.json`)).toEqual({
      name: 'get_record',
      title: 'Get record',
      description: 'Gets one record by its ID (a sample operation: adapt or replace it)',
    });
    expect(tree.read(`${op}/input.ts`, 'utf-8')).toContain('export type GetRecordInput = {');
    expect(tree.read(`${op}/output.ts`, 'utf-8')).toContain('export type GetRecordOutput = {');
    const handler = tree.read(`${op}/handler.ts`, 'utf-8')!;
    expect(handler).toContain("import { AcmeCrmAuth } from '../AcmeCrmAuth';");
    expect(handler).toContain('export const getRecordHandler = OperationHandlerSetup.configureHandler<');
    expect(handler).toContain('handler.withGlobalConfiguration(globalConfigHttp).usingHttp(');
    const test = tree.read(`${op}/handler.test.ts`, 'utf-8')!;
    expect(test).toContain('OperationHandlerTestSetup.configureHandlerTest(getRecordHandler,');
    expect(test).toContain("server.listen(0, '127.0.0.1', resolve)");
  });

  it('writes a composite sample operation with --operationKind=composite', async () => {
    await newGenerator(tree, { name: 'acme-crm', operationKind: 'composite', skipInstall: true });
    const op = `${ROOT}/src/count_words`;
    expect(readJson(tree, `${op}/operation.json`).name).toBe('count_words');
    expect(tree.read(`${op}/input.ts`, 'utf-8')).toContain('export type CountWordsInput = {');
    expect(tree.read(`${op}/handler.ts`, 'utf-8')).toContain('handler.usingComposite(');
    expect(tree.exists(`${ROOT}/src/get_record`)).toBe(false);
  });

  it('shapes the auth type and the test context by --auth, with no secret in any file', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    expect(tree.read(`${ROOT}/src/AcmeCrmAuth.ts`, 'utf-8')).toBe(
      '/** Acme Crm needs no authentication. */\nexport type AcmeCrmAuth = never;\n',
    );
    expect(readJson(tree, `${ROOT}/src/test.ctx.json`)).toEqual({});
    expect(tree.read(`${ROOT}/src/GlobalConfig.ts`, 'utf-8')).not.toContain('withBearerToken');

    await newGenerator(tree, { name: 'token-crm', auth: 'token', skipInstall: true });
    const tokenAuth = tree.read('connectors/token-crm/src/TokenCrmAuth.ts', 'utf-8')!;
    expect(tokenAuth).toContain('export type TokenCrmAuth = TokenOperationHandlerAuth<TokenCrmAuthUser, TokenCrmAuthApp>;');
    expect(tokenAuth).toContain('access_token: string;');
    expect(readJson(tree, 'connectors/token-crm/src/test.ctx.json')).toEqual({
      auth: { authType: 'TOKEN', authId: 'local-test', user: { access_token: '' }, app: {} },
    });
    expect(tree.read('connectors/token-crm/src/GlobalConfig.ts', 'utf-8')).toContain(
      ".withBearerToken((ctx) => ctx.auth?.user.access_token ?? '');",
    );

    await newGenerator(tree, { name: 'oauth-crm', auth: 'oauth2', skipInstall: true });
    expect(tree.read('connectors/oauth-crm/src/OauthCrmAuth.ts', 'utf-8')).toContain(
      'export type OauthCrmAuth = Oauth2OperationHandlerAuth<OauthCrmAuthUser, OauthCrmAuthApp>;',
    );
    expect(readJson(tree, 'connectors/oauth-crm/src/test.ctx.json').auth.authType).toBe('OAUTH2');
    // A fresh clone has no test.ctx.json (git-ignored): the committed example shows its shape (issue 22.4).
    expect(readJson(tree, 'connectors/oauth-crm/test.ctx.example.json')).toEqual(readJson(tree, 'connectors/oauth-crm/src/test.ctx.json'));
    expect(readJson(tree, 'connectors/token-crm/test.ctx.example.json')).toEqual(readJson(tree, 'connectors/token-crm/src/test.ctx.json'));
  });

  it('points the HTTP base URL at an environment variable named after the connector, for offline tests', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    const globalConfig = tree.read(`${ROOT}/src/GlobalConfig.ts`, 'utf-8')!;
    expect(globalConfig).toContain("export const API_BASE_URL = 'https://api.acme-crm.example.com';");
    expect(globalConfig).toContain("export const BASE_URL_ENV = 'ACME_CRM_BASE_URL';");
    expect(globalConfig).toContain('.withBaseUrl(() => process.env[BASE_URL_ENV] ?? API_BASE_URL)');
  });

  it('sets the workspace up as init does (dependencies, nx.json, .gitignore)', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
    expect(readJson(tree, 'package.json').dependencies['@trayio/cdk-dsl']).toBe('4.65.0');
    expect(readNxJson(tree)!.targetDefaults!['tray-connector:build']).toBeDefined();
    expect(tree.read('.gitignore', 'utf-8')).toContain('*.ctx.json');
  });

  describe('refuses, writing nothing', () => {
    const refuse = async (options: Parameters<typeof newGenerator>[1], message: string | RegExp) => {
      const before = tree.listChanges().map((c) => c.path);
      await expect(newGenerator(tree, { skipInstall: true, ...options })).rejects.toThrow(message);
      expect(tree.listChanges().map((c) => c.path)).toEqual(before);
    };

    it('a name that is not kebab-case, suggesting the kebab-case form', async () => {
      await refuse({ name: 'AcmeCRM' }, /must be kebab-case.*got "AcmeCRM", use "acme-crm"/);
      await refuse({ name: 'acme_crm' }, /use "acme-crm"/);
    });

    it('an unknown region', async () => {
      await refuse(
        { name: 'acme-crm', regions: 'us,mars' },
        'Unknown region "mars" in --regions: use us, eu, apac (any case; aliases us1, eu1, ap1, apac1), e.g. --regions=us,eu',
      );
    });

    it('an existing project of that name', async () => {
      await newGenerator(tree, { name: 'acme-crm', skipInstall: true });
      await refuse(
        { name: 'acme-crm', directory: 'elsewhere/acme-crm' },
        'A project named "acme-crm" already exists (connectors/acme-crm)',
      );
    });

    it('an existing directory', async () => {
      tree.write(`${ROOT}/README.md`, 'mine');
      await refuse({ name: 'acme-crm' }, `${ROOT} already exists: choose another --directory`);
    });

    it('a connector name another connector in the workspace already uses', async () => {
      writeJson(tree, 'legacy/crm/connector.json', { name: 'acme-crm', version: '1.0', title: 'Old' });
      await refuse({ name: 'acme-crm' }, 'The connector name "acme-crm" is already used by legacy/crm/connector.json');
    });

    it('a directory outside the workspace', async () => {
      await refuse({ name: 'acme-crm', directory: '../outside' }, /must be a folder inside the workspace/);
    });

    it('an unknown auth or operation kind', async () => {
      await refuse({ name: 'acme-crm', auth: 'basic' as never }, 'Unknown --auth "basic": use none, token, oauth2');
      await refuse({ name: 'acme-crm', operationKind: 'soap' as never }, 'Unknown --operationKind "soap": use http or composite');
    });
  });

  it('writes a title into the auth type only as comment text, never as code or HTML entities (19.1)', async () => {
    const title = "Bob's */ globalThis.PWNED_BY_TITLE = 1; /* **// CRM\nnext";
    await newGenerator(tree, { name: 'acme-crm', title, auth: 'token', skipInstall: true, skipFormat: true });
    const auth = tree.read(`${ROOT}/src/AcmeCrmAuth.ts`, 'utf-8') ?? '';
    expect(codeIdentifiers(auth).has('PWNED_BY_TITLE')).toBe(false);
    expect(auth).toContain("with Bob's *\\/ globalThis.PWNED_BY_TITLE = 1; /* **\\// CRM next: an API token. */");
    for (const file of ['src/GlobalConfig.ts', 'src/get_record/handler.ts', 'src/get_record/handler.test.ts'])
      expect(syntaxErrors(tree.read(`${ROOT}/${file}`, 'utf-8') ?? '')).toEqual([]);
  });
});
