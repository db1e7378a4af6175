import AdmZip from 'adm-zip';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tarballs } from './support/pack';
import { expectOk, createTestWorkspace, type RunResult, type TestWorkspace } from './support/workspace';

/**
 * Issue 10, as a user meets it: a fresh workspace with the packed plugin (`nx add`), a connector from
 * the generators, then `nx build` against everything that must never reach the zip or must fail
 * clearly: symlinks out of the connector, loops, git-ignored files (nested .gitignore files and the
 * workspace root's: a cached build and a fresh one give the same bytes), credential-looking files,
 * outputPath pointing at sources, type errors and missing handlers, a declared but uninstalled
 * package, a file name that is not UTF-8.
 */

const ROOT = 'connectors/acme';
const ZIP = `${ROOT}/.tray/connector.zip`;

function expectFail(r: RunResult, what: string): RunResult {
  if (r.code === 0) throw new Error(`${what} should have failed\n${r.output}`);
  // One clear message, no stack trace, never "unexpectedly".
  expect(r.output).toContain('acme: build failed');
  expect(r.output).not.toContain('build failed unexpectedly');
  expect(r.output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  return r;
}

describe('build safety in a fresh workspace', () => {
  let ws: TestWorkspace;
  let home: string;
  const sha = (file: string) =>
    crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(ws.root, file)))
      .digest('hex');
  const abs = (rel: string) => path.join(ws.root, rel);
  const build = (args = '') => ws.nx(`run acme:build ${args}`.trim(), { timeoutMs: 10 * 60 * 1000 });

  beforeAll(() => {
    ws = createTestWorkspace('build-safety');
    const { plugin } = tarballs();
    expectOk(ws.nx(`add tray-connector@file:${plugin}`, { timeoutMs: 10 * 60 * 1000 }), 'nx add tray-connector');
    expectOk(ws.nx('g tray-connector:new acme --regions=us'), 'nx g tray-connector:new');
    expectOk(ws.nx('g tray-connector:operation list_items --project=acme'), 'nx g tray-connector:operation');
    expectOk(
      ws.nx('g tray-connector:operation count_words --project=acme --kind=composite'),
      'nx g tray-connector:operation --kind=composite',
    );
    ws.commit('connector acme');
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-e2e-home-')));
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh/id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n');
    fs.writeFileSync(path.join(home, 'hostname'), 'e2e-host\n');
  });
  afterAll(() => {
    ws?.cleanup();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('the generated connector builds under the type check; its git-ignored test.ctx.json is neither refused nor zipped', () => {
    expect(ws.exists(`${ROOT}/src/test.ctx.json`)).toBe(true);
    const r = expectOk(build(), 'nx run acme:build');
    expect(r.output).toMatch(/acme 1\.0: 3 operations/);
    const names = new AdmZip(abs(ZIP)).getEntries().map((e) => e.entryName);
    expect(names).toEqual(
      expect.arrayContaining(['acme/src/list_items/handler.ts', 'acme/src/count_words/handler.ts', 'acme/src/list_items/input.json']),
    );
    expect(names.filter((n) => n.includes('ctx.json'))).toEqual([]);
  });

  it('git-ignored files (nested .gitignore, the root .gitignore) are neither inputs nor zipped: cached and fresh builds give the same bytes', () => {
    ws.write(`${ROOT}/src/.gitignore`, 'local/\n');
    ws.write(`${ROOT}/src/list_items/.gitignore`, '*.draft.ts\n');
    ws.write('.gitignore', `${ws.read('.gitignore')}*.scratch.json\n`);
    ws.write(`${ROOT}/src/local/notes.ts`, 'export const notes: number = "ignored, never checked";\n');
    ws.write(`${ROOT}/src/list_items/next.draft.ts`, 'export const draft = 1;\n');
    ws.write(`${ROOT}/src/data.scratch.json`, '{"scratch":1}');
    ws.commit('ignore rules');
    expectOk(build(), 'build with ignore rules');
    const fresh = sha(ZIP);
    const names = new AdmZip(abs(ZIP)).getEntries().map((e) => e.entryName);
    expect(names).toContain('acme/src/.gitignore');
    expect(names.filter((n) => /local\/|draft|scratch/.test(n))).toEqual([]);

    // Changing only ignored files changes no input: a cache hit, the same bytes.
    ws.write(`${ROOT}/src/local/notes.ts`, 'export const notes = "changed";\n');
    ws.write(`${ROOT}/src/list_items/next.draft.ts`, 'export const draft = 2;\n');
    ws.write(`${ROOT}/src/data.scratch.json`, '{"scratch":2}');
    const cached = expectOk(build(), 'build after changing ignored files');
    expect(cached.output).toContain('nx run acme:build  [local cache]');
    expect(sha(ZIP)).toBe(fresh);
    expectOk(build('--skip-nx-cache'), 'fresh build');
    expect(sha(ZIP)).toBe(fresh);
  });

  describe('refused, with the previous zip and every source left as they were', () => {
    let zipBefore: string;
    beforeAll(() => {
      expectOk(build(), 'build before the failures');
      zipBefore = sha(ZIP);
    });
    afterEach(() => {
      expect(sha(ZIP)).toBe(zipBefore);
      // Undo whatever the test changed in the connector (the commit holds the good state).
      ws.mustRun(`git checkout -- ${ROOT} && git clean -fdq ${ROOT}/src`);
    });

    it('symlinks out of the connector (to ~/.ssh, to a file like /etc/hostname), dangling links and loops', () => {
      fs.symlinkSync(path.join(home, '.ssh'), abs(`${ROOT}/src/k`));
      fs.symlinkSync(path.join(home, 'hostname'), abs(`${ROOT}/src/hostname`));
      fs.symlinkSync('missing.ts', abs(`${ROOT}/src/dangling.ts`));
      fs.symlinkSync('loop-b', abs(`${ROOT}/src/loop-a`));
      fs.symlinkSync('loop-a', abs(`${ROOT}/src/loop-b`));
      const r = expectFail(build('--skip-nx-cache'), 'build with bad links');
      expect(r.output).toContain(`${abs(`${ROOT}/src/k`)} -> ${path.join(home, '.ssh')}: the symlink points outside the connector folder`);
      expect(r.output).toContain(
        `${abs(`${ROOT}/src/hostname`)} -> ${path.join(home, 'hostname')}: the symlink points outside the connector folder`,
      );
      expect(r.output).toContain(`${abs(`${ROOT}/src/dangling.ts`)} -> missing.ts: dangling symlink`);
      expect(r.output).toContain(`${abs(`${ROOT}/src/loop-a`)} -> loop-b: symlink loop`);
      expect(r.output).not.toContain('ELOOP');
      expect(r.output).not.toContain('not-a-real-key');
    });

    it('a link inside src/ is followed', () => {
      fs.mkdirSync(abs(`${ROOT}/src/shared`));
      ws.write(`${ROOT}/src/shared/data.json`, '{"a":1}');
      fs.symlinkSync('../shared', abs(`${ROOT}/src/list_items/shared`));
      expectOk(build('--skip-nx-cache --outputPath={projectRoot}/.tray/linked.zip'), 'build with a link inside src/');
      const names = new AdmZip(abs(`${ROOT}/.tray/linked.zip`)).getEntries().map((e) => e.entryName);
      expect(names).toEqual(expect.arrayContaining(['acme/src/shared/data.json', 'acme/src/list_items/shared/data.json']));
    });

    it('credential-looking files, each named, with how to exclude or allow them', () => {
      ws.write(`${ROOT}/src/test.ctx.JSON`, '{"auth":"secret-value"}');
      ws.write(`${ROOT}/src/list_items/test.ctx.json.bak`, '{"auth":"secret-value"}');
      ws.write(`${ROOT}/src/.npmrc`, '//registry.example/:_authToken=secret-value\n');
      ws.write(`${ROOT}/src/.env.local`, 'TOKEN=secret-value\n');
      ws.write(`${ROOT}/src/keys/id_ed25519`, 'secret-value');
      ws.write(`${ROOT}/src/keys/server.pem`, 'secret-value');
      ws.write(`${ROOT}/src/keys/client.p12`, 'secret-value');
      ws.write(`${ROOT}/src/credentials.json`, '{"secret":"secret-value"}');
      ws.write(
        `${ROOT}/src/util/key.ts`,
        'export const k = `-----BEGIN RSA PRIVATE KEY-----\nsecret-value\n-----END RSA PRIVATE KEY-----`;\n',
      );
      const r = expectFail(build(), 'build with credentials');
      expect(r.output).toContain('9 files look like credentials and would be uploaded to Tray in the zip; nothing was built:');
      for (const rel of [
        'src/test.ctx.JSON',
        'src/list_items/test.ctx.json.bak',
        'src/.npmrc',
        'src/.env.local',
        'src/keys/id_ed25519',
        'src/keys/server.pem',
        'src/keys/client.p12',
        'src/credentials.json',
        'src/util/key.ts',
      ]) {
        expect(r.output).toContain(`  ${abs(`${ROOT}/${rel}`)}: `);
      }
      expect(r.output).toContain('.gitignore');
      expect(r.output).toContain('"allowFiles"');
      expect(r.output).not.toContain('secret-value');
      // allowFiles lets what truly belongs through.
      for (const rel of [
        'src/test.ctx.JSON',
        'src/list_items/test.ctx.json.bak',
        'src/.npmrc',
        'src/.env.local',
        'src/keys/id_ed25519',
        'src/credentials.json',
        'src/util/key.ts',
      ]) {
        fs.rmSync(abs(`${ROOT}/${rel}`));
      }
      expectOk(build("'--allowFiles=src/keys/*.pem,src/keys/*.p12' --outputPath={projectRoot}/.tray/allowed.zip"), 'build with allowFiles');
      expect(new AdmZip(abs(`${ROOT}/.tray/allowed.zip`)).getEntries().map((e) => e.entryName)).toEqual(
        expect.arrayContaining(['acme/src/keys/server.pem', 'acme/src/keys/client.p12']),
      );
    });

    it.each([
      ['connectors/acme/package.json', 'must end in .zip'],
      ['connectors/acme/connector.json', 'must end in .zip'],
      ['README.md', 'must end in .zip'],
      ['connectors/acme/src/connector.zip', 'a source of the connector'],
      ['connectors/acme/tsconfig.json/x.zip', 'a source of the connector'],
    ])('outputPath=%s (%s)', (outputPath, message) => {
      ws.write('README.md', '# workspace\n');
      const before = ['README.md', `${ROOT}/package.json`, `${ROOT}/connector.json`, `${ROOT}/tsconfig.json`].map((f) => [f, ws.read(f)]);
      const r = expectFail(build(`--outputPath=${outputPath}`), `build --outputPath=${outputPath}`);
      expect(r.output).toContain(`outputPath ${abs(outputPath)} `);
      expect(r.output).toContain(message);
      for (const [file, text] of before) expect(ws.read(file)).toBe(text);
      expect(ws.exists(`${ROOT}/src/connector.zip`)).toBe(false);
      fs.rmSync(abs('README.md'));
    });

    it('type errors in a handler and a helper: file:line:col - message; typeCheck=false builds anyway', () => {
      ws.write(`${ROOT}/src/util/format.ts`, 'export const format = (n: number): string => n;\n');
      ws.write(
        `${ROOT}/src/list_items/handler.ts`,
        `${ws.read(`${ROOT}/src/list_items/handler.ts`)}\nexport const broken: number = 'nope';\n`,
      );
      const r = expectFail(build(), 'build with type errors');
      expect(r.output).toContain('2 TypeScript errors in the connector');
      expect(r.output).toMatch(
        new RegExp(
          `${abs(`${ROOT}/src/util/format.ts`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+ - error TS2322: Type 'number' is not assignable to type 'string'\\.`,
        ),
      );
      expect(r.output).toMatch(/src\/list_items\/handler\.ts:\d+:\d+ - error TS2322/);
      expect(r.output).toContain('"typeCheck" option to false');
      expectOk(build('--typeCheck=false --outputPath={projectRoot}/.tray/unchecked.zip'), 'build --typeCheck=false');
    });

    it('an operation without handler.ts, and handler.ts without operation.json, name the folder', () => {
      fs.rmSync(abs(`${ROOT}/src/list_items/handler.ts`));
      fs.rmSync(abs(`${ROOT}/src/list_items/handler.test.ts`));
      ws.write(`${ROOT}/src/orphan/handler.ts`, 'export const orphan = 1;\n');
      const r = expectFail(build(), 'build without handler.ts');
      expect(r.output).toContain(`${abs(`${ROOT}/src/list_items`)} has no handler.ts: operation "list_items" needs one`);
      expect(r.output).toContain(`${abs(`${ROOT}/src/orphan`)} has handler.ts but no operation.json`);
    });

    it('a package the connector declares but that is not installed: says to install it', () => {
      const pkg = JSON.parse(ws.read(`${ROOT}/package.json`));
      pkg.dependencies = { ...pkg.dependencies, 'left-pad': '1.3.0' };
      ws.write(`${ROOT}/package.json`, JSON.stringify(pkg, null, 2));
      ws.write(`${ROOT}/src/util/pad.ts`, "import leftPad = require('left-pad');\nexport const pad = (s: string) => leftPad(s, 5);\n");
      const r = expectFail(build(), 'build with an uninstalled package');
      expect(r.output).toContain(`"left-pad" is declared in ${abs(`${ROOT}/package.json`)} but not installed: run npm install`);
    });

    it('a file name that is not valid UTF-8: one line naming the path', () => {
      fs.writeFileSync(Buffer.concat([Buffer.from(`${abs(`${ROOT}/src`)}/caf`), Buffer.from([0xe9]), Buffer.from('.json')]), '{}');
      // Nx cannot hash such a name (its file walk leaves it out), so only a build that runs sees it.
      const r = expectFail(build('--skip-nx-cache'), 'build with a non-UTF-8 name');
      expect(r.output).toContain(`${abs(`${ROOT}/src`)}/caf\\xE9.json: the file name is not valid UTF-8; rename it`);
    });
  });
});
