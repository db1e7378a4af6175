import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTestContexts } from './test-contexts';

describe('tray-connector ci test-contexts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-ctx-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir });
    git('init', '-q');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      fs.mkdirSync(path.join(dir, 'connectors', name, 'src'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'connectors', name, 'connector.json'), JSON.stringify({ name, version: '1.0' }));
    }
    fs.writeFileSync(path.join(dir, 'connectors/beta/test.ctx.example.json'), '{"auth":{"user":{"access_token":"sample"}}}\n');
    fs.writeFileSync(path.join(dir, 'connectors/delta/src/test.ctx.json'), '{"local":true}\n');
    git('add', '-A');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (env: NodeJS.ProcessEnv) => {
    const out: string[] = [];
    writeTestContexts({ cwd: dir, env, secretEnv: 'TRAY_TEST_CTX', log: (l) => out.push(l) });
    return out.join('\n');
  };
  const ctx = (name: string) => fs.readFileSync(path.join(dir, 'connectors', name, 'src/test.ctx.json'), 'utf8');

  it('secret entry, else committed sample, else {}; an existing file is kept; the secret is never printed', () => {
    const out = run({ TRAY_TEST_CTX: JSON.stringify({ alpha: { auth: { user: { access_token: 'from-the-secret-42' } } } }) });
    expect(JSON.parse(ctx('alpha'))).toEqual({ auth: { user: { access_token: 'from-the-secret-42' } } });
    expect(ctx('beta')).toBe('{"auth":{"user":{"access_token":"sample"}}}\n');
    expect(ctx('gamma')).toBe('{}\n');
    expect(ctx('delta')).toBe('{"local":true}\n');
    expect(out).toContain('connectors/alpha/src/test.ctx.json: from TRAY_TEST_CTX');
    expect(out).toContain('connectors/beta/src/test.ctx.json: from connectors/beta/test.ctx.example.json');
    expect(out).toContain('connectors/gamma/src/test.ctx.json: {} (no TRAY_TEST_CTX entry, no test.ctx.example.json)');
    expect(out).toContain('connectors/delta/src/test.ctx.json: kept');
    expect(out).not.toContain('from-the-secret-42');
    expect(fs.statSync(path.join(dir, 'connectors/alpha/src/test.ctx.json')).mode & 0o777).toBe(0o600);
  });

  it('a secret that is not a JSON object fails, naming the secret, without printing it', () => {
    for (const value of ['not-json-secret-99', '["not-an-object-99"]']) {
      let message = '';
      try {
        run({ TRAY_TEST_CTX: value });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('TRAY_TEST_CTX is not a JSON object');
      expect(message).not.toContain('99');
    }
  });

  it('an entry named __proto__ or constructor is no connector entry', () => {
    fs.mkdirSync(path.join(dir, 'connectors/proto/src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'connectors/proto/connector.json'), JSON.stringify({ name: 'constructor', version: '1.0' }));
    execFileSync('git', ['add', '-A'], { cwd: dir });
    expect(run({ TRAY_TEST_CTX: '{}' })).toContain('connectors/proto/src/test.ctx.json: {} (no TRAY_TEST_CTX entry');
  });

  it('never reads a sample through a symlink that leaves the workspace', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-outside-'));
    try {
      fs.symlinkSync(path.join(outside, 'secret.json'), path.join(dir, 'connectors/alpha/test.ctx.example.json'));
      fs.writeFileSync(path.join(outside, 'secret.json'), '{"outside":true}');
      const out = run({});
      expect(out).toContain(
        'connectors/alpha/src/test.ctx.json: skipped (connectors/alpha/test.ctx.example.json is a symlink leading out of the workspace)',
      );
      expect(fs.existsSync(path.join(dir, 'connectors/alpha/src/test.ctx.json'))).toBe(false);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  describe('never writes through a symlink (issue 28.8): refuses naming the file, after the other connectors', () => {
    let outside: string;
    beforeEach(() => (outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-ci-outside-'))));
    afterEach(() => fs.rmSync(outside, { recursive: true, force: true }));
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        run(env);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const SECRET = { TRAY_TEST_CTX: JSON.stringify({ alpha: { token: 'from-the-secret-77' }, gamma: { token: 'from-the-secret-77' } }) };

    it('a committed src/test.ctx.json linking outside, dangling (the secret would create the file there) or not', () => {
      const dangling = path.join(outside, 'stolen.json');
      const existing = path.join(outside, 'existing.json');
      fs.writeFileSync(existing, 'untouched');
      fs.symlinkSync(dangling, path.join(dir, 'connectors/alpha/src/test.ctx.json'));
      fs.symlinkSync(existing, path.join(dir, 'connectors/gamma/src/test.ctx.json'));
      const message = refusal(SECRET);
      expect(message).toContain(
        `connectors/alpha/src/test.ctx.json: not written: it is a symlink (to ${dangling}); writes never follow symlinks (remove the symlink from the repository)`,
      );
      expect(message).toContain(`connectors/gamma/src/test.ctx.json: not written: it is a symlink (to ${existing})`);
      expect(message).not.toContain('from-the-secret-77');
      expect(fs.existsSync(dangling)).toBe(false);
      expect(fs.readFileSync(existing, 'utf8')).toBe('untouched');
      // The other connectors got theirs.
      expect(ctx('beta')).toBe('{"auth":{"user":{"access_token":"sample"}}}\n');
    });

    it('a committed src/ folder linking outside', () => {
      fs.rmSync(path.join(dir, 'connectors/gamma/src'), { recursive: true });
      fs.symlinkSync(outside, path.join(dir, 'connectors/gamma/src'));
      const message = refusal(SECRET);
      expect(message).toContain(
        `connectors/gamma/src/test.ctx.json: not written: ${path.join(dir, 'connectors/gamma/src')} is a symlink (to ${outside})`,
      );
      expect(fs.readdirSync(outside)).toEqual([]);
    });
  });
});
