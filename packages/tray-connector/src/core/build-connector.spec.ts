import AdmZip from 'adm-zip';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CONFORMANCE_FIXTURE, copyInOrder, minimalConnector, tempDir, WORKSPACE_NODE_MODULES, writeFiles } from './__fixtures__/temp-connector';
import { buildConnector, formatBuildSummary } from './build-connector';
import { findOperations } from './connector-operations';
import { TrayConnectorError, ValidationError } from './errors';
import { createRecordingLogger } from './logger';
import { generateSchemas } from './schema/generate-schemas';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = crypto.createHash('sha1').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('buildConnector', () => {
  let tmp: string;
  beforeEach(() => (tmp = tempDir('tc-build-')));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("lays the zip out as tray-cdk does, with every generated schema, never writing into the connector", async () => {
    const before = snapshot(CONFORMANCE_FIXTURE);
    const logger = createRecordingLogger();
    const outputPath = path.join(tmp, 'out/connector.zip');
    const result = await buildConnector({ connectorDir: CONFORMANCE_FIXTURE, workspaceRoot: tmp, outputPath, logger });

    expect(result).toEqual({
      name: 'conformance-fixture',
      version: '1.0',
      operations: ['get_contact', 'list_files', 'search_items', 'update-deal'],
      zipPath: outputPath,
      size: fs.statSync(outputPath).size,
      sha256: sha256(outputPath),
    });
    const zip = new AdmZip(outputPath);
    const names = zip.getEntries().map((e) => e.entryName).filter((n) => !n.endsWith('/'));
    expect(zip.getEntries().map((e) => e.entryName).filter((n) => n.endsWith('/'))).toEqual(
      ['get_contact', 'list_files', 'search_items', 'update-deal'].map((op) => `conformance-fixture/src/${op}/`),
    );
    const srcFiles = Object.keys(before).filter((f) => f.startsWith('src/') && !f.endsWith('.ctx.json'));
    const schemas = generateSchemas(findOperations(CONFORMANCE_FIXTURE));
    expect(names).toEqual(
      [
        ...['connector.json', 'package.json', 'tsconfig.json', 'jest.config.js'],
        ...srcFiles,
        ...schemas.map((s) => s.file),
      ]
        .map((f) => `conformance-fixture/${f}`)
        .sort(),
    );
    expect(names.filter((n) => n.endsWith('.ctx.json'))).toEqual([]);
    for (const schema of schemas) expect(zip.readAsText(`conformance-fixture/${schema.file}`)).toBe(schema.json);
    expect(zip.readAsText('conformance-fixture/src/get_contact/response.json')).toContain('"attributes"');
    expect(zip.readFile('conformance-fixture/tsconfig.json')?.equals(fs.readFileSync(path.join(CONFORMANCE_FIXTURE, 'tsconfig.json')))).toBe(true);

    expect(snapshot(CONFORMANCE_FIXTURE)).toEqual(before);
    expect(logger.lines).toContain(formatBuildSummary(result, tmp));
    expect(formatBuildSummary(result)).toMatch(/^conformance-fixture 1\.0: 4 operations, [\d.]+ kB \(\d+ bytes\), sha256 [0-9a-f]{64} -> /);
  });

  it('is deterministic: twice in a row, and across copies made in another order with shuffled mtimes and modes', async () => {
    const logger = createRecordingLogger();
    const copies = ['forward', 'reverse'] as const;
    const zips: string[] = [];
    for (const [i, order] of copies.entries()) {
      const dir = path.join(tmp, `copy-${order}`);
      copyInOrder(CONFORMANCE_FIXTURE, dir, order);
      fs.symlinkSync(WORKSPACE_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
      let n = 0;
      for (const file of Object.keys(snapshot(dir)).filter((f) => !f.startsWith('node_modules'))) {
        const when = new Date(Date.UTC(2000 + ((n * 7 + i * 3) % 25), n % 12, 1 + (n % 27)));
        fs.utimesSync(path.join(dir, file), when, when);
        if ((n + i) % 3 === 0) fs.chmodSync(path.join(dir, file), 0o755);
        n++;
      }
      const zip = path.join(tmp, `${order}.zip`);
      await buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath: zip, logger });
      zips.push(zip);
    }
    const again = path.join(tmp, 'again.zip');
    await buildConnector({ connectorDir: path.join(tmp, 'copy-forward'), workspaceRoot: tmp, outputPath: again, logger });
    const original = path.join(tmp, 'original.zip');
    await buildConnector({ connectorDir: CONFORMANCE_FIXTURE, workspaceRoot: tmp, outputPath: original, logger });
    const bytes = fs.readFileSync(zips[0]);
    for (const other of [zips[1], again, original]) expect(fs.readFileSync(other).equals(bytes)).toBe(true);
  });

  it('leaves credentials, env files, dependencies, build output and lock files out, at any depth', async () => {
    const dir = path.join(tmp, 'acme');
    writeFiles(dir, {
      ...minimalConnector('acme'),
      'src/test.ctx.json': '{"auth":"secret-1"}',
      'src/get_thing/handler.ctx.json': '{"auth":"secret-2"}',
      'src/get_thing/fixtures/deep/other.ctx.json': '{"auth":"secret-3"}',
      'src/get_thing/fixtures/deep/data.json': '{"kept":true}',
      '.env': 'TRAY_API_TOKEN=secret-4',
      'src/.env.local': 'TRAY_API_TOKEN=secret-5',
      'node_modules/dep/index.js': 'module.exports = 1;',
      'src/node_modules/dep/index.js': 'module.exports = 2;',
      'dist/index.js': '',
      'src/dist/index.js': '',
      '.tray/old.zip': 'old',
      'package-lock.json': '{}',
      'yarn.lock': '',
      'README.md': 'not part of the Tray layout',
    });
    const result = await buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath: path.join(tmp, 'acme.zip'), logger: createRecordingLogger() });
    const zip = new AdmZip(result.zipPath);
    expect(zip.getEntries().map((e) => e.entryName)).toEqual([
      'acme/connector.json',
      'acme/jest.config.js',
      'acme/package.json',
      'acme/src/Auth.ts',
      'acme/src/get_thing/',
      'acme/src/get_thing/fixtures/',
      'acme/src/get_thing/fixtures/deep/',
      'acme/src/get_thing/fixtures/deep/data.json',
      'acme/src/get_thing/handler.ts',
      'acme/src/get_thing/input.json',
      'acme/src/get_thing/input.ts',
      'acme/src/get_thing/operation.json',
      'acme/src/get_thing/output.json',
      'acme/src/get_thing/output.ts',
      'acme/tsconfig.json',
    ]);
    expect(fs.readFileSync(result.zipPath).includes('secret')).toBe(false);
    expect(zip.readAsText('acme/src/get_thing/input.json')).toBe(
      '{"type":"object","properties":{"id":{"type":"string"},"verbose":{"type":"boolean"}},"additionalProperties":false,"required":["id"],"$schema":"http://json-schema.org/draft-07/schema#","advanced":["verbose"]}',
    );
  });

  it('zips the flattened tsconfig.json when the connector extends the workspace config', async () => {
    writeFiles(tmp, {
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { target: 'es2020', strict: true, baseUrl: '.', paths: { '@acme/x': ['libs/x/src/index.ts'] } } }),
      ...Object.fromEntries(Object.entries(minimalConnector('acme')).map(([k, v]) => [`connectors/acme/${k}`, v])),
      'connectors/acme/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { module: 'commonjs' } }),
    });
    const result = await buildConnector({
      connectorDir: path.join(tmp, 'connectors/acme'),
      workspaceRoot: tmp,
      outputPath: path.join(tmp, 'connectors/acme/.tray/connector.zip'),
      logger: createRecordingLogger(),
    });
    const tsconfig = JSON.parse(new AdmZip(result.zipPath).readAsText('acme/tsconfig.json'));
    expect(tsconfig).toEqual({ compilerOptions: { target: 'es2020', strict: true, module: 'commonjs' } });
  });

  describe('failures: a clear error, and no zip left behind', () => {
    const build = (dir: string, outputPath: string) => buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath, logger: createRecordingLogger() });
    let dir: string;
    let zip: string;
    beforeEach(() => {
      dir = path.join(tmp, 'acme');
      zip = path.join(dir, '.tray/connector.zip');
      writeFiles(dir, { ...minimalConnector('acme'), '.tray/connector.zip': 'stale zip from an earlier build' });
    });

    it('bad connector.json', async () => {
      writeFiles(dir, { 'connector.json': JSON.stringify({ name: 'Acme CRM', version: '1' }) });
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(path.join(dir, 'connector.json'));
      expect(error.message).toContain('"name" must be kebab-case');
      expect(error.message).toContain('"version" must be "MAJOR.MINOR"');
      expect(error.message).toContain('"title" is missing');
      expect(fs.existsSync(zip)).toBe(false);
    });

    it('missing output.ts', async () => {
      fs.rmSync(path.join(dir, 'src/get_thing/output.ts'));
      await expect(build(dir, zip)).rejects.toThrow(`${path.join(dir, 'src/get_thing/output.ts')} is missing`);
      expect(fs.existsSync(zip)).toBe(false);
    });

    it('wrong exported type name', async () => {
      writeFiles(dir, { 'src/get_thing/input.ts': 'export type GetThingsInput = { id: string };\n' });
      await expect(build(dir, zip)).rejects.toThrow('must export type GetThingInput');
      expect(fs.existsSync(zip)).toBe(false);
    });

    it('TypeScript error, with file and line', async () => {
      writeFiles(dir, { 'src/get_thing/output.ts': 'export type GetThingOutput = {\n  ok: boolean;\n  n: number = 1;\n};\n' });
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(TrayConnectorError);
      expect(error.message).toMatch(new RegExp(`${path.join(dir, 'src/get_thing/output.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+ - error TS\\d+`));
      expect(fs.existsSync(zip)).toBe(false);
    });

    it('missing package.json', async () => {
      fs.rmSync(path.join(dir, 'package.json'));
      await expect(build(dir, zip)).rejects.toThrow(`${path.join(dir, 'package.json')} is missing`);
      expect(fs.existsSync(zip)).toBe(false);
    });

    it('an outputPath inside src/', async () => {
      await expect(build(dir, path.join(dir, 'src/connector.zip'))).rejects.toThrow('the build never writes into src/');
      expect(fs.existsSync(path.join(dir, 'src/connector.zip'))).toBe(false);
    });
  });
});
