import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { buildConnector } from '../build-connector';
import { findOperations } from '../../connector/connector-operations';
import { createRecordingLogger } from '../../logger';
import { TrayConnectorError } from '../../errors';
import { generateSchemas } from './generate-schemas';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

const FIXTURE = path.join(__dirname, '../../__fixtures__/conformance');
const WORKSPACE_NODE_MODULES = path.resolve(__dirname, '../../../../../../node_modules');

/** Every file under dir with its bytes, to prove generation writes nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'base64');
    }
  };
  walk(dir);
  return out;
}

describe('generateSchemas conformance with @trayio/cdk-build 2.19.0', () => {
  let copy: string;
  const ours = new Map<string, string>();
  const before = snapshot(FIXTURE);

  beforeAll(async () => {
    for (const schema of generateSchemas(findOperations(FIXTURE))) ours.set(schema.file, schema.json);

    // Tray's builder writes into the connector's src/ (and dist/connector.zip): run it on a temporary copy.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-conformance-'));
    fs.cpSync(FIXTURE, copy, { recursive: true });
    fs.symlinkSync(WORKSPACE_NODE_MODULES, path.join(copy, 'node_modules'), 'dir');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ConnectorBuilder } = require('@trayio/cdk-build/connector/ConnectorBuilder');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      fs.mkdirSync(path.join(copy, 'dist'));
      const result = await new ConnectorBuilder().buildConnector(copy)();
      expect(result._tag).toBe('Right');
    } finally {
      log.mockRestore();
    }
  }, 900_000);

  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('covers every fixture operation and kind', () => {
    expect([...ours.keys()].sort()).toEqual([
      'src/get_contact/input.json',
      'src/get_contact/output.json',
      'src/get_contact/response.json',
      'src/list_files/input.json',
      'src/list_files/output.json',
      'src/search_items/input.json',
      'src/search_items/output.json',
      'src/search_items/response.json',
      'src/update-deal/input.json',
      'src/update-deal/output.json',
    ]);
  });

  it.each([
    'src/get_contact/input.json',
    'src/get_contact/output.json',
    'src/list_files/input.json',
    'src/list_files/output.json',
    'src/search_items/input.json',
    'src/search_items/output.json',
    'src/update-deal/input.json',
    'src/update-deal/output.json',
  ])('%s is byte-identical to what cdk-build writes', (file) => {
    const theirs = fs.readFileSync(path.join(copy, file), 'utf8');
    expect(ours.get(file)).toBe(theirs);
  });

  // cdk-build 2.19.0 never runs its response step; its own generator, driven directly, gives the reference.
  it.each([
    ['src/get_contact/response.json', 'src/get_contact/response.ts', 'GetContactResponse'],
    ['src/search_items/response.json', 'src/search_items/response.ts', 'SearchItemsResponse'],
  ])('%s equals Tray generator output for the response type', (file, source, type) => {
    expect(fs.existsSync(path.join(copy, file))).toBe(false);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TJSTraySchemaGenerator } = require('@trayio/tray-schema/schema/TJSTraySchemaGenerator');
    const result = new TJSTraySchemaGenerator().generateFromType(type, path.join(copy, source));
    expect(result._tag).toBe('Right');
    expect(ours.get(file)).toBe(JSON.stringify(result.right));
  });

  it('shows the features the fixtures exercise', () => {
    const input = JSON.parse(ours.get('src/get_contact/input.json') as string);
    expect(input.properties.id.lookup).toEqual({ operation: 'list_contacts_ddl', input: { includeArchived: false }, authRequired: true });
    expect(input.properties.status.enumLabels).toEqual(['Active user', 'Archived user', 'Pending review']);
    expect(input.properties.kind.enumLabels).toEqual(['Http Request', 'Company Name', 'Person']);
    expect(input.advanced).toEqual(['include_history', 'page_size']);
    const output = JSON.parse(ours.get('src/get_contact/output.json') as string);
    expect(output.properties.contact.oneOf).toHaveLength(2);
    const files = JSON.parse(ours.get('src/list_files/input.json') as string);
    expect(files.properties.folder.required).toEqual(['expires', 'mime_type', 'name', 'url']);
  });

  it("zips the same layout as tray-cdk's build (plus response.json, minus every *.ctx.json), with the same schemas from the type-checked program", async () => {
    const ourZip = path.join(copy, 'ours.zip');
    // The fixture's .gitignore ignores *.ctx.json, as a connector's workspace does: they are neither zipped nor refused.
    await buildConnector({
      connectorDir: FIXTURE,
      workspaceRoot: path.dirname(FIXTURE),
      outputPath: ourZip,
      logger: createRecordingLogger(),
    });
    const zip = new AdmZip(ourZip);
    for (const [file, json] of ours) expect(zip.readAsText(`conformance-fixture/${file}`)).toBe(json);
    for (const kind of ['input', 'output']) {
      for (const op of ['get_contact', 'list_files', 'search_items', 'update-deal']) {
        expect(zip.readAsText(`conformance-fixture/src/${op}/${kind}.json`)).toBe(
          fs.readFileSync(path.join(copy, `src/${op}/${kind}.json`), 'utf8'),
        );
      }
    }
    const theirs = new AdmZip(path.join(copy, 'dist/connector.zip')).getEntries().map((e) => e.entryName);
    const names = zip.getEntries().map((e) => e.entryName);
    expect(names.filter((n) => n.endsWith('.ctx.json'))).toEqual([]);
    expect(names.filter((n) => !n.endsWith('/response.json')).sort()).toEqual(theirs.filter((n) => !n.endsWith('.ctx.json')).sort());
    expect(names.filter((n) => n.endsWith('/response.json'))).toEqual([
      'conformance-fixture/src/get_contact/response.json',
      'conformance-fixture/src/search_items/response.json',
    ]);
  });

  it('never writes into the connector folder', () => {
    expect(snapshot(FIXTURE)).toEqual(before);
  });
});

describe('generateSchemas errors', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-schema-'));
    write('src/get_thing/operation.json', '{}');
    write('src/get_thing/output.ts', 'export type GetThingOutput = { ok: boolean };\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails with the compiler diagnostic, file and line', () => {
    write('src/get_thing/input.ts', 'export type GetThingInput = {\n  id: string;\n  other: Missing;\n};\n');
    let error: unknown;
    try {
      generateSchemas(findOperations(dir));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrayConnectorError);
    expect((error as Error).message).toContain(
      `${path.join(dir, 'src/get_thing/input.ts')}:3:10 - error TS2304: Cannot find name 'Missing'.`,
    );
  });

  it('fails when the file does not export the type Tray expects', () => {
    write('src/get_thing/input.ts', 'export type GetThingInputs = { id: string };\nexport type Other = {};\n');
    expect(() => generateSchemas(findOperations(dir))).toThrow(
      `${path.join(dir, 'src/get_thing/input.ts')} must export type GetThingInput (Tray derives the name from the operation folder "get_thing"); it exports GetThingInputs, Other`,
    );
  });

  it('explains a type that is exported under an alias only', () => {
    write('src/get_thing/types.ts', 'export type Thing = { id: string };\n');
    write('src/get_thing/input.ts', "export { Thing as GetThingInput } from './types';\n");
    expect(() => generateSchemas(findOperations(dir))).toThrow(
      `${path.join(dir, 'src/get_thing/input.ts')}: no schema for GetThingInput (type GetThingInput not found)`,
    );
  });

  it("falls back to Tray's full compiler setup when a type needs the DOM lib", () => {
    write('src/get_thing/input.ts', 'export type GetThingInput = { kind: DocumentReadyState };\n');
    const [input] = generateSchemas(findOperations(dir));
    expect(JSON.parse(input.json).properties.kind.enum).toEqual(['complete', 'interactive', 'loading']);
  });

  it('gives a type name declared in two files its own program', () => {
    write('src/get_thing/input.ts', 'export type GetThingInput = { id: string };\n');
    write('src/other_op/operation.json', '{}');
    write('src/other_op/input.ts', 'export type OtherOpInput = { n: number };\nexport type GetThingOutput = { wrong: number };\n');
    write('src/other_op/output.ts', 'export type OtherOpOutput = { ok: boolean };\n');
    const schemas = generateSchemas(findOperations(dir));
    const output = schemas.find((s) => s.file === 'src/get_thing/output.json');
    expect(JSON.parse(output?.json as string).properties).toEqual({ ok: { type: 'boolean' } });
  });
});
