import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as path from 'path';
import { buildConnector } from '../build/build-connector';
import { minimalConnector, tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { TrayConnectorError } from '../errors';
import { createRecordingLogger } from '../logger';
import { MAX_ZIP_JSON_BYTES, readZipOperations } from './zip-operations';

// One test builds a connector (a TypeScript program): room on a busy machine, nothing timed.
jest.setTimeout(120_000);

describe('readZipOperations', () => {
  let tmp: string;
  beforeEach(() => (tmp = tempDir('tc-zip-ops-')));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function zipOf(files: Record<string, string | Buffer>): string {
    const zip = new AdmZip();
    for (const [name, content] of Object.entries(files)) zip.addFile(name, Buffer.isBuffer(content) ? content : Buffer.from(content));
    const file = path.join(tmp, 'connector.zip');
    zip.writeZip(file);
    return file;
  }

  it('reads what the build wrote: name, title, description and the input/output schemas of every operation', async () => {
    const dir = path.join(tmp, 'acme');
    writeFiles(dir, minimalConnector('acme', ['list_contacts', 'get_contact']));
    writeFiles(dir, {
      'src/get_contact/operation.json': JSON.stringify({ name: 'get_contact', title: 'Get a contact', description: 'By id' }),
    });
    const outputPath = path.join(dir, '.tray/connector.zip');
    await buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath, logger: createRecordingLogger() });

    const operations = readZipOperations(outputPath);

    const built = new AdmZip(outputPath);
    expect(operations.map((o) => o.name)).toEqual(['get_contact', 'list_contacts']);
    expect(operations[0]).toEqual({
      name: 'get_contact',
      title: 'Get a contact',
      description: 'By id',
      folder: 'get_contact',
      inputSchema: JSON.parse(built.readAsText('acme/src/get_contact/input.json')),
      outputSchema: JSON.parse(built.readAsText('acme/src/get_contact/output.json')),
    });
    expect(operations[0].inputSchema).toMatchObject({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
    expect(operations[0].outputSchema).toMatchObject({ properties: { ok: { type: 'boolean' } } });
  });

  it('takes only folders directly under src/ holding operation.json; the folder names an operation without a name', () => {
    const zip = zipOf({
      'x/connector.json': '{}',
      'x/src/a_op/operation.json': JSON.stringify({ title: 'A' }),
      'x/src/a_op/input.json': '{"type":"object"}',
      'x/src/a_op/output.json': '{}',
      'x/src/lib/helpers.ts': 'export {};',
      'x/src/deep/nested/operation.json': '{"name":"nested"}',
      'x/operation.json': '{"name":"top"}',
    });
    expect(readZipOperations(zip)).toEqual([
      { name: 'a_op', title: 'A', description: '', folder: 'a_op', inputSchema: { type: 'object' }, outputSchema: {} },
    ]);
  });

  it('names the zip and the entry to fix: missing zip, not a zip, a missing or broken schema, a huge file', () => {
    const missing = path.join(tmp, 'nope.zip');
    expect(() => readZipOperations(missing)).toThrow(`The connector zip ${missing} does not exist: build it first`);
    const notZip = path.join(tmp, 'not.zip');
    fs.writeFileSync(notZip, 'hello');
    expect(() => readZipOperations(notZip)).toThrow(/not\.zip is not a readable zip archive/);
    const noOutput = zipOf({ 'x/src/op/operation.json': '{}', 'x/src/op/input.json': '{}' });
    expect(() => readZipOperations(noOutput)).toThrow(`${noOutput} has no x/src/op/output.json: rebuild it`);
    const broken = zipOf({ 'x/src/op/operation.json': '{}', 'x/src/op/input.json': '{"type":', 'x/src/op/output.json': '{}' });
    expect(() => readZipOperations(broken)).toThrow(`x/src/op/input.json inside ${broken} is not valid JSON`);
    const arrayMeta = zipOf({ 'x/src/op/operation.json': '[]', 'x/src/op/input.json': '{}', 'x/src/op/output.json': '{}' });
    expect(() => readZipOperations(arrayMeta)).toThrow(/x\/src\/op\/operation\.json inside .* must be a JSON object/);
    const huge = zipOf({
      'x/src/op/operation.json': '{}',
      'x/src/op/input.json': Buffer.alloc(MAX_ZIP_JSON_BYTES + 1, 0x20),
      'x/src/op/output.json': '{}',
    });
    expect(() => readZipOperations(huge)).toThrow(TrayConnectorError);
    expect(() => readZipOperations(huge)).toThrow(/input\.json inside .* is larger than/);
    const twoTops = zipOf({ 'a/src/op/operation.json': '{}', 'b/x': '' });
    expect(() => readZipOperations(twoTops)).toThrow(/single top folder/);
  });

  it('keeps hostile names and texts as data (proto keys, quotes, line breaks)', () => {
    const zip = zipOf({
      'x/src/__proto__/operation.json': JSON.stringify({ name: '"; rm -rf /\n', title: '${x}`', description: '*/' }),
      'x/src/__proto__/input.json': '{"__proto__":{"polluted":true}}',
      'x/src/__proto__/output.json': '{}',
    });
    const [op] = readZipOperations(zip);
    expect(op).toMatchObject({ name: '"; rm -rf /\n', title: '${x}`', description: '*/', folder: '__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
