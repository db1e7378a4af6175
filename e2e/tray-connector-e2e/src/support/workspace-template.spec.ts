import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sharedLocalRegistry, startLocalRegistry, SHARED_REGISTRY_ENV } from './registry';
import { waitForOnce } from './run-once';
import { copyTemplate, installedTemplate, removeTemplates, renameWorkspacePackage, RUN_ID_ENV, templateKey } from './workspace-template';

// The e2e run's shared parts (issue 18.7): workspace templates, the once-per-run lock, the shared registry.

const write = (file: string, content: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

describe('workspace templates', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-template-spec-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are keyed by the devDependencies (in any order) and the registry', () => {
    const a = templateKey({ nx: '24.0.6', 'tray-connector': 'file:/x.tgz' });
    expect(templateKey({ 'tray-connector': 'file:/x.tgz', nx: '24.0.6' })).toBe(a);
    expect(templateKey({ nx: '23.3.2', 'tray-connector': 'file:/x.tgz' })).not.toBe(a);
    expect(templateKey({ nx: '24.0.6', 'tray-connector': 'file:/x.tgz' }, { npm_config_registry: 'http://127.0.0.1:4873/' })).not.toBe(a);
  });

  it('are copied with node_modules hard-linked, npm’s hidden lock file and everything else copied, no .nx', () => {
    const template = path.join(dir, 'template');
    write(path.join(template, 'package.json'), '{"name":"tc-e2e-template"}\n');
    write(path.join(template, 'node_modules/nx/package.json'), '{"name":"nx"}\n');
    write(path.join(template, 'node_modules/.package-lock.json'), '{"name":"tc-e2e-template"}\n');
    write(path.join(template, '.nx/workspace-data/x'), 'data of the template folder');
    fs.symlinkSync('../nx/package.json', path.join(template, 'node_modules/nx-link'));
    const copy = path.join(dir, 'copy');
    fs.mkdirSync(copy);
    copyTemplate(template, copy);

    const ino = (f: string) => fs.statSync(f).ino;
    expect(ino(path.join(copy, 'node_modules/nx/package.json'))).toBe(ino(path.join(template, 'node_modules/nx/package.json')));
    expect(ino(path.join(copy, 'package.json'))).not.toBe(ino(path.join(template, 'package.json')));
    expect(ino(path.join(copy, 'node_modules/.package-lock.json'))).not.toBe(ino(path.join(template, 'node_modules/.package-lock.json')));
    expect(fs.readlinkSync(path.join(copy, 'node_modules/nx-link'))).toBe('../nx/package.json');
    expect(fs.existsSync(path.join(copy, '.nx'))).toBe(false);
    // A write into the copy's hidden lock file (npm rewrites it in place) leaves the template's as it was.
    fs.writeFileSync(path.join(copy, 'node_modules/.package-lock.json'), 'changed');
    expect(fs.readFileSync(path.join(template, 'node_modules/.package-lock.json'), 'utf8')).toBe('{"name":"tc-e2e-template"}\n');
  });

  it('a copy gets its own package name in package.json and package-lock.json, the rest kept', () => {
    write(path.join(dir, 'package.json'), JSON.stringify({ name: 'tc-e2e-template', version: '0.0.0', private: true }));
    write(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({ name: 'tc-e2e-template', lockfileVersion: 3, packages: { '': { name: 'tc-e2e-template', devDependencies: {} } } }),
    );
    renameWorkspacePackage(dir, 'affected');
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(
      JSON.stringify({ name: 'affected', version: '0.0.0', private: true }, null, 2) + '\n',
    );
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    expect(lock).toEqual({ name: 'affected', lockfileVersion: 3, packages: { '': { name: 'affected', devDependencies: {} } } });
  });

  it('are installed once per run and key, and removed with the run', () => {
    const saved = process.env[RUN_ID_ENV];
    process.env[RUN_ID_ENV] = 'spec-run';
    try {
      let installs = 0;
      const install = (d: string) => {
        installs++;
        write(path.join(d, 'node_modules/x/index.js'), '');
      };
      const first = installedTemplate('k1', install);
      expect(installedTemplate('k1', install)).toBe(first);
      expect(installs).toBe(1);
      installedTemplate('k2', install);
      expect(installs).toBe(2);
      expect(path.dirname(first!)).toBe(os.tmpdir());
      removeTemplates('spec-run');
      expect(fs.readdirSync(os.tmpdir()).filter((n) => n.includes('spec-run'))).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env[RUN_ID_ENV];
      else process.env[RUN_ID_ENV] = saved;
    }
  });

  it('are not used outside an e2e run (no run id): each workspace installs its own', () => {
    const saved = process.env[RUN_ID_ENV];
    delete process.env[RUN_ID_ENV];
    try {
      expect(installedTemplate('k', () => undefined)).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env[RUN_ID_ENV] = saved;
    }
  });
});

describe('waitForOnce', () => {
  let target: string;
  beforeEach(() => (target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-once-spec-')), 'thing')));
  afterEach(() => fs.rmSync(path.dirname(target), { recursive: true, force: true }));

  it('runs the work once; later callers do not run it again', () => {
    let runs = 0;
    waitForOnce(target, () => void runs++);
    waitForOnce(target, () => void runs++);
    expect(runs).toBe(1);
  });

  it('waits for the process holding the lock and takes its result: done, or its error', () => {
    fs.mkdirSync(`${target}.run-once.lock`);
    fs.writeFileSync(`${target}.run-once.failed`, 'npm ERR! 404 left-pad');
    expect(() => waitForOnce(target, () => undefined)).toThrow(/another test process failed to prepare .*thing:\nnpm ERR! 404 left-pad/);
    fs.rmSync(`${target}.run-once.failed`);
    fs.writeFileSync(`${target}.run-once.done`, '');
    let ran = false;
    waitForOnce(target, () => void (ran = true));
    expect(ran).toBe(false);
  });

  it('gives up with the lock to remove when the holder never finishes', () => {
    fs.mkdirSync(`${target}.run-once.lock`);
    expect(() => waitForOnce(target, () => undefined, 0)).toThrow(/remove .*thing\.run-once\.lock if no run is using it/);
  });

  it('records a failure of its own work for the others, and throws it', () => {
    expect(() =>
      waitForOnce(target, () => {
        throw new Error('install failed');
      }),
    ).toThrow('install failed');
    expect(fs.readFileSync(`${target}.run-once.failed`, 'utf8')).toContain('install failed');
  });
});

describe('the local registry of an e2e run', () => {
  const shared = sharedLocalRegistry();

  // Opt-in (E2E_SHARED_REGISTRY=1, see global-setup.ts): every suite gets the run's registry.
  (shared ? it : it.skip)(
    'with E2E_SHARED_REGISTRY=1: started once by the global setup, every suite gets that one, its stop leaves it running',
    async () => {
      expect(shared?.url).toBe(process.env[SHARED_REGISTRY_ENV.url]);
      const got = await startLocalRegistry();
      expect(got.url).toBe(shared!.url);
      expect(got.env.npm_config_registry).toBe(shared!.url);
      await got.stop();
      expect((await fetch(`${shared!.url}-/ping`)).ok).toBe(true);
    },
  );

  it('with own: a verdaccio of its own on 127.0.0.1, stopped by its stop', async () => {
    const own = await startLocalRegistry({ own: true });
    try {
      expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(own.url).not.toBe(shared?.url);
      expect((await fetch(`${own.url}-/ping`)).ok).toBe(true);
    } finally {
      await own.stop();
    }
    await expect(fetch(`${own.url}-/ping`)).rejects.toThrow();
  });
});
