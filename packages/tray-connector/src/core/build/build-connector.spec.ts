import AdmZip from 'adm-zip';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CONFORMANCE_FIXTURE,
  copyInOrder,
  minimalConnector,
  tempDir,
  WORKSPACE_NODE_MODULES,
  writeFiles,
} from '../__fixtures__/temp-connector';
import { buildConnector, formatBuildSummary } from './build-connector';
import { findOperations } from '../connector/connector-operations';
import { TrayConnectorError, ValidationError } from '../errors';
import { createRecordingLogger } from '../logger';
import { generateSchemas } from './schema/generate-schemas';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.includes('\ufffd')) continue; // a file name that is not UTF-8 (a test makes one): not readable by that name
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

  it('lays the zip out as tray-cdk does, with every generated schema, never writing into the connector', async () => {
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
    const names = zip
      .getEntries()
      .map((e) => e.entryName)
      .filter((n) => !n.endsWith('/'));
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .filter((n) => n.endsWith('/')),
    ).toEqual(['get_contact', 'list_files', 'search_items', 'update-deal'].map((op) => `conformance-fixture/src/${op}/`));
    const srcFiles = Object.keys(before).filter((f) => f.startsWith('src/') && !f.endsWith('.ctx.json'));
    const schemas = generateSchemas(findOperations(CONFORMANCE_FIXTURE));
    expect(names).toEqual(
      [...['connector.json', 'package.json', 'tsconfig.json', 'jest.config.js'], ...srcFiles, ...schemas.map((s) => s.file)]
        .map((f) => `conformance-fixture/${f}`)
        .sort(),
    );
    expect(names.filter((n) => n.endsWith('.ctx.json'))).toEqual([]);
    for (const schema of schemas) expect(zip.readAsText(`conformance-fixture/${schema.file}`)).toBe(schema.json);
    expect(zip.readAsText('conformance-fixture/src/get_contact/response.json')).toContain('"attributes"');
    expect(
      zip.readFile('conformance-fixture/tsconfig.json')?.equals(fs.readFileSync(path.join(CONFORMANCE_FIXTURE, 'tsconfig.json'))),
    ).toBe(true);

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

  it('leaves git-ignored files, dependencies, build output and lock files out, at any depth', async () => {
    const dir = path.join(tmp, 'acme');
    writeFiles(tmp, { '.gitignore': '*.ctx.json\n.env*\n' });
    writeFiles(dir, {
      ...minimalConnector('acme'),
      'src/test.ctx.json': '{"auth":"secret-1"}',
      'src/get_thing/handler.ctx.json': '{"auth":"secret-2"}',
      'src/get_thing/fixtures/deep/other.ctx.json': '{"auth":"secret-3"}',
      'src/get_thing/fixtures/deep/data.json': '{"kept":true}',
      '.env': 'TRAY_API_TOKEN=secret-4',
      'src/.env.local': 'TRAY_API_TOKEN=secret-5',
      'src/get_thing/.gitignore': 'local/\n',
      'src/get_thing/local/notes.ts': 'secret-6',
      'node_modules/dep/index.js': 'module.exports = 1;',
      'src/node_modules/dep/index.js': 'module.exports = 2;',
      'dist/index.js': '',
      'src/dist/index.js': '',
      '.tray/old.zip': 'old',
      'package-lock.json': '{}',
      'yarn.lock': '',
      'README.md': 'not part of the Tray layout',
    });
    const result = await buildConnector({
      connectorDir: dir,
      workspaceRoot: tmp,
      outputPath: path.join(tmp, 'acme.zip'),
      logger: createRecordingLogger(),
    });
    const zip = new AdmZip(result.zipPath);
    expect(zip.getEntries().map((e) => e.entryName)).toEqual([
      'acme/connector.json',
      'acme/jest.config.js',
      'acme/package.json',
      'acme/src/Auth.ts',
      'acme/src/get_thing/',
      'acme/src/get_thing/.gitignore',
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
      'tsconfig.base.json': JSON.stringify({
        compilerOptions: { target: 'es2020', strict: true, baseUrl: '.', paths: { '@acme/x': ['libs/x/src/index.ts'] } },
      }),
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

  describe('failures: a clear error, and the previous zip (and every other file) untouched', () => {
    const build = (dir: string, outputPath: string) =>
      buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath, logger: createRecordingLogger() });
    let dir: string;
    let zip: string;
    let before: Record<string, string>;
    beforeEach(() => {
      dir = path.join(tmp, 'acme');
      zip = path.join(dir, '.tray/connector.zip');
      writeFiles(dir, { ...minimalConnector('acme'), '.tray/connector.zip': 'the zip of an earlier build' });
    });
    /** After the test changed the connector: what must still be there after the failed build. */
    const keep = () => (before = snapshot(tmp));
    afterEach(() => {
      if (before) expect(snapshot(tmp)).toEqual(before);
      before = undefined as unknown as Record<string, string>;
    });

    it('bad connector.json', async () => {
      writeFiles(dir, { 'connector.json': JSON.stringify({ name: 'Acme CRM', version: '1' }) });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(path.join(dir, 'connector.json'));
      expect(error.message).toContain('"name" must be kebab-case');
      expect(error.message).toContain('"version" must be "MAJOR.MINOR"');
      expect(error.message).toContain('"title" is missing');
    });

    it('no operations: refused with what to do, with and without the type check (not `Cannot find name process`, not "0 operations")', async () => {
      fs.rmSync(path.join(dir, 'src/get_thing'), { recursive: true });
      keep();
      const expected = `${path.join(dir, 'src')} has no operations: add one with nx g tray-connector:operation`;
      await expect(build(dir, zip)).rejects.toThrow(expected);
      await expect(
        buildConnector({ connectorDir: dir, workspaceRoot: tmp, outputPath: zip, logger: createRecordingLogger(), typeCheck: false }),
      ).rejects.toThrow(expected);
    });

    it('missing output.ts', async () => {
      fs.rmSync(path.join(dir, 'src/get_thing/output.ts'));
      keep();
      await expect(build(dir, zip)).rejects.toThrow(`${path.join(dir, 'src/get_thing/output.ts')} is missing`);
    });

    it('an operation folder without handler.ts, and one with handler.ts but no operation.json, are named', async () => {
      fs.rmSync(path.join(dir, 'src/get_thing/handler.ts'));
      writeFiles(dir, { 'src/orphan/handler.ts': 'export const h = 1;\n', 'src/helpers/util.ts': 'export const u = 1;\n' });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(`${path.join(dir, 'src/get_thing')} has no handler.ts: operation "get_thing" needs one`);
      expect(error.message).toContain(`${path.join(dir, 'src/orphan')} has handler.ts but no operation.json, so it is not an operation`);
      expect(error.message).not.toContain('helpers');
    });

    it('wrong exported type name', async () => {
      writeFiles(dir, { 'src/get_thing/input.ts': 'export type GetThingsInput = { id: string };\n' });
      keep();
      await expect(build(dir, zip)).rejects.toThrow('must export type GetThingInput');
    });

    it('TypeScript error in an operation type, with file and line', async () => {
      writeFiles(dir, { 'src/get_thing/output.ts': 'export type GetThingOutput = {\n  ok: boolean;\n  n: number = 1;\n};\n' });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(TrayConnectorError);
      expect(error.message).toMatch(new RegExp(`${esc(path.join(dir, 'src/get_thing/output.ts'))}:3:\\d+ - error TS\\d+`));
    });

    it('TypeScript error in a handler or a helper: file:line:col - message, and how to turn the check off', async () => {
      writeFiles(dir, {
        'src/get_thing/handler.ts':
          "import { GetThingInput } from './input';\nexport const handler = (input: GetThingInput): number => input.id;\n",
        'src/util/format.ts': 'export const format = (n: number): string => n.toFixed(zzzUnknown);\n',
      });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(TrayConnectorError);
      const lines = error.message.split('\n');
      expect(lines[0]).toBe('2 TypeScript errors in the connector (Tray compiles it the same way, and the deployment would fail):');
      expect(lines[1]).toBe(
        `  ${path.join(dir, 'src/get_thing/handler.ts')}:2:58 - error TS2322: Type 'string' is not assignable to type 'number'.`,
      );
      expect(lines[2]).toMatch(
        new RegExp(`^  ${esc(path.join(dir, 'src/util/format.ts'))}:1:\\d+ - error TS2304: Cannot find name 'zzzUnknown'\\.$`),
      );
      expect(lines[3]).toContain('"typeCheck" option to false');
    });

    it('many errors: a screenful, then a count', async () => {
      writeFiles(dir, { 'src/util/bad.ts': Array.from({ length: 30 }, (_, i) => `export const v${i}: number = 'x';`).join('\n') });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      const lines = error.message.split('\n');
      expect(lines[0]).toBe('30 TypeScript errors in the connector (Tray compiles it the same way, and the deployment would fail):');
      expect(lines.filter((l: string) => l.includes('error TS2322'))).toHaveLength(20);
      expect(lines).toContain('  ... and 10 more (30 TypeScript errors in all)');
      expect(lines.length).toBeLessThanOrEqual(24);
    });

    it('a package the connector declares but that is not installed: says to install it', async () => {
      writeFiles(dir, {
        'package.json': JSON.stringify({ name: 'acme', dependencies: { 'not-installed-anywhere': '1.0.0' } }),
        'src/get_thing/handler.ts':
          "import { thing } from 'not-installed-anywhere';\nimport { other } from 'not-declared-either';\nexport const handler = () => [thing, other];\n",
      });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error.message).toContain(
        `${path.join(dir, 'src/get_thing/handler.ts')}:1:23 - error TS2307: "not-installed-anywhere" is declared in ${path.join(dir, 'package.json')} but not installed: run npm install`,
      );
      expect(error.message).toContain("error TS2307: Cannot find module 'not-declared-either'");
    });

    it('missing package.json', async () => {
      fs.rmSync(path.join(dir, 'package.json'));
      keep();
      await expect(build(dir, zip)).rejects.toThrow(`${path.join(dir, 'package.json')} is missing`);
    });

    it.each([
      ['src/connector.zip', 'is inside'],
      ['src/get_thing/x.zip', 'is inside'],
      ['package.json', 'must end in .zip'],
      ['connector.json', 'must end in .zip'],
      ['tsconfig.json', 'must end in .zip'],
      ['README.md', 'must end in .zip'],
      ['../README.md', 'must end in .zip'],
    ])('outputPath %s: refused before anything is written (%s)', async (rel, message) => {
      writeFiles(dir, { 'README.md': '# Acme' });
      writeFiles(tmp, { 'README.md': '# Workspace' });
      keep();
      await expect(build(dir, path.join(dir, rel))).rejects.toThrow(message);
    });

    it.each([
      ['src/test.ctx.json', '{"auth":"x"}'],
      ['src/test.ctx.JSON', '{"auth":"x"}'],
      ['src/get_thing/test.ctx.json.bak', '{"auth":"x"}'],
      ['src/.env', 'A=1'],
      ['src/.env.production', 'A=1'],
      ['src/.npmrc', '//registry/:_authToken=x'],
      ['src/keys/id_rsa', 'x'],
      ['src/keys/id_ed25519', 'x'],
      ['src/keys/server.pem', 'x'],
      ['src/keys/client.p12', 'x'],
      ['src/keys/client.pfx', 'x'],
      ['src/credentials.json', '{}'],
      ['src/credentials-prod.json.bak', '{}'],
      ['src/util/key.ts', 'export const key = `-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----`;\n'],
    ])('a credential-looking file (%s) is refused, named, with how to exclude or allow it', async (rel, text) => {
      writeFiles(dir, { [rel]: text });
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error).toBeInstanceOf(TrayConnectorError);
      expect(error.message).toContain(`  ${path.join(dir, rel)}: `);
      expect(error.message).toContain('.gitignore');
      expect(error.message).toContain(`"allowFiles": ["${rel}"]`);
    });

    it('a symlink out of the connector (to ~/.ssh, to a file, from a root file) is refused, naming the link and its target', async () => {
      // A home folder outside the workspace (the workspace root is tmp).
      const home = tempDir('tc-build-home-');
      try {
        writeFiles(home, { '.ssh/id_rsa': 'PRIVATE', hostname: 'host', 'package.json': '{}' });
        fs.symlinkSync(path.join(home, '.ssh'), path.join(dir, 'src/k'));
        fs.symlinkSync(path.join(home, 'hostname'), path.join(dir, 'src/hostname'));
        keep();
        const error = await build(dir, zip).catch((e) => e);
        expect(error.message).toContain(
          `${path.join(dir, 'src/k')} -> ${path.join(home, '.ssh')}: the symlink points outside the connector folder`,
        );
        expect(error.message).toContain(
          `${path.join(dir, 'src/hostname')} -> ${path.join(home, 'hostname')}: the symlink points outside the connector folder`,
        );
        expect(error.message).not.toContain('PRIVATE');
        fs.rmSync(path.join(dir, 'src/k'));
        fs.rmSync(path.join(dir, 'src/hostname'));
        fs.rmSync(path.join(dir, 'package.json'));
        fs.symlinkSync(path.join(home, 'package.json'), path.join(dir, 'package.json'));
        keep();
        await expect(build(dir, zip)).rejects.toThrow(
          `${path.join(dir, 'package.json')} -> ${path.join(home, 'package.json')}: the symlink points outside the connector folder`,
        );
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    it('a symlink loop and a non-UTF-8 file name: one-line errors naming the path', async () => {
      fs.symlinkSync('loop-b', path.join(dir, 'src/loop-a'));
      fs.symlinkSync('loop-a', path.join(dir, 'src/loop-b'));
      fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/src/`), Buffer.from([0x6e, 0xe4, 0x6d, 0x65]), Buffer.from('.ts')]), 'x');
      keep();
      const error = await build(dir, zip).catch((e) => e);
      expect(error.message.split('\n')).toEqual([
        `${path.join(dir, 'src/loop-a')} -> loop-b: symlink loop (the link resolves to itself): remove or fix it`,
        `${path.join(dir, 'src/loop-b')} -> loop-a: symlink loop (the link resolves to itself): remove or fix it`,
        `${path.join(dir, 'src', 'n\\xE4me.ts')}: the file name is not valid UTF-8; rename it (zip entries and Tray need UTF-8 names)`,
      ]);
    });
  });

  describe('what is allowed', () => {
    let dir: string;
    beforeEach(() => {
      dir = path.join(tmp, 'acme');
      writeFiles(dir, minimalConnector('acme'));
    });
    const build = (options: Partial<Parameters<typeof buildConnector>[0]> = {}) =>
      buildConnector({
        connectorDir: dir,
        workspaceRoot: tmp,
        outputPath: path.join(dir, '.tray/connector.zip'),
        logger: createRecordingLogger(),
        ...options,
      });
    const names = (zip: string) => new AdmZip(zip).getEntries().map((e) => e.entryName);

    it('allowFiles lets listed credential-looking files into the zip', async () => {
      writeFiles(dir, { 'src/fixtures/server.pem': 'CERT', 'src/fixtures/sample.ctx.json': '{}' });
      const result = await build({ allowFiles: ['src/fixtures/*.pem', '**/sample.ctx.json'] });
      expect(names(result.zipPath)).toEqual(expect.arrayContaining(['acme/src/fixtures/server.pem', 'acme/src/fixtures/sample.ctx.json']));
    });

    it('handler tests are not type-checked (jest compiles them); typeCheck: false skips the check, not the schema errors', async () => {
      writeFiles(dir, {
        'src/get_thing/handler.test.ts': 'const n: number = "jest checks me";\n',
        'src/__tests__/x.ts': 'const m: number = "me too";\n',
      });
      const ok = await build();
      expect(names(ok.zipPath)).toContain('acme/src/get_thing/handler.test.ts');
      writeFiles(dir, { 'src/get_thing/handler.ts': 'export const handler: number = "wrong";\n' });
      await expect(build()).rejects.toThrow('1 TypeScript error in the connector');
      const unchecked = await build({ typeCheck: false });
      expect(names(unchecked.zipPath)).toContain('acme/src/get_thing/handler.ts');
      writeFiles(dir, { 'src/get_thing/input.ts': 'export type GetThingInput = { id: Missing };\n' });
      await expect(build({ typeCheck: false })).rejects.toThrow('TypeScript errors in the operation types');
    });

    it('links inside src/ are followed; a link into a workspace library the connector imports is vendored, one into another is refused', async () => {
      writeFiles(tmp, {
        'tsconfig.base.json': JSON.stringify({
          compilerOptions: { baseUrl: '.', paths: { '@acme/shared': ['libs/shared/src/index.ts'] } },
        }),
        'libs/shared/project.json': '{}',
        'libs/shared/src/index.ts': 'export const shared = 1;\n',
        'libs/other/project.json': '{}',
        'libs/other/src/index.ts': 'export const other = 1;\n',
        'acme/src/get_thing/handler.ts': "import { shared } from '@acme/shared';\nexport const handler = (): number => shared;\n",
        'acme/src/real/a.json': '{"a":1}',
      });
      fs.symlinkSync('../real', path.join(dir, 'src/get_thing/linked'));
      fs.symlinkSync('../../libs/shared/src', path.join(dir, 'src/shared-link'));
      const result = await build();
      expect(names(result.zipPath)).toEqual(
        expect.arrayContaining([
          'acme/src/get_thing/linked/a.json',
          'acme/src/real/a.json',
          'acme/src/shared-link/index.ts',
          'acme/src/__workspace__/libs/shared/src/index.ts',
        ]),
      );
      fs.symlinkSync('../../libs/other/src', path.join(dir, 'src/other-link'));
      await expect(build()).rejects.toThrow(
        `${path.join(dir, 'src/other-link')} -> ${path.join(tmp, 'libs/other/src')}: the symlink points outside the connector folder, and not into a workspace library the connector imports`,
      );
    });
  });
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
