import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureTestContext } from './test-context';
import { main } from './tray-connector';

describe('tray-connector test-context (the test target on a fresh clone)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-ctx-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies the committed example when src/test.ctx.json is missing, and keeps an existing one', () => {
    fs.writeFileSync(path.join(dir, 'test.ctx.example.json'), '{"auth":{"user":{"access_token":""}}}\n');
    expect(ensureTestContext(dir)).toMatch(/src\/test\.ctx\.json was missing: copied from test\.ctx\.example\.json/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'src/test.ctx.json'), 'utf8'))).toEqual({ auth: { user: { access_token: '' } } });
    fs.writeFileSync(path.join(dir, 'src/test.ctx.json'), '{"mine":true}');
    expect(ensureTestContext(dir)).toBe('');
    expect(fs.readFileSync(path.join(dir, 'src/test.ctx.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('stops naming both files when neither exists', async () => {
    const err: string[] = [];
    const code = await main(['test-context', dir], { cwd: '/', env: {}, out: () => undefined, err: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(err.join('')).toContain(`${path.join(dir, 'src/test.ctx.json')} is missing`);
    expect(err.join('')).toContain('test.ctx.example.json');
  });

  it('never copies through a symlink that leaves the connector', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-out-'));
    fs.writeFileSync(path.join(outside, 'secret.json'), '{"stolen":true}');
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(dir, 'test.ctx.example.json'));
    expect(() => ensureTestContext(dir)).toThrow(/leads out of the connector/);
    expect(fs.existsSync(path.join(dir, 'src/test.ctx.json'))).toBe(false);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('never writes through a symlink (issue 28.8): a committed src/test.ctx.json or src/ linking elsewhere is refused, naming the file', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-out-'));
    try {
      fs.writeFileSync(path.join(dir, 'test.ctx.example.json'), '{"auth":{}}\n');
      fs.mkdirSync(path.join(dir, 'src'));
      const dangling = path.join(outside, 'written-here.json');
      fs.symlinkSync(dangling, path.join(dir, 'src/test.ctx.json'));
      expect(() => ensureTestContext(dir)).toThrow(
        `${path.join(dir, 'src/test.ctx.json')}: not used: it is a symlink (to ${dangling}); writes never follow symlinks`,
      );
      expect(fs.existsSync(dangling)).toBe(false);
      fs.rmSync(path.join(dir, 'src'), { recursive: true });
      fs.symlinkSync(outside, path.join(dir, 'src'));
      expect(() => ensureTestContext(dir)).toThrow(
        `${path.join(dir, 'src/test.ctx.json')}: not written: ${path.join(dir, 'src')} is a symlink`,
      );
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('the command works from the connector folder (as the test target runs it)', async () => {
    fs.writeFileSync(path.join(dir, 'test.ctx.example.json'), '{}\n');
    const out: string[] = [];
    expect(await main(['test-context'], { cwd: dir, env: {}, out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(0);
    expect(out.join('')).toContain('copied from test.ctx.example.json');
    expect(fs.readFileSync(path.join(dir, 'src/test.ctx.json'), 'utf8')).toBe('{}\n');
  });
});
