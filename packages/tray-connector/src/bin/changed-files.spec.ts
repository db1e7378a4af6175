import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readFileList, writeChangedFiles } from './changed-files';

describe('tray-connector ci changed-files', () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-files-'));
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    git('config', 'commit.gpgsign', 'false');
    git('config', 'core.quotepath', 'true');
    for (const name of ['alpha', 'beta', 'gamma']) {
      write(`connectors/${name}/connector.json`, JSON.stringify({ name, version: '1.0' }));
      write(`connectors/${name}/project.json`, '{}');
      write(`connectors/${name}/src/op/operation.json`, '{}');
    }
    git('add', '-A');
    git('commit', '-qm', 'base');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (env: { base?: string; head?: string } = {}) => {
    const log: string[] = [];
    const output = path.join(dir, 'tmp', 'changed.txt');
    writeChangedFiles({
      cwd: dir,
      base: env.base ?? git('rev-parse', 'HEAD~1'),
      head: env.head ?? 'HEAD',
      output,
      log: (l) => log.push(l),
    });
    return { files: readFileList(output).sort(), log: log.join('\n'), text: fs.readFileSync(output, 'utf8') };
  };

  it('leaves out every file of a deleted connector (Nx would count it as a change of all projects), keeps the others', () => {
    git('rm', '-rq', 'connectors/gamma');
    fs.rmSync(path.join(dir, 'connectors/beta/src/op'), { recursive: true });
    write('connectors/alpha/src/op/input.ts', 'export type OpInput = {};');
    git('add', '-A');
    git('commit', '-qm', 'change');
    const { files, log } = run();
    expect(files).toEqual(['connectors/alpha/src/op/input.ts', 'connectors/beta/src/op/operation.json']);
    expect(log).toContain('deleted connector connectors/gamma/: nothing to build or deploy for it');
  });

  it('a merge that only deletes a connector leaves nothing; a moved connector counts as new', () => {
    git('rm', '-rq', 'connectors/gamma');
    git('commit', '-qm', 'delete');
    expect(run().files).toEqual([]);
    git('mv', 'connectors/beta', 'connectors/beta-moved');
    git('commit', '-qm', 'move');
    expect(run().files).toEqual([
      'connectors/beta-moved/connector.json',
      'connectors/beta-moved/project.json',
      'connectors/beta-moved/src/op/operation.json',
    ]);
  });

  it('thousands of changed files (over 128 KB of names) go to the file whole, one per line; commas and unicode kept (issue 22.6)', () => {
    const names: string[] = [];
    for (let i = 0; i < 6113; i++) names.push(`docs/imported-api/paths/repos-owner-repo-actions-runs-run-id-attempts-${i}.json`);
    names.push('connectors/alpha/src/op/a,b.ts', 'connectors/alpha/src/op/ünïcode space.ts');
    for (const n of names) write(n, '{}');
    git('add', '-A');
    git('commit', '-qm', 'big');
    const { files, text } = run();
    expect(Buffer.byteLength(names.join(','))).toBeGreaterThan(128 * 1024);
    expect(files).toEqual([...names].sort());
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses a changed file whose name holds a line break (it could set variables through GITHUB_ENV), naming it', () => {
    write('connectors/alpha/x\nNODE_OPTIONS=--require=./evil.js', 'evil');
    git('add', '-A');
    git('commit', '-qm', 'evil');
    expect(() => run()).toThrow(
      'the file name "connectors/alpha/x\\nNODE_OPTIONS=--require=./evil.js" holds a line break or control character',
    );
  });

  it('without NX_BASE it fails, naming it; a base that is not a commit name is refused', () => {
    expect(() => writeChangedFiles({ cwd: dir, base: '', head: 'HEAD', output: path.join(dir, 'x'), log: () => undefined })).toThrow(
      'NX_BASE is not set',
    );
    expect(() => run({ base: '--output=/etc/passwd' })).toThrow('--base (NX_BASE) "--output=/etc/passwd" is not a commit');
  });

  it('readFileList refuses a list with a carriage return and names a missing file', () => {
    fs.writeFileSync(path.join(dir, 'list.txt'), 'a\r\nb\n');
    expect(() => readFileList(path.join(dir, 'list.txt'))).toThrow('holds a line break or control character');
    expect(() => readFileList(path.join(dir, 'missing.txt'))).toThrow(
      `--files-from ${path.join(dir, 'missing.txt')}: cannot read it (ENOENT)`,
    );
  });
});
