import { addProjectConfiguration, logger, readJson, type Tree, writeJson } from '@nx/devkit';
import { createWorkspaceTree } from '../__fixtures__/tree';
import { newGenerator } from '../new/generator';
import { camelCase, pascalCase, toSnakeCase } from '../shared/names';
import { operationGenerator } from './generator';

const ROOT = 'connectors/acme-crm';
const SRC = `${ROOT}/src`;

describe('operation generator', () => {
  let tree: Tree;
  let infos: string[];
  let warnings: string[];

  beforeEach(async () => {
    tree = createWorkspaceTree();
    await newGenerator(tree, { name: 'acme-crm', auth: 'token', skipInstall: true, skipFormat: true });
    infos = [];
    warnings = [];
    jest.spyOn(logger, 'info').mockImplementation((m) => void infos.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation((m) => void warnings.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('adds src/<name>/ with operation.json, input.ts, output.ts, handler.ts and handler.test.ts', async () => {
    await operationGenerator(tree, { name: 'list_contacts', project: 'acme-crm' });
    expect(tree.children(`${SRC}/list_contacts`).sort()).toEqual([
      'handler.test.ts',
      'handler.ts',
      'input.ts',
      'operation.json',
      'output.ts',
    ]);
    expect(readJson(tree, `${SRC}/list_contacts/operation.json`)).toEqual({
      name: 'list_contacts',
      title: 'List contacts',
      description: '',
    });
    expect(infos).toEqual([]);
  });

  it('names the types <Pascal>Input / <Pascal>Output as Tray’s build expects, and the handler <camel>Handler', async () => {
    await operationGenerator(tree, { name: 'list_contacts_v2', project: 'acme-crm' });
    const dir = `${SRC}/list_contacts_v2`;
    expect(tree.read(`${dir}/input.ts`, 'utf-8')).toContain('export type ListContactsV2Input = {');
    expect(tree.read(`${dir}/output.ts`, 'utf-8')).toBe('export type ListContactsV2Output = {\n\tid: number;\n\ttitle: string;\n};\n');
    const handler = tree.read(`${dir}/handler.ts`, 'utf-8')!;
    expect(handler).toContain("import { ListContactsV2Input } from './input';");
    expect(handler).toContain("import { ListContactsV2Output } from './output';");
    expect(handler).toContain("import { AcmeCrmAuth } from '../AcmeCrmAuth';");
    expect(handler).toContain(
      'export const listContactsV2Handler = OperationHandlerSetup.configureHandler<\n\tAcmeCrmAuth,\n\tListContactsV2Input,\n\tListContactsV2Output\n>',
    );
    expect(tree.read(`${dir}/handler.test.ts`, 'utf-8')).toContain('configureHandlerTest(listContactsV2Handler,');
  });

  it('derives type names the way lodash upperFirst(camelCase()) does', () => {
    expect(pascalCase('get_1st_item')).toBe('Get1stItem');
    expect(pascalCase('x_2fa_code')).toBe('X2FaCode');
    expect(pascalCase('get_11th')).toBe('Get11Th');
    expect(pascalCase('abc123def')).toBe('Abc123Def');
    expect(camelCase('list_contacts')).toBe('listContacts');
    expect(toSnakeCase('listContactsV2')).toBe('list_contacts_v2');
  });

  it('converts a camelCase or kebab-case name to snake_case, with a note', async () => {
    await operationGenerator(tree, { name: 'createDeal', project: 'acme-crm' });
    expect(readJson(tree, `${SRC}/create_deal/operation.json`).name).toBe('create_deal');
    expect(tree.read(`${SRC}/create_deal/input.ts`, 'utf-8')).toContain('export type CreateDealInput');
    await operationGenerator(tree, { name: 'delete-deal', project: 'acme-crm' });
    expect(tree.exists(`${SRC}/delete_deal/operation.json`)).toBe(true);
    expect(infos).toEqual([
      'Operation name "createDeal" converted to snake_case, as Tray names operations: "create_deal"',
      'Operation name "delete-deal" converted to snake_case, as Tray names operations: "delete_deal"',
    ]);
  });

  it('takes title and description', async () => {
    await operationGenerator(tree, {
      name: 'list_contacts',
      project: 'acme-crm',
      title: 'List all contacts',
      description: 'Every contact, paged',
    });
    expect(readJson(tree, `${SRC}/list_contacts/operation.json`)).toEqual({
      name: 'list_contacts',
      title: 'List all contacts',
      description: 'Every contact, paged',
    });
  });

  it('writes an http operation by default: one request through the connector’s global config, tested against a local server', async () => {
    await operationGenerator(tree, { name: 'list_contacts', project: 'acme-crm' });
    const handler = tree.read(`${SRC}/list_contacts/handler.ts`, 'utf-8')!;
    expect(handler).toContain("import { globalConfigHttp } from '../GlobalConfig';");
    expect(handler).toContain(".get('/records/:id')");
    const test = tree.read(`${SRC}/list_contacts/handler.test.ts`, 'utf-8')!;
    expect(test).toContain("import { BASE_URL_ENV } from '../GlobalConfig';");
    expect(test).toContain(".usingHandlerContext('test')");
    expect(test).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('writes a composite operation with --kind=composite (pure logic, no global config)', async () => {
    await operationGenerator(tree, { name: 'summarise', project: 'acme-crm', kind: 'composite' });
    const handler = tree.read(`${SRC}/summarise/handler.ts`, 'utf-8')!;
    expect(handler).toContain('handler.usingComposite(async (ctx, input, invoke) => {');
    expect(handler).not.toContain('GlobalConfig');
    expect(tree.read(`${SRC}/summarise/input.ts`, 'utf-8')).toContain('export type SummariseInput = {');
  });

  it('creates src/GlobalConfig.ts for an http operation in a connector that has none (e.g. made by tray-cdk)', async () => {
    tree.delete(`${SRC}/GlobalConfig.ts`);
    await operationGenerator(tree, { name: 'list_contacts', project: 'acme-crm' });
    const globalConfig = tree.read(`${SRC}/GlobalConfig.ts`, 'utf-8')!;
    expect(globalConfig).toContain("export const BASE_URL_ENV = 'ACME_CRM_BASE_URL';");
    expect(globalConfig).toContain('OperationGlobalConfigHttp.create<AcmeCrmAuth>()');
    expect(infos).toEqual([`Created ${SRC}/GlobalConfig.ts: set your API's base URL (and authentication, e.g. withBearerToken) there`]);
  });

  it('warns when an existing GlobalConfig.ts lacks what the handler imports', async () => {
    tree.write(`${SRC}/GlobalConfig.ts`, 'export const something = 1;\n');
    await operationGenerator(tree, { name: 'list_contacts', project: 'acme-crm' });
    expect(warnings[0]).toContain('does not export globalConfigHttp and BASE_URL_ENV');
  });

  it('finds the auth type of a connector whose file is not named after it', async () => {
    tree.rename(`${SRC}/AcmeCrmAuth.ts`, `${SRC}/AcmeAuth.ts`);
    await operationGenerator(tree, { name: 'list_contacts', project: 'acme-crm', kind: 'composite' });
    expect(tree.read(`${SRC}/list_contacts/handler.ts`, 'utf-8')).toContain("import { AcmeAuth } from '../AcmeAuth';");
  });

  describe('refuses, writing nothing', () => {
    const refuse = async (options: Parameters<typeof operationGenerator>[1], message: string | RegExp) => {
      const before = tree.listChanges().map((c) => `${c.type} ${c.path}`);
      await expect(operationGenerator(tree, options)).rejects.toThrow(message);
      expect(tree.listChanges().map((c) => `${c.type} ${c.path}`)).toEqual(before);
    };

    it('an existing operation', async () => {
      await refuse(
        { name: 'get_record', project: 'acme-crm' },
        `Connector "acme-crm" already has an operation "get_record" (${SRC}/get_record): pick another name`,
      );
    });

    it('a project that is not a connector', async () => {
      addProjectConfiguration(tree, 'web', { root: 'apps/web', targets: {} });
      await refuse(
        { name: 'list_contacts', project: 'web' },
        'Project "web" is not a Tray connector: apps/web/connector.json does not exist',
      );
    });

    it('a project that does not exist', async () => {
      await refuse({ name: 'list_contacts', project: 'nope' }, 'Cannot find project "nope"');
    });

    it('a name nothing snake_case can be made of', async () => {
      await refuse({ name: '123', project: 'acme-crm' }, /Operation name "123" cannot be used: Tray operation names are snake_case/);
      await refuse({ name: '', project: 'acme-crm' }, /cannot be used/);
    });

    it('an unknown kind', async () => {
      await refuse(
        { name: 'list_contacts', project: 'acme-crm', kind: 'soap' as never },
        'Unknown operation kind "soap": use http or composite',
      );
    });

    it('a connector without an auth type file', async () => {
      tree.delete(`${SRC}/AcmeCrmAuth.ts`);
      await refuse({ name: 'list_contacts', project: 'acme-crm' }, `${SRC} has no <Name>Auth.ts`);
    });
  });
});
