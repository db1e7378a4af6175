import { logger, readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { BUILD_INPUTS, DEPLOY_ENV_INPUTS, deployTarget } from '../../plugin/targets';
import { initGenerator } from './generator';

const snapshot = (tree: Tree, files: string[]) => Object.fromEntries(files.map((f) => [f, tree.exists(f) ? tree.read(f, 'utf-8') : null]));

describe('init generator', () => {
  let tree: Tree;
  const savedAddPlugins = process.env.NX_ADD_PLUGINS;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    delete process.env.NX_ADD_PLUGINS;
  });
  afterAll(() => {
    if (savedAddPlugins === undefined) delete process.env.NX_ADD_PLUGINS;
    else process.env.NX_ADD_PLUGINS = savedAddPlugins;
  });

  it('adds the pinned Tray CDK packages and test toolchain to the root package.json', async () => {
    await initGenerator(tree, { skipInstall: true });
    const pkg = readJson(tree, 'package.json');
    expect(pkg.dependencies).toMatchObject({ '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0' });
    expect(pkg.devDependencies).toMatchObject({
      jest: '30.5.2',
      'ts-jest': '29.4.15',
      '@types/jest': '30.0.0',
      typescript: '5.9.3',
    });
  });

  it('keeps the versions the workspace already has, in either section', async () => {
    const pkg = readJson(tree, 'package.json');
    writeJson(tree, 'package.json', {
      ...pkg,
      dependencies: { ...pkg.dependencies, '@trayio/cdk-dsl': '4.60.0' },
      devDependencies: { ...pkg.devDependencies, typescript: '~5.4.0', '@trayio/cdk-runtime': '^4.50.0', jest: '29.7.0' },
    });
    await initGenerator(tree, { skipInstall: true });
    const after = readJson(tree, 'package.json');
    expect(after.dependencies['@trayio/cdk-dsl']).toBe('4.60.0');
    expect(after.devDependencies.typescript).toBe('~5.4.0');
    expect(after.devDependencies.jest).toBe('29.7.0');
    expect(after.devDependencies['@trayio/cdk-runtime']).toBe('^4.50.0');
    expect(after.dependencies['@trayio/cdk-runtime']).toBeUndefined();
    expect(after.devDependencies['ts-jest']).toBe('29.4.15');
  });

  it('adds nothing to package.json with --skipPackageJson', async () => {
    const before = tree.read('package.json', 'utf-8');
    await initGenerator(tree, { skipPackageJson: true, skipInstall: true });
    expect(tree.read('package.json', 'utf-8')).toBe(before);
  });

  it('returns a task that installs what it added, and a no-op with --skipInstall', async () => {
    const withInstall = await initGenerator(createTreeWithEmptyWorkspace({ formatter: 'none' }), {});
    expect(typeof withInstall).toBe('function');
    expect(withInstall.toString()).toContain('installPackagesTask');
    const skipped = await initGenerator(tree, { skipInstall: true });
    expect(skipped.toString()).not.toContain('installPackagesTask');
  });

  it('registers the plugin in nx.json with its target names and default regions', async () => {
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.plugins).toEqual([
      {
        plugin: 'tray-connector',
        options: {
          buildTargetName: 'build',
          testTargetName: 'test',
          typecheckTargetName: 'typecheck',
          deployTargetName: 'deploy',
          shareTargetName: 'share',
          defaultRegions: ['us'],
        },
      },
    ]);
  });

  it('takes default regions in any case, aliases and comma lists, as deploy does', async () => {
    await initGenerator(tree, { skipInstall: true, defaultRegions: ['EU,ap1'] });
    const entry = readNxJson(tree)!.plugins![0] as { options: { defaultRegions: string[] } };
    expect(entry.options.defaultRegions).toEqual(['eu', 'apac']);
  });

  it('takes other default regions and refuses an unknown one', async () => {
    await initGenerator(tree, { skipInstall: true, defaultRegions: ['eu', 'apac'] });
    const entry = readNxJson(tree)!.plugins![0] as { options: { defaultRegions: string[] } };
    expect(entry.options.defaultRegions).toEqual(['eu', 'apac']);
    await expect(initGenerator(createTreeWithEmptyWorkspace({ formatter: 'none' }), { defaultRegions: ['mars'] })).rejects.toThrow(
      'Unknown region "mars" in --defaultRegions: use us, eu, apac',
    );
  });

  it('keeps an existing registration of the plugin (string or object form) as it is', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['tray-connector'] });
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.plugins).toEqual(['tray-connector']);
  });

  it('does not register the plugin when nx.json has useInferencePlugins: false', async () => {
    updateNxJson(tree, { ...readNxJson(tree), useInferencePlugins: false });
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.plugins ?? []).toEqual([]);
  });

  it('does not register the plugin when NX_ADD_PLUGINS=false, unless --addPlugin', async () => {
    process.env.NX_ADD_PLUGINS = 'false';
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.plugins ?? []).toEqual([]);
    await initGenerator(tree, { skipInstall: true, addPlugin: true });
    expect(readNxJson(tree)!.plugins).toHaveLength(1);
  });

  it('leaves cache, inputs and dependsOn to the registered plugin: no targetDefaults for its executors', async () => {
    // targetDefaults are merged over inferred targets: they would freeze this version's inputs and today's build target name.
    await initGenerator(tree, { skipInstall: true });
    const targetDefaults = readNxJson(tree)!.targetDefaults ?? {};
    expect(targetDefaults['tray-connector:build']).toBeUndefined();
    expect(targetDefaults['tray-connector:deploy']).toBeUndefined();
  });

  it('without the plugin, sets targetDefaults by executor from the shared target definitions (for targets in project.json)', async () => {
    await initGenerator(tree, { skipInstall: true, addPlugin: false });
    const targetDefaults = readNxJson(tree)!.targetDefaults!;
    expect(targetDefaults['tray-connector:build']).toEqual({
      cache: true,
      inputs: BUILD_INPUTS,
      outputs: ['{options.outputPath}'],
    });
    expect(targetDefaults['tray-connector:deploy']).toEqual({
      dependsOn: ['build'],
      cache: deployTarget([]).cache,
      inputs: [
        { dependentTasksOutputFiles: '**/*.zip' },
        ...DEPLOY_ENV_INPUTS.map((env) => ({ env })),
        { externalDependencies: ['tray-connector'] },
      ],
    });
  });

  it('keeps targetDefaults the user already set', async () => {
    updateNxJson(tree, { ...readNxJson(tree), targetDefaults: { 'tray-connector:build': { cache: false } } });
    await initGenerator(tree, { skipInstall: true, addPlugin: false });
    expect(readNxJson(tree)!.targetDefaults!['tray-connector:build']).toEqual({ cache: false });
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.targetDefaults!['tray-connector:build']).toEqual({ cache: false });
  });

  it('turns on import analysis for the project graph unless already configured', async () => {
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.pluginsConfig!['@nx/js']).toMatchObject({ analyzeSourceFiles: true });

    const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
    updateNxJson(other, { ...readNxJson(other), pluginsConfig: { '@nx/js': { analyzeSourceFiles: false, analyzePackageJson: true } } });
    await initGenerator(other, { skipInstall: true });
    expect(readNxJson(other)!.pluginsConfig!['@nx/js']).toMatchObject({ analyzeSourceFiles: false, analyzePackageJson: true });
  });

  it('warns when neither the plugin nor import analysis links connectors to their libraries (issue 27.1)', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      updateNxJson(tree, { ...readNxJson(tree), pluginsConfig: { '@nx/js': { analyzeSourceFiles: false } } });
      await initGenerator(tree, { skipInstall: true });
      expect(warn).not.toHaveBeenCalled(); // the plugin's createDependencies owns the edges
      const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
      updateNxJson(other, { ...readNxJson(other), pluginsConfig: { '@nx/js': { analyzeSourceFiles: false } } });
      await initGenerator(other, { skipInstall: true, addPlugin: false });
      expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(
        /analyzeSourceFiles to false and the tray-connector plugin is not registered/,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('makes a lock-file change affect only the projects whose packages changed (issue 22.1), keeping a setting the user made', async () => {
    await initGenerator(tree, { skipInstall: true });
    expect(readNxJson(tree)!.pluginsConfig!['@nx/js']).toEqual({ analyzeSourceFiles: true, projectsAffectedByDependencyUpdates: 'auto' });

    const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
    updateNxJson(other, { ...readNxJson(other), pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: 'all' } } });
    await initGenerator(other, { skipInstall: true });
    expect(readNxJson(other)!.pluginsConfig!['@nx/js']).toEqual({ analyzeSourceFiles: true, projectsAffectedByDependencyUpdates: 'all' });
  });

  it('pins @nx/devkit to the workspace nx when package.json lacks it (npm would pick the newest @nx/devkit, made for another Nx)', async () => {
    const pkg = readJson(tree, 'package.json');
    writeJson(tree, 'package.json', { ...pkg, devDependencies: { ...pkg.devDependencies, nx: '22.7.12' } });
    await initGenerator(tree, { skipInstall: true });
    // The newest @nx/devkit 22 not newer than nx: 22.7.12 itself, which exists.
    expect(readJson(tree, 'package.json').devDependencies['@nx/devkit']).toBe('>=22.0.0 <=22.7.12');
  });

  it('pins an @nx/devkit that exists for an nx release that has none of its own (nx 24.0.6: the newest @nx/devkit is 24.0.0)', async () => {
    const pkg = readJson(tree, 'package.json');
    writeJson(tree, 'package.json', { ...pkg, devDependencies: { ...pkg.devDependencies, nx: '24.0.6' } });
    await initGenerator(tree, { skipInstall: true });
    expect(readJson(tree, 'package.json').devDependencies['@nx/devkit']).toBe('>=24.0.0 <=24.0.6');
    const pre = createTreeWithEmptyWorkspace({ formatter: 'none' });
    writeJson(pre, 'package.json', { ...readJson(pre, 'package.json'), devDependencies: { nx: '25.0.0-beta.1' } });
    await initGenerator(pre, { skipInstall: true });
    expect(readJson(pre, 'package.json').devDependencies['@nx/devkit']).toBe('25.0.0-beta.1');
  });

  describe('in a workspace with nx alone, where npm did not install the optional @nx/devkit peer (issue 27.5)', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@nx/devkit'\nRequire stack:\n- init/generator.js"), { code: 'MODULE_NOT_FOUND' });
    };

    it('init loads and runs with nx alone: dependencies (an @nx/devkit for this nx among them), plugin, .gitignore', async () => {
      const pkg = readJson(tree, 'package.json');
      writeJson(tree, 'package.json', { ...pkg, devDependencies: { nx: '22.0.0' } });
      let init: typeof initGenerator | undefined;
      jest.isolateModules(() => {
        jest.doMock('@nx/devkit', missing);
        init = require('./generator').initGenerator;
      });
      const install = await init!(tree, {});
      jest.dontMock('@nx/devkit');
      expect(typeof install).toBe('function');
      const after = readJson(tree, 'package.json');
      expect(after.devDependencies).toEqual({
        '@nx/devkit': '>=22.0.0 <=22.0.0',
        '@types/jest': '30.0.0',
        jest: '30.5.2',
        nx: '22.0.0',
        'ts-jest': '29.4.15',
        typescript: '5.9.3',
      });
      expect(after.dependencies).toMatchObject({ '@trayio/cdk-dsl': '4.65.0', '@trayio/cdk-runtime': '4.65.0' });
      expect(readNxJson(tree)!.plugins).toEqual([expect.objectContaining({ plugin: 'tray-connector' })]);
      expect(tree.read('.gitignore', 'utf-8')).toContain('.tray/');
    });

    it('optionalDevkit is undefined only when @nx/devkit itself is missing; any other load error is thrown', () => {
      const { optionalDevkit } = require('../shared/optional-devkit') as typeof import('../shared/optional-devkit');
      expect(optionalDevkit(missing)).toBeUndefined();
      const inner = () => {
        throw Object.assign(new Error("Cannot find module 'nx/src/devkit-exports'"), { code: 'MODULE_NOT_FOUND' });
      };
      expect(() => optionalDevkit(inner)).toThrow("Cannot find module 'nx/src/devkit-exports'");
      expect(() =>
        optionalDevkit(() => {
          throw new SyntaxError('Unexpected token');
        }),
      ).toThrow(SyntaxError);
      expect(optionalDevkit()).toBe(require('@nx/devkit'));
    });
  });

  it('keeps an @nx/devkit the workspace has, and adds none when the nx version is not exact and nx is not installed', async () => {
    const pkg = readJson(tree, 'package.json');
    writeJson(tree, 'package.json', { ...pkg, devDependencies: { ...pkg.devDependencies, nx: '23.2.1', '@nx/devkit': '~23.2.0' } });
    await initGenerator(tree, { skipInstall: true });
    expect(readJson(tree, 'package.json').devDependencies['@nx/devkit']).toBe('~23.2.0');

    const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
    const otherPkg = readJson(other, 'package.json');
    writeJson(other, 'package.json', { ...otherPkg, devDependencies: { ...otherPkg.devDependencies, nx: '^23.0.0' } });
    await initGenerator(other, { skipInstall: true });
    expect(readJson(other, 'package.json').devDependencies['@nx/devkit']).toBeUndefined();
  });

  it('reads the installed nx version from node_modules when there is one', async () => {
    const { installedNxVersion } = await import('./generator');
    const root = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'tc-init-nx-'));
    try {
      require('fs').mkdirSync(`${root}/node_modules/nx`, { recursive: true });
      require('fs').writeFileSync(`${root}/node_modules/nx/package.json`, JSON.stringify({ name: 'nx', version: '23.0.1' }));
      const onDisk = { root, exists: () => false } as unknown as Tree;
      expect(installedNxVersion(onDisk)).toBe('23.0.1');
    } finally {
      require('fs').rmSync(root, { recursive: true, force: true });
    }
  });

  it('git-ignores build output and local credentials, keeping what .gitignore had', async () => {
    tree.write('.gitignore', 'node_modules\ndist');
    await initGenerator(tree, { skipInstall: true });
    const lines = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(lines.slice(0, 2)).toEqual(['node_modules', 'dist']);
    expect(lines).toContain('.tray/');
    expect(lines).toContain('*.ctx.json');
  });

  it('creates .gitignore when there is none, and adds only what is missing', async () => {
    if (tree.exists('.gitignore')) tree.delete('.gitignore');
    await initGenerator(tree, { skipInstall: true });
    expect(tree.read('.gitignore', 'utf-8')).toContain('.tray/\n*.ctx.json\n');

    const other = createTreeWithEmptyWorkspace({ formatter: 'none' });
    other.write('.gitignore', '/.tray\n');
    await initGenerator(other, { skipInstall: true });
    const text = other.read('.gitignore', 'utf-8')!;
    expect(text.match(/\.tray/g)).toHaveLength(1);
    expect(text).toContain('*.ctx.json');
  });

  it('is idempotent: a second run changes nothing', async () => {
    tree.write('.gitignore', 'node_modules\n');
    await initGenerator(tree, { skipInstall: true });
    const files = ['package.json', 'nx.json', '.gitignore'];
    const first = snapshot(tree, files);
    const task = await initGenerator(tree, {});
    expect(snapshot(tree, files)).toEqual(first);
    // nothing was added, so nothing to install
    expect(task.toString()).not.toContain('installPackagesTask');
  });
});
