import AdmZip from 'adm-zip';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { TrayConnectorError } from '../errors';
import {
  collectPackagedFiles,
  directoryEntries,
  escapeFileName,
  isExcludedFileName,
  listPackagedFiles,
  writeDeterministicZip,
  ZIP_ENTRY_DATE,
} from './package-connector';

describe('listPackagedFiles', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('tc-list-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves out dependencies, build output, lock files and OS junk at any depth; credential files are listed (the build refuses them)', () => {
    writeFiles(dir, {
      'a.ts': '',
      'test.ctx.json': '{"secret":1}',
      'op/deeper/kept.json': '{}',
      'op/input.ts': '',
      '.env': 'TOKEN=1',
      'node_modules/x/index.js': '',
      'op/node_modules/y/index.js': '',
      'dist/a.js': '',
      '.tray/connector.zip': '',
      'package-lock.json': '{}',
      'op/yarn.lock': '',
      'pnpm-lock.yaml': '',
      '.DS_Store': '',
    });
    expect(listPackagedFiles(dir)).toEqual(['.env', 'a.ts', 'op/deeper/kept.json', 'op/input.ts', 'test.ctx.json']);
  });

  it('names excluded files', () => {
    expect(['package-lock.json', 'yarn.lock', '.DS_Store'].every(isExcludedFileName)).toBe(true);
    expect(['ctx.ts', 'environment.ts', 'input.json', 'package.json', 'x.ctx.json'].some(isExcludedFileName)).toBe(false);
  });

  it("leaves out what git ignores: the workspace root's .gitignore, nested ones in and above the folder, negations, ignored folders", () => {
    const ws = dir;
    const src = path.join(ws, 'connectors/acme/src');
    writeFiles(ws, {
      '.gitignore': '*.ctx.json\n*.local.ts\n',
      'connectors/.gitignore': 'scratch/\n',
      'connectors/acme/.gitignore': '*.tmp.ts\n',
      'connectors/acme/src/.gitignore': '!keep.local.ts\n',
      'connectors/acme/src/op/.gitignore': 'fixtures/*.json\n!fixtures/small.json\n',
      'connectors/acme/src/a.ts': '',
      'connectors/acme/src/test.ctx.json': '{}',
      'connectors/acme/src/dev.local.ts': '',
      'connectors/acme/src/keep.local.ts': '',
      'connectors/acme/src/x.tmp.ts': '',
      'connectors/acme/src/scratch/notes.ts': '',
      'connectors/acme/src/op/fixtures/big.json': '',
      'connectors/acme/src/op/fixtures/small.json': '',
      'connectors/acme/src/op/handler.ts': '',
    });
    expect(listPackagedFiles(src, { workspaceRoot: ws, connectorDir: path.dirname(src) })).toEqual([
      '.gitignore',
      'a.ts',
      'keep.local.ts',
      'op/.gitignore',
      'op/fixtures/small.json',
      'op/handler.ts',
    ]);
  });

  describe('symlinks', () => {
    let ws: string;
    let connector: string;
    let src: string;
    let outside: string;
    const list = () => listPackagedFiles(src, { workspaceRoot: ws, connectorDir: connector });
    const error = () => {
      try {
        list();
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    beforeEach(() => {
      ws = path.join(dir, 'ws');
      connector = path.join(ws, 'connectors/acme');
      src = path.join(connector, 'src');
      outside = path.join(dir, 'home');
      writeFiles(dir, {
        'home/.ssh/id_rsa': 'PRIVATE',
        'home/hostname': 'host',
        'ws/libs/shared/src/index.ts': 'export const x = 1;\n',
        'ws/connectors/acme/src/op/handler.ts': '',
        'ws/connectors/acme/src/real/a.ts': '',
        'ws/connectors/acme/README.md': '',
        'ws/connectors/acme/extra/b.ts': '',
      });
    });

    it('inside src/ (a file and a folder) are followed', () => {
      fs.symlinkSync(path.join(src, 'real/a.ts'), path.join(src, 'op/a-link.ts'));
      fs.symlinkSync('../real', path.join(src, 'op/real-link'));
      expect(list()).toEqual(['op/a-link.ts', 'op/handler.ts', 'op/real-link/a.ts', 'real/a.ts']);
    });

    it('to a folder outside the connector (~/.ssh) is an error naming the link and its target', () => {
      fs.symlinkSync(path.join(outside, '.ssh'), path.join(src, 'k'));
      expect(error()).toBeInstanceOf(TrayConnectorError);
      expect(error().message).toBe(
        `${path.join(src, 'k')} -> ${path.join(outside, '.ssh')}: the symlink points outside the connector folder; only the connector's own files (and workspace libraries it imports) may go into the zip`,
      );
    });

    it('to a file outside the connector (/etc/hostname-like) is an error, relative or absolute', () => {
      fs.symlinkSync(path.join(outside, 'hostname'), path.join(src, 'h'));
      fs.symlinkSync(path.relative(path.join(src, 'op'), path.join(outside, 'hostname')), path.join(src, 'op/h2'));
      const message = error().message.split('\n');
      expect(message).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${esc(path.join(src, 'h'))} -> ${esc(path.join(outside, 'hostname'))}: the symlink points outside the connector folder`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${esc(path.join(src, 'op/h2'))} -> ${esc(path.join(outside, 'hostname'))}: the symlink points outside the connector folder`,
          ),
        ),
      ]);
    });

    it('into the connector folder but outside src/ is an error (Nx hashes only src/**)', () => {
      fs.symlinkSync('../README.md', path.join(src, 'readme.md'));
      fs.symlinkSync('../extra', path.join(src, 'extra'));
      expect(error().message).toContain(
        `${path.join(src, 'extra')} -> ${path.join(connector, 'extra')}: the symlink points outside src/ of the connector`,
      );
      expect(error().message).toContain(
        `${path.join(src, 'readme.md')} -> ${path.join(connector, 'README.md')}: the symlink points outside src/`,
      );
    });

    it('into the workspace are reported for the build to check against the vendored libraries', () => {
      fs.symlinkSync(path.join(ws, 'libs/shared/src'), path.join(src, 'shared'));
      const result = collectPackagedFiles(src, { workspaceRoot: ws, connectorDir: connector });
      expect(result.files.map((f) => f.rel)).toEqual(['op/handler.ts', 'real/a.ts', 'shared/index.ts']);
      expect(result.outsideLinks).toEqual([{ link: path.join(src, 'shared'), target: fs.realpathSync(path.join(ws, 'libs/shared/src')) }]);
    });

    it('dangling: an error naming the link and where it points', () => {
      fs.symlinkSync('../gone.ts', path.join(src, 'op/gone.ts'));
      expect(error().message).toBe(
        `${path.join(src, 'op/gone.ts')} -> ../gone.ts: dangling symlink (its target does not exist): remove or fix it`,
      );
    });

    it('a loop of links, and a link to a folder that contains it: one-line errors, no ELOOP', () => {
      fs.symlinkSync('b', path.join(src, 'a'));
      fs.symlinkSync('a', path.join(src, 'b'));
      fs.symlinkSync('..', path.join(src, 'op/up'));
      const lines = error().message.split('\n');
      expect(lines).toEqual([
        `${path.join(src, 'a')} -> b: symlink loop (the link resolves to itself): remove or fix it`,
        `${path.join(src, 'b')} -> a: symlink loop (the link resolves to itself): remove or fix it`,
        `${path.join(src, 'op/up')} -> ..: symlink loop (it points to a folder that contains it): remove or fix it`,
      ]);
    });
  });

  it('a file name that is not valid UTF-8 is a one-line error naming the path', () => {
    writeFiles(dir, { 'op/input.ts': '' });
    const name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.ts')]);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/op/`), name]), 'x');
    expect(escapeFileName(name)).toBe('caf\\xE9.ts');
    expect(() => listPackagedFiles(dir)).toThrow(
      new TrayConnectorError(
        `${path.join(dir, 'op', 'caf\\xE9.ts')}: the file name is not valid UTF-8; rename it (zip entries and Tray need UTF-8 names)`,
      ),
    );
  });
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('writeDeterministicZip', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('tc-zip-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const entries = [
    { name: 'c/src/b.ts', data: Buffer.from('export const b = 2;\n') },
    { name: 'c/connector.json', data: Buffer.from('{"name":"c"}') },
    { name: 'c/src/a/a.ts', data: Buffer.from('export const a = 1;\n'.repeat(50)) },
  ];

  it('gives the same bytes for the same entries in any order, sorted, with fixed dates and modes', async () => {
    const one = await writeDeterministicZip(entries, path.join(dir, 'one.zip'));
    const two = await writeDeterministicZip([...entries].reverse(), path.join(dir, 'out/two.zip'));
    const bytes = fs.readFileSync(one.zipPath);
    expect(bytes.equals(fs.readFileSync(two.zipPath))).toBe(true);
    expect(one.size).toBe(bytes.length);
    expect(one.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
    expect(two.sha256).toBe(one.sha256);

    const zip = new AdmZip(one.zipPath);
    expect(zip.getEntries().map((e) => e.entryName)).toEqual(['c/connector.json', 'c/src/a/a.ts', 'c/src/b.ts']);
    for (const e of zip.getEntries()) {
      expect(e.header.time.getFullYear()).toBe(ZIP_ENTRY_DATE.getUTCFullYear());
      expect((e.header.attr >>> 16) & 0o777).toBe(0o644);
      expect(e.header.method).toBe(0); // stored: no zlib build can change the bytes
    }
    expect(zip.readAsText('c/src/a/a.ts')).toBe('export const a = 1;\n'.repeat(50));
    expect(fs.readdirSync(dir).sort()).toEqual(['one.zip', 'out']);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['two.zip']);
  });

  it('lists the folders below src/ as directory entries (as tray-cdk does) and writes them with mode 0755', async () => {
    const names = ['c/connector.json', 'c/src/Auth.ts', 'c/src/op/input.ts', 'c/src/op/deep/x/y.json', 'c/src/op/output.ts'];
    const dirs = directoryEntries(names, 'c/src');
    expect(dirs.map((d) => d.name)).toEqual(['c/src/op/', 'c/src/op/deep/', 'c/src/op/deep/x/']);
    const result = await writeDeterministicZip(
      [...names.map((name) => ({ name, data: Buffer.from(name) })), ...dirs],
      path.join(dir, 'd.zip'),
    );
    const zip = new AdmZip(result.zipPath);
    const dirEntry = zip.getEntry('c/src/op/deep/');
    expect(dirEntry?.isDirectory).toBe(true);
    expect((dirEntry!.header.attr >>> 16) & 0o777).toBe(0o755);
    expect(zip.getEntries().map((e) => e.entryName)).toEqual([
      'c/connector.json',
      'c/src/Auth.ts',
      'c/src/op/',
      'c/src/op/deep/',
      'c/src/op/deep/x/',
      'c/src/op/deep/x/y.json',
      'c/src/op/input.ts',
      'c/src/op/output.ts',
    ]);
  });

  it('refuses duplicate names and leaves no file behind', async () => {
    await expect(writeDeterministicZip([entries[0], entries[0]], path.join(dir, 'dup.zip'))).rejects.toThrow(
      'duplicate zip entry c/src/b.ts',
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
