import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, USAGE } from './tray-connector';

describe('the tray-connector command', () => {
  const run = async (args: string[], cwd = os.tmpdir(), env: NodeJS.ProcessEnv = {}) => {
    let out = '';
    let err = '';
    const code = await main(args, { cwd, env, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('prints its usage; an unknown command or option is refused with a clear message, no stack trace', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, out: USAGE, err: '' });
    const unknown = await run(['deploy']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('tray-connector: unknown command "deploy"');
    const badOption = await run(['results', '--yaml']);
    expect(badOption.err).toMatch(/^tray-connector: Unknown option '--yaml'/);
    expect(badOption.err).not.toContain('    at ');
  });

  it('ci run and ci changed-files name their missing options', async () => {
    expect((await run(['ci', 'run', '--targets', 'build'])).err).toContain('ci run: --files-from <file> is required');
    expect((await run(['ci', 'run', '--files-from', 'x'])).err).toContain('ci run: --targets <target> is required');
    expect((await run(['ci', 'run', '--files-from', 'x', '--targets', 'build;rm'])).err).toContain('"build;rm" is not a target name');
    expect((await run(['ci', 'changed-files'])).err).toContain('ci changed-files: --output <file> is required');
    expect((await run(['ci', 'changed-files', '--output', 'x'])).err).toContain('NX_BASE is not set');
  });

  it('ci changed-files takes NX_BASE and NX_HEAD from the environment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-cli-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
      git('init', '-q');
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
      git('add', '-A');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'a');
      fs.writeFileSync(path.join(dir, 'b,c.txt'), 'b');
      git('add', '-A');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'b');
      const r = await run(['ci', 'changed-files', '--output', 'out/list.txt'], dir, {
        NX_BASE: git('rev-parse', 'HEAD~1'),
        NX_HEAD: 'HEAD',
      });
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'out/list.txt'), 'utf8')).toBe('b,c.txt\n');
      expect(r.err).toContain('1 changed file(s) between');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
