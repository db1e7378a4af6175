import { logger, readJson, readProjectConfiguration, updateNxJson, readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectorTargets } from '../../plugin/targets';
import { newGenerator } from '../new/generator';
import { importGenerator } from './generator';

const ROOT = 'connectors/acme-crm';
const SPEC = {
  openapi: '3.0.3',
  info: { title: 'Acme CRM', version: '1' },
  servers: [{ url: 'https://api.acme.com/v1' }],
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/contacts': {
      get: {
        operationId: 'listContacts',
        tags: ['contacts'],
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } },
        },
      },
      post: {
        operationId: 'uploadContacts',
        requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } },
        responses: { '201': { description: 'ok' } },
      },
    },
    '/deals/{id}': {
      get: {
        operationId: 'getDeal',
        tags: ['deals'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

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

describe('import generator', () => {
  let tree: Tree;
  let dir: string;
  let spec: string;
  let info: jest.SpyInstance;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-import-'));
    spec = path.join(dir, 'openapi.json');
    fs.writeFileSync(spec, JSON.stringify(SPEC));
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => {
    info.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const printed = () => info.mock.calls.map((c) => String(c[0])).join('\n');

  it("scaffolds a connector with `new` and writes one operation per OpenAPI operation instead of new's sample", async () => {
    await importGenerator(tree, { spec, name: 'acme-crm', regions: ['us', 'eu'], skipInstall: true });
    expect(listFiles(tree, ROOT)).toEqual([
      'connector.json',
      'jest.config.js',
      'package.json',
      'project.json',
      'src/AcmeCrmAuth.ts',
      'src/GlobalConfig.ts',
      'src/get_deal/handler.test.ts',
      'src/get_deal/handler.ts',
      'src/get_deal/input.ts',
      'src/get_deal/operation.json',
      'src/get_deal/output.ts',
      'src/http-parameters.ts',
      'src/list_contacts/handler.test.ts',
      'src/list_contacts/handler.ts',
      'src/list_contacts/input.ts',
      'src/list_contacts/operation.json',
      'src/list_contacts/output.ts',
      'src/test.ctx.json',
      'test.ctx.example.json',
      'tsconfig.json',
    ]);
    expect(readJson(tree, `${ROOT}/connector.json`)).toMatchObject({ name: 'acme-crm', title: 'Acme CRM' });
    expect(readProjectConfiguration(tree, 'acme-crm').targets).toEqual(connectorTargets(['us', 'eu']));
    expect(tree.read(`${ROOT}/src/AcmeCrmAuth.ts`, 'utf-8')).toContain('TokenOperationHandlerAuth');
    const globalConfig = tree.read(`${ROOT}/src/GlobalConfig.ts`, 'utf-8')!;
    expect(globalConfig).toContain("export const API_BASE_URL = 'https://api.acme.com/v1';");
    expect(globalConfig).toContain('.withBearerToken(');
    expect(printed()).toContain('acme-crm (connectors/acme-crm) from');
    expect(printed()).toContain('2 operations imported, 1 not importable');
    expect(printed()).toMatch(
      /Not imported:\n {2}POST \/contacts \(uploadContacts\): a multipart\/form-data body without declared properties: its parts are unknown/,
    );
  });

  it('takes the name from info.title and filters by --tags / --operations', async () => {
    await importGenerator(tree, { spec, tags: 'deals', skipInstall: true });
    expect(
      tree
        .children(`${ROOT}/src`)
        .filter((c) => !c.includes('.'))
        .sort(),
    ).toEqual(['get_deal']);
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await importGenerator(tree, { spec, name: 'other', operations: 'list*', skipInstall: true });
    expect(
      tree
        .children('connectors/other/src')
        .filter((c) => !c.includes('.'))
        .sort(),
    ).toEqual(['list_contacts']);
  });

  it('--paths imports the operations under the matching paths; with --tags too, an operation must match both', async () => {
    await importGenerator(tree, { spec, name: 'acme-crm', paths: '/deals/**', skipInstall: true });
    const folders = (root: string) =>
      tree
        .children(`${root}/src`)
        .filter((c) => !c.includes('.'))
        .sort();
    expect(folders(ROOT)).toEqual(['get_deal']);
    expect(printed()).toContain('1 operation imported, 2 left out by --operations/--paths/--tags');
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await importGenerator(tree, { spec, name: 'acme-crm', paths: '/contacts,/deals/*', tags: 'contacts', skipInstall: true });
    expect(folders(ROOT)).toEqual(['list_contacts']);
  });

  it('fails closed on a tag, path or operation glob that matches nothing, listing what the spec has, writing nothing', async () => {
    await expect(importGenerator(tree, { spec, name: 'acme-crm', tags: 'contacts,invoices', skipInstall: true })).rejects.toThrow(
      `Nothing was imported: --tags "invoices" matches no operation's tag. The spec's tags: "contacts", "deals"`,
    );
    await expect(importGenerator(tree, { spec, name: 'acme-crm', paths: '/invoices/**', skipInstall: true })).rejects.toThrow(
      `--paths "/invoices/**" matches no path (globs like /repos/** or /pets/*). The spec's paths: "/contacts", "/deals/{id}"`,
    );
    await expect(importGenerator(tree, { spec, name: 'acme-crm', operations: 'getDeal,deleteDeal', skipInstall: true })).rejects.toThrow(
      `--operations "deleteDeal" matches no operationId, operation name or path. The spec's operations: "getDeal", "listContacts", "uploadContacts"`,
    );
    expect(tree.exists(ROOT)).toBe(false);
  });

  it("warns when the connector's zip would be over the build's maxZipBytes, naming the options that import a part", async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await importGenerator(tree, { spec, name: 'acme-crm', skipInstall: true });
      expect(warn).not.toHaveBeenCalled();
      // The limit a workspace sets for every build (nx.json's target defaults), far below these few files.
      const nxJson = readNxJson(tree)!;
      updateNxJson(tree, { ...nxJson, targetDefaults: { ...nxJson.targetDefaults, build: { options: { maxZipBytes: 2048 } } } });
      await importGenerator(tree, { spec, connector: 'acme-crm', skipInstall: true });
      expect(warn).toHaveBeenCalledTimes(1);
      const text = String(warn.mock.calls[0][0]);
      expect(text).toMatch(
        /^acme-crm's zip will be at least \d+\.\d kB \(its source files alone; the build adds each operation's schemas\), over the build's maxZipBytes of 2\.0 kB: `nx build acme-crm` will refuse it\./,
      );
      expect(text).toContain('Import a part of the spec with --tags, --paths or --operations');
    } finally {
      warn.mockRestore();
    }
  });

  it('imports a Swagger 2.0 document as it is (converted to OpenAPI 3.0 first): operations, base URL, auth, form and JSON bodies', async () => {
    const swagger = path.join(__dirname, '..', '..', 'core', 'openapi', '__fixtures__', 'swagger2', 'swagger.yaml');
    await importGenerator(tree, { spec: swagger, name: 'pets', skipInstall: true });
    const root = 'connectors/pets';
    expect(
      tree
        .children(`${root}/src`)
        .filter((c) => !c.includes('.'))
        .sort(),
    ).toEqual(['create_pet', 'list_pets', 'update_pet_with_form']);
    const globalConfig = tree.read(`${root}/src/GlobalConfig.ts`, 'utf-8')!;
    expect(globalConfig).toContain("export const API_BASE_URL = 'https://api.example.com/v2';");
    expect(globalConfig).toContain("name: 'X-Api-Key'");
    expect(tree.read(`${root}/src/update_pet_with_form/handler.ts`, 'utf-8')).toContain('withBodyAsFormUrlEncoded(');
    expect(tree.read(`${root}/src/create_pet/input.ts`, 'utf-8')).toMatch(/name: string;/);
    expect(printed()).toContain('3 operations imported');
  });

  it('is deterministic: the same document gives the same files', async () => {
    await importGenerator(tree, { spec, name: 'acme-crm', skipInstall: true });
    const second = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await importGenerator(second, { spec, name: 'acme-crm', skipInstall: true });
    for (const file of listFiles(tree, ROOT)) expect(second.read(`${ROOT}/${file}`, 'utf-8')).toBe(tree.read(`${ROOT}/${file}`, 'utf-8'));
  });

  it('--connector adds only the missing operations and leaves existing ones untouched', async () => {
    await newGenerator(tree, { name: 'acme-crm', skipInstall: true, skipFormat: true });
    tree.write(`${ROOT}/src/get_deal/operation.json`, '{"name":"get_deal","title":"Mine","description":""}');
    tree.write(`${ROOT}/src/get_deal/handler.ts`, '// hand-written\n');
    const globalConfig = tree.read(`${ROOT}/src/GlobalConfig.ts`, 'utf-8');
    await importGenerator(tree, { spec, connector: 'acme-crm', skipInstall: true });
    expect(tree.read(`${ROOT}/src/get_deal/handler.ts`, 'utf-8')).toBe('// hand-written\n');
    expect(tree.exists(`${ROOT}/src/list_contacts/handler.ts`)).toBe(true);
    expect(tree.exists(`${ROOT}/src/get_record/handler.ts`)).toBe(true);
    expect(tree.read(`${ROOT}/src/GlobalConfig.ts`, 'utf-8')).toBe(globalConfig);
    expect(tree.read(`${ROOT}/src/list_contacts/handler.ts`, 'utf-8')).toContain("import { AcmeCrmAuth } from '../AcmeCrmAuth';");
    expect(printed()).toContain('1 operation imported, 1 already present (kept as they are)');
    expect(printed()).toContain('Already in the connector, not touched:\n  get_deal (GET /deals/{id})');
  });

  it('--auth picks any security scheme of the document, --title the title (and the default name) (29.3)', async () => {
    const two = structuredClone(SPEC) as any;
    two.components.securitySchemes.oauth = {
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: 'https://acme.com/token', scopes: {} } },
    };
    fs.writeFileSync(spec, JSON.stringify(two));
    await importGenerator(tree, { spec, auth: 'oauth', title: 'Acme', skipInstall: true });
    expect(readJson(tree, 'connectors/acme/connector.json')).toMatchObject({ name: 'acme', title: 'Acme' });
    expect(tree.read('connectors/acme/src/AcmeAuth.ts', 'utf-8')).toContain(
      'export type AcmeAuth = Oauth2ClientCredentialsOperationHandlerAuth<AcmeAuthUser, AcmeAuthApp>;',
    );
    expect(readJson(tree, 'connectors/acme/src/test.ctx.json').auth).toMatchObject({
      authType: 'OAUTH2_CLIENT_CREDENTIALS',
      user: { access_token: 'stand-in-token' },
    });
    expect(tree.read('connectors/acme/src/list_contacts/handler.test.ts', 'utf-8')).toContain(
      "expect(request.headers['authorization']).toBe('Bearer ' + (ctx.auth?.user.access_token ?? ''));",
    );
    expect(printed()).toContain('auth oauth2 (oauth: bearer)');
    expect(printed()).toContain('note: other security schemes of the document (a Tray connector has one auth; choose with --auth): bearer');
    const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await expect(importGenerator(other, { spec, name: 'x', auth: 'apiKey', skipInstall: true })).rejects.toThrow(
      '--auth "apiKey" is not a security scheme of the document: choose one of bearer (HTTP bearer); oauth (OAuth 2: clientCredentials), or none',
    );
    await importGenerator(other, { spec, name: 'x', auth: 'none', skipInstall: true });
    expect(other.read('connectors/x/src/XAuth.ts', 'utf-8')).toContain('export type XAuth = never;');
    expect(other.read('connectors/x/src/GlobalConfig.ts', 'utf-8')).not.toContain('access_token');
    const exists = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await newGenerator(exists, { name: 'acme-crm', skipInstall: true, skipFormat: true });
    await expect(importGenerator(exists, { spec, connector: 'acme-crm', auth: 'oauth' })).rejects.toThrow(
      'leave out --name, --directory, --regions, --auth and --title',
    );
  });

  it('refuses what it cannot do, writing nothing', async () => {
    await expect(importGenerator(tree, { spec: path.join(dir, 'missing.yaml'), name: 'x' })).rejects.toThrow(
      /missing\.yaml does not exist/,
    );
    await expect(importGenerator(tree, { spec, connector: 'nope' })).rejects.toThrow('Cannot find project "nope" (--connector)');
    await expect(importGenerator(tree, { spec, connector: 'acme-crm', name: 'x' })).rejects.toThrow(
      '--connector adds operations to an existing connector',
    );
    await expect(importGenerator(tree, { spec, name: 'x', operations: 'uploadContacts' })).rejects.toThrow(
      /no operation can be imported \(--operations\/--paths\/--tags left out 2\); nothing was written/,
    );
    await expect(importGenerator(tree, { spec, name: 'Bad_Name' })).rejects.toThrow(/Invalid connector name/);
    expect(tree.exists('connectors')).toBe(false);
  });

  it('passes --allowRemoteRefs and --remoteRefsTimeout to the loader: remote $refs off by default, and checked addresses when on', async () => {
    const remote = structuredClone(SPEC) as any;
    remote.paths['/deals/{id}'].get.responses['200'] = {
      description: 'ok',
      content: { 'application/json': { schema: { $ref: 'http://127.0.0.1:9/deal.json' } } },
    };
    fs.writeFileSync(spec, JSON.stringify(remote));
    await expect(importGenerator(tree, { spec, name: 'acme-crm', skipInstall: true })).rejects.toThrow(
      /\$ref "http:\/\/127\.0\.0\.1:9\/deal\.json" in .*openapi\.json is refused: remote \$refs are off: .* pass --allowRemoteRefs/,
    );
    await expect(importGenerator(tree, { spec, name: 'acme-crm', skipInstall: true, allowRemoteRefs: true })).rejects.toThrow(
      /is refused: 127\.0\.0\.1, which is loopback, 127\.0\.0\.0\/8: remote \$refs are fetched from public addresses only/,
    );
    await expect(
      importGenerator(tree, { spec, name: 'acme-crm', skipInstall: true, allowRemoteRefs: true, remoteRefsTimeout: 0 }),
    ).rejects.toThrow('--remoteRefsTimeout 0 must be a number of seconds above 0 and at most 600');
    expect(tree.exists(ROOT)).toBe(false);
  });
});
