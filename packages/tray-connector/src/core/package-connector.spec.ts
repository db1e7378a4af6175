import AdmZip from 'adm-zip';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from './__fixtures__/temp-connector';
import { directoryEntries, isExcludedFileName, listPackagedFiles, writeDeterministicZip, ZIP_ENTRY_DATE } from './package-connector';

describe('listPackagedFiles', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('tc-list-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves out credentials, env files, dependencies, build output and lock files at any depth', () => {
    writeFiles(dir, {
      'a.ts': '',
      'test.ctx.json': '{"secret":1}',
      'op/handler.ctx.json': '{"secret":2}',
      'op/deeper/still/x.ctx.json': '{"secret":3}',
      'op/deeper/kept.json': '{}',
      'op/input.ts': '',
      '.env': 'TOKEN=1',
      '.env.local': 'TOKEN=2',
      'op/.envrc': 'TOKEN=3',
      'node_modules/x/index.js': '',
      'op/node_modules/y/index.js': '',
      'dist/a.js': '',
      '.tray/connector.zip': '',
      'package-lock.json': '{}',
      'op/yarn.lock': '',
      'pnpm-lock.yaml': '',
      '.DS_Store': '',
    });
    expect(listPackagedFiles(dir)).toEqual(['a.ts', 'op/deeper/kept.json', 'op/input.ts']);
  });

  it('names excluded files', () => {
    expect(['x.ctx.json', '.env', '.env.production', 'package-lock.json', 'yarn.lock'].every(isExcludedFileName)).toBe(true);
    expect(['ctx.ts', 'environment.ts', 'input.json', 'package.json'].some(isExcludedFileName)).toBe(false);
  });
});

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
    const result = await writeDeterministicZip([...names.map((name) => ({ name, data: Buffer.from(name) })), ...dirs], path.join(dir, 'd.zip'));
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
    await expect(writeDeterministicZip([entries[0], entries[0]], path.join(dir, 'dup.zip'))).rejects.toThrow('duplicate zip entry c/src/b.ts');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
