import AdmZip from 'adm-zip';
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type Emulator } from 'tray-api-emulator';
import { expectOk, createTestWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Issue 13, as a user does it: in one fresh workspace with the packed plugin, `nx g tray-connector:import`
 * the classic OpenAPI 3.0 examples (OAI, Apache-2.0) and a real API of 60 operations with $refs and a
 * security scheme (Ory Kratos, Apache-2.0), all vendored under fixtures/openapi with their licences;
 * then one `nx run-many` builds and tests every imported connector (type check, schemas, offline handler
 * tests), one is deployed to the emulator and `nx run <connector>:status` reads it back.
 */

const FIXTURES = path.resolve(__dirname, '../fixtures/openapi');
const SPECS: Array<{ name: string; file: string; operations: number }> = [
  { name: 'petstore', file: 'oai-examples/petstore.yaml', operations: 3 },
  { name: 'petstore-expanded', file: 'oai-examples/petstore-expanded.yaml', operations: 4 },
  { name: 'api-with-examples', file: 'oai-examples/api-with-examples.yaml', operations: 2 },
  { name: 'link-example', file: 'oai-examples/link-example.yaml', operations: 6 },
  { name: 'callback-example', file: 'oai-examples/callback-example.yaml', operations: 1 },
  { name: 'ory-kratos', file: 'ory-kratos/api.json', operations: 60 },
];

/**
 * The same API of this repo's own (errors, two security schemes, uploads, maps, integers, nullable, oneOf)
 * in OpenAPI 3.0, 3.1 and Swagger 2.0 (issue 29), with where each keeps FileMeta's example; 2.0 has no oneOf.
 */
const FEATURE_SPECS = [
  { name: 'acme-drive', file: 'files-and-auth.yaml', example: ['components', 'schemas', 'FileMeta', 'example'], oneOf: true },
  { name: 'acme-drive-oas31', file: 'files-and-auth-3.1.yaml', example: ['components', 'schemas', 'FileMeta', 'example'], oneOf: true },
  { name: 'acme-drive-swagger2', file: 'files-and-auth-swagger2.yaml', example: ['definitions', 'FileMeta', 'example'], oneOf: false },
];

describe('import from OpenAPI in a fresh workspace', () => {
  let ws: TestWorkspace;
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ deployDelayMs: 50 });
    ws = createTestWorkspace('import');
    fs.cpSync(FIXTURES, path.join(ws.root, 'specs'), { recursive: true });
    ws.commit('OpenAPI documents');
  });
  afterAll(async () => {
    ws?.cleanup();
    await emu?.close();
  });

  it('--dry-run lists the files and writes nothing', () => {
    const r = expectOk(
      ws.nx('g tray-connector:import --spec=specs/oai-examples/petstore.yaml --name=petstore --dry-run'),
      'import --dry-run',
    );
    expect(r.output).toContain('CREATE connectors/petstore/src/list_pets/handler.ts');
    expect(r.output).toContain('petstore (connectors/petstore) from');
    expect(ws.exists('connectors/petstore')).toBe(false);
  });

  it('imports the classic OpenAPI examples and a 60-operation public API, listing what it could not express', () => {
    for (const spec of SPECS) {
      // One of them through a file: URL, the others by path relative to the workspace root.
      const where = spec.name === 'link-example' ? pathToFileURL(path.join(ws.root, 'specs', spec.file)).href : `specs/${spec.file}`;
      const r = expectOk(
        ws.nx(`g tray-connector:import --spec=${where} --name=${spec.name} --regions=us`, { timeoutMs: 10 * 60 * 1000 }),
        `import ${spec.name}`,
      );
      expect(r.output).toContain(`${spec.name} (connectors/${spec.name}) from`);
      expect(r.output).toContain(`${spec.operations} operation${spec.operations === 1 ? '' : 's'} imported`);
      const folders = fs
        .readdirSync(path.join(ws.root, 'connectors', spec.name, 'src'))
        .filter((f) => ws.exists(`connectors/${spec.name}/src/${f}/operation.json`));
      expect(folders).toHaveLength(spec.operations);
      expect(folders.every((f) => /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(f))).toBe(true);
    }
    expect(ws.read('connectors/callback-example/src/post_streams/operation.json')).toContain('"name": "post_streams"');
    expect(ws.read('connectors/ory-kratos/src/GlobalConfig.ts')).toContain(
      ".addHeader((ctx) => ({ name: 'Authorization', value: ctx.auth?.user.access_token ?? '' }))",
    );
    expect(ws.read('connectors/petstore-expanded/src/find_pets/input.ts')).toContain('tags to filter by');
    expect(JSON.parse(ws.read('connectors/petstore/connector.json'))).toMatchObject({ name: 'petstore', title: 'Swagger Petstore' });
    const project = JSON.parse(ws.nx('show project ory-kratos --json').stdout);
    expect(Object.keys(project.targets)).toEqual(expect.arrayContaining(['build', 'test', 'deploy', 'share', 'status']));
    ws.commit('imported connectors');
  });

  it('imports error schemas, a chosen security scheme (--auth), --title, a multipart and an octet-stream upload (issue 29)', () => {
    const r = expectOk(
      ws.nx('g tray-connector:import --spec=specs/features/files-and-auth.yaml --name=acme-drive --auth=oauth --title="Acme Drive"'),
      'import acme-drive',
    );
    expect(r.output).toContain('4 operations imported');
    expect(r.output).toContain('auth oauth2 (oauth: bearer)');
    expect(r.output).toContain('other security schemes of the document (a Tray connector has one auth; choose with --auth): apiKeyHeader');
    expect(JSON.parse(ws.read('connectors/acme-drive/connector.json'))).toMatchObject({ name: 'acme-drive', title: 'Acme Drive' });
    expect(ws.read('connectors/acme-drive/src/AcmeDriveAuth.ts')).toContain('Oauth2OperationHandlerAuth<');
    expect(ws.read('connectors/acme-drive/src/upload_file/input.ts')).toContain('file: FileReference;');
    expect(ws.read('connectors/acme-drive/src/upload_file/handler.ts')).toContain(
      'request.withBodyAsMultipart(multipart(input.body, FILE_PARTS))',
    );
    expect(ws.read('connectors/acme-drive/src/replace_content/handler.ts')).toContain('r.withBodyAsFile(input.body)');
    // What the generated tests assert (they run in the run-many below): the auth, the file bytes, the API's error words.
    const tests = ['list_files', 'upload_file', 'replace_content'].map((op) => ws.read(`connectors/acme-drive/src/${op}/handler.test.ts`));
    for (const test of tests)
      expect(test).toContain("expect(request.headers['authorization']).toBe('Bearer ' + (ctx.auth?.user.access_token ?? ''));");
    expect(tests[0]).toContain("const ERROR_MESSAGE = 'GET /files failed with HTTP 404: The stand-in refuses (1) (code stand_in_code)';");
    expect(tests[1]).toContain("expect(partBytes(request.raw, 'file').equals(FILE_BYTES)).toBe(true);");
    expect(tests[2]).toContain('expect(request.raw.equals(FILE_BYTES)).toBe(true);');
    expect(JSON.parse(ws.read('connectors/acme-drive/src/test.ctx.json')).auth).toMatchObject({
      authType: 'OAUTH2',
      user: { access_token: 'stand-in-token' },
    });
    const refused = ws.nx('g tray-connector:import --spec=specs/features/files-and-auth.yaml --name=acme-drive-2 --auth=github --dry-run');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('--auth "github" is not a security scheme of the document: choose one of apiKeyHeader (');
    ws.commit('imported acme-drive');
  });

  it('imports the same API written in OpenAPI 3.1 and in Swagger 2.0 alike (issue 29)', () => {
    for (const spec of FEATURE_SPECS.slice(1)) {
      const r = expectOk(
        ws.nx(`g tray-connector:import --spec=specs/features/${spec.file} --name=${spec.name} --auth=oauth`),
        `import ${spec.name}`,
      );
      expect(r.output).toContain('4 operations imported');
      expect(r.output).toContain('auth oauth2 (oauth: bearer)');
      const dir = `connectors/${spec.name}/src`;
      expect(ws.read(`${dir}/upload_file/input.ts`)).toContain('file: FileReference;');
      expect(ws.read(`${dir}/upload_file/handler.ts`)).toContain('request.withBodyAsMultipart(multipart(input.body, FILE_PARTS))');
      expect(ws.read(`${dir}/replace_content/handler.ts`)).toContain('r.withBodyAsFile(input.body)');
      for (const op of ['list_files', 'upload_file', 'replace_content', 'update_file'])
        expect(ws.read(`${dir}/${op}/handler.test.ts`)).toContain(
          "expect(request.headers['authorization']).toBe('Bearer ' + (ctx.auth?.user.access_token ?? ''));",
        );
      expect(ws.read(`${dir}/list_files/handler.test.ts`)).toContain(
        "const ERROR_MESSAGE = 'GET /files failed with HTTP 404: The stand-in refuses (1)",
      );
      expect(ws.read(`${dir}/upload_file/handler.test.ts`)).toContain(
        "expect(partBytes(request.raw, 'file').equals(FILE_BYTES)).toBe(true);",
      );
      expect(ws.read(`${dir}/replace_content/handler.test.ts`)).toContain('expect(request.raw.equals(FILE_BYTES)).toBe(true);');
    }
    ws.commit('imported the 3.1 and 2.0 variants');
  });

  it('--connector adds only what is missing and keeps existing operations as they are', () => {
    const before = ws.read('connectors/petstore/src/list_pets/handler.ts');
    const r = expectOk(ws.nx('g tray-connector:import --spec=specs/oai-examples/petstore.yaml --connector=petstore'), 'import --connector');
    expect(r.output).toContain('0 operations imported, 3 already present (kept as they are)');
    expect(ws.read('connectors/petstore/src/list_pets/handler.ts')).toBe(before);
    expect(ws.mustRun('git status --porcelain').stdout.trim()).toBe('');
  });

  it('every imported connector builds (type check, schemas) and its generated tests pass offline, in one run-many', () => {
    const projects = [...SPECS, ...FEATURE_SPECS].map((s) => s.name).join(',');
    const r = expectOk(
      ws.nx(`run-many -t build,test --projects=${projects} --parallel=2`, { timeoutMs: 14 * 60 * 1000 }),
      'run-many build,test',
    );
    expect(r.output).toMatch(/Successfully ran targets build, test for 9 projects/);
    for (const spec of SPECS) expect(ws.exists(`connectors/${spec.name}/.tray/connector.zip`)).toBe(true);
    // A file part is a FileReference in Tray's input schema (issue 29.4).
    const drive = new AdmZip(path.join(ws.root, 'connectors/acme-drive/.tray/connector.zip'));
    const upload = JSON.parse(drive.readAsText('acme-drive/src/upload_file/input.json'));
    expect(upload.properties.body.properties.file).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['name', 'url', 'mime_type']),
    });
    for (const spec of FEATURE_SPECS) expectSchemasKeepTheSpec(spec);
    const zip = new AdmZip(path.join(ws.root, 'connectors/petstore/.tray/connector.zip'));
    const input = JSON.parse(zip.readAsText('petstore/src/list_pets/input.json'));
    expect(input.properties.limit).toMatchObject({ type: 'integer', format: 'int32', maximum: 100 });
    expect(input.properties.limit.description).toContain('How many items to return at one time (max 100)');
    const output = JSON.parse(zip.readAsText('petstore/src/list_pets/output.json'));
    expect(output.properties.items).toMatchObject({ type: 'array' });
  });

  /** The built zip's Tray schemas of update_file accept the spec's example of FileMeta and refuse what the spec refuses. */
  function expectSchemasKeepTheSpec(spec: (typeof FEATURE_SPECS)[number]): void {
    const doc: unknown = parseYaml(fs.readFileSync(path.join(FIXTURES, 'features', spec.file), 'utf8'));
    const example = spec.example.reduce((at, key) => (at as Record<string, unknown>)[key], doc) as object;
    expect(example).toMatchObject({ priority: 3, labels: { reviews: 2 }, note: null });
    const zip = new AdmZip(path.join(ws.root, `connectors/${spec.name}/.tray/connector.zip`));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const schema = (file: string) => ajv.compile(JSON.parse(zip.readAsText(`${spec.name}/src/update_file/${file}`)));
    const [input, output] = [schema('input.json'), schema('output.json')];
    const accepts = (body: object) => input({ fileId: 'f1', body }) && output(body);
    expect({ spec: spec.name, accepted: accepts(example), errors: [input.errors, output.errors] }).toMatchObject({ accepted: true });
    const refused = (change: object) => ({ change, accepted: accepts({ ...example, ...change }) });
    const wrong: object[] = [
      { priority: 2.5 },
      { priority: '3' },
      { labels: { reviews: 'two' } },
      { labels: { reviews: 2.5 } },
      { note: 5 },
      { extra: 'anything' },
    ];
    const right: object[] = [{ note: 'kept for the audit' }, { labels: {} }, { extra: { nested: { deep: true } } }];
    if (spec.oneOf) {
      wrong.push({ target: { kind: 'folder', email: 'ada@example.com' } }, { target: { kind: 'printer', email: 'ada@example.com' } });
      right.push({ target: { kind: 'folder', folderId: 'd1' } });
    }
    for (const change of wrong) expect(refused(change)).toEqual({ change, accepted: false });
    for (const change of right) expect(refused(change)).toEqual({ change, accepted: true });
  }

  it('deploys an imported connector to the emulator and `status` reads its latest deployment', async () => {
    const env = emu.env(['us']);
    expectOk(await ws.nxAsync('deploy petstore --pollIntervalSeconds=0.05', { env }), 'nx deploy petstore');
    const deployment = emu.deployments.find((d) => d.name === 'petstore')!;
    expect(deployment.status).toBe('Deployed');
    const status = expectOk(await ws.nxAsync('run petstore:status --json', { env }), 'nx run petstore:status');
    const line = status.stdout.split('\n').find((l) => l.startsWith('{"success"'))!;
    expect(JSON.parse(line)).toMatchObject({
      success: true,
      name: 'petstore',
      regions: [{ region: 'us', deploymentId: deployment.id, status: 'Deployed' }],
    });
    const table = expectOk(await ws.nxAsync(`run petstore:status --deploymentId=${deployment.id}`, { env }), 'status --deploymentId');
    expect(table.output).toMatch(new RegExp(`us\\s+${deployment.id}\\s+Deployed`));
    expect(table.output).not.toContain(emu.tokens.us);
  });
});
