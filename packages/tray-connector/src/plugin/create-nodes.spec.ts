import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { PluginCache, resetWorkspaceContext } from '@nx/devkit/internal';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONNECTOR_FILE_GLOB, createConnectorNodes, createNodes, pluginCachePath, type TrayConnectorPluginOptions } from './create-nodes';
import { CONNECTOR_TAG, connectorTargets } from './targets';

type Project = NonNullable<CreateNodesResult['projects']>[string];

describe('createNodes (inferred connector projects)', () => {
  let root: string;
  let context: CreateNodesContext;

  const write = (file: string, content: string) => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  };
  const connector = (dir: string, json: Record<string, unknown> = { name: path.basename(dir), version: '1.0', title: 'T' }) => {
    write(`${dir}/connector.json`, JSON.stringify(json));
    write(`${dir}/src/list_contacts/operation.json`, '{"name":"list_contacts","title":"List contacts"}');
    write(`${dir}/src/list_contacts/input.ts`, 'export type ListContactsInput = { id: string };\n');
    return `${dir}/connector.json`;
  };
  const newCache = () => new PluginCache<Project>(path.join(root, '.cache', 'tray-connector.hash'), {});
  const run = async (files: string[], options?: TrayConnectorPluginOptions, cache = newCache()) => {
    const results = await createConnectorNodes(files, options, context, cache);
    const projects: Record<string, Project> = {};
    for (const [, result] of results) Object.assign(projects, result.projects);
    return { results, projects, cache };
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-create-nodes-'));
    context = { workspaceRoot: root, nxJsonConfiguration: {} };
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('matches every connector.json', () => {
    expect(createNodes[0]).toBe(CONNECTOR_FILE_GLOB);
    expect(CONNECTOR_FILE_GLOB).toBe('**/connector.json');
  });

  it('makes a project of each connector folder, named from connector.json, tagged, with build/test/deploy/share to the default region us', async () => {
    const a = connector('connectors/acme-crm', { name: 'acme-crm', version: '1.0', title: 'Acme CRM' });
    const b = connector('legacy/billing', { name: 'billing-api', version: '2.3', title: 'Billing' });
    const { results, projects } = await run([a, b]);

    expect(results.map(([file]) => file)).toEqual([a, b]);
    expect(Object.keys(projects)).toEqual(['connectors/acme-crm', 'legacy/billing']);
    const acme = projects['connectors/acme-crm'];
    expect(acme.name).toBe('acme-crm');
    expect(projects['legacy/billing'].name).toBe('billing-api');
    expect(acme.tags).toEqual([CONNECTOR_TAG]);
    expect(acme.projectType).toBe('application');
    expect(acme.metadata?.description).toBe('Tray CDK connector: Acme CRM');
    expect(acme.targets).toEqual(connectorTargets(['us']));
    expect(Object.keys(acme.targets ?? {})).toEqual(['build', 'test', 'typecheck', 'deploy', 'share', 'status', 'verify']);
    expect(acme.targets?.typecheck.options).toEqual({ command: 'tray-connector typecheck', cwd: '{projectRoot}' });
    expect(acme.targets?.build.executor).toBe('tray-connector:build');
    expect(acme.targets?.build.outputs).toEqual(['{options.outputPath}']);
    expect(acme.targets?.deploy.executor).toBe('tray-connector:deploy');
    expect(acme.targets?.deploy.dependsOn).toEqual(['build']);
    expect(acme.targets?.deploy.options).toEqual({ regions: ['us'] });
    expect(acme.targets?.deploy.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*.zip' });
    expect(acme.targets?.deploy.inputs).toContainEqual({ env: 'TRAY_API_TOKEN_EU' });
    expect(acme.targets?.share.executor).toBe('tray-connector:share');
  });

  it('gives every inferred target a metadata.description for `nx show project`', async () => {
    const { projects } = await run([connector('c/one')]);
    for (const [name, target] of Object.entries(projects['c/one'].targets ?? {})) {
      expect({ name, description: typeof target.metadata?.description }).toEqual({ name, description: 'string' });
      expect((target.metadata?.description as string).length).toBeGreaterThan(20);
    }
  });

  it('names the targets and the default regions from the plugin options in nx.json', async () => {
    const { projects } = await run([connector('c/one')], {
      buildTargetName: 'tray-build',
      testTargetName: 'tray-test',
      typecheckTargetName: 'tray-typecheck',
      deployTargetName: 'tray-deploy',
      shareTargetName: 'tray-share',
      defaultRegions: ['eu', 'APAC'],
    });
    const targets = projects['c/one'].targets ?? {};
    expect(Object.keys(targets).sort()).toEqual([
      'status',
      'tray-build',
      'tray-deploy',
      'tray-share',
      'tray-test',
      'tray-typecheck',
      'verify',
    ]);
    expect(targets['tray-typecheck'].options.command).toBe('tray-connector typecheck');
    expect(targets['tray-build'].executor).toBe('tray-connector:build');
    expect(targets['tray-test'].executor).toBe('nx:run-commands');
    expect(targets['tray-deploy'].dependsOn).toEqual(['tray-build']);
    expect(targets['tray-deploy'].options).toEqual({ regions: ['eu', 'apac'] });
    expect(targets['tray-share'].metadata?.description).toContain('tray-deploy');
  });

  it("keeps a connector's own regions when deployTargetName is renamed after its project.json was written", async () => {
    // project.json from before the rename: Nx drops this executor-less target; its regions must move to the renamed deploy target.
    write('c/one/project.json', JSON.stringify({ name: 'one', targets: { deploy: { options: { regions: ['EU', 'apac'] } } } }));
    const renamed = await run([connector('c/one')], { deployTargetName: 'tray-deploy', defaultRegions: ['us'] });
    expect(Object.keys(renamed.projects['c/one'].targets ?? {})).not.toContain('deploy');
    expect(renamed.projects['c/one'].targets?.['tray-deploy'].options).toEqual({ regions: ['eu', 'apac'] });
    // Under the current name it is Nx's ordinary merge (project.json over the inferred target): the default stays inferred.
    const current = await run([connector('c/one')], { defaultRegions: ['us'] });
    expect(current.projects['c/one'].targets?.deploy.options).toEqual({ regions: ['us'] });
  });

  it("leaves another plugin's target and a target that runs something alone", async () => {
    write(
      'c/one/project.json',
      JSON.stringify({
        targets: {
          deploy: { options: { regions: ['eu'] }, executor: 'other:deploy' },
          release: { options: { regions: ['mars'] } },
          publish: { dependsOn: ['build'], options: { regions: ['eu'] } },
        },
      }),
    );
    const { projects } = await run([connector('c/one')], { deployTargetName: 'tray-deploy' });
    expect(projects['c/one'].targets?.['tray-deploy'].options).toEqual({ regions: ['us'] });
  });

  it('refuses plugin options that cannot work, naming the option', async () => {
    const file = connector('c/one');
    await expect(run([file], { deployTargetName: 'build' })).rejects.toThrow(/same name/);
    await expect(run([file], { typecheckTargetName: 'test' })).rejects.toThrow(/same name/);
    await expect(run([file], { typecheckTargetName: 'type check' })).rejects.toThrow(/"typecheckTargetName"/);
    await expect(run([file], { defaultRegions: [] })).rejects.toThrow(/"defaultRegions"/);
    await expect(run([file], { defaultRegions: ['us', 'mars'] })).rejects.toThrow(
      'tray-connector plugin options in nx.json: Unknown region "mars" in the "defaultRegions" option: use us, eu, apac',
    );
    await expect(run([file], { buildTargetName: 'has space' })).rejects.toThrow(/"buildTargetName"/);
  });

  it('ignores connector.json files under node_modules, dist and .tray', async () => {
    const files = [
      connector('connectors/real'),
      connector('node_modules/some-package'),
      connector('connectors/real/node_modules/dep'),
      connector('dist/connectors/real'),
      connector('connectors/real/.tray/unzipped'),
    ];
    const { results, projects } = await run(files);
    expect(results.map(([file]) => file)).toEqual(['connectors/real/connector.json']);
    expect(Object.keys(projects)).toEqual(['connectors/real']);
  });

  it('falls back to the folder name when connector.json has no name', async () => {
    const nameless = connector('connectors/no-name', { version: '1.0', title: 'x' });
    const { projects } = await run([nameless]);
    expect(projects['connectors/no-name'].name).toBe('no-name');
  });

  it('a broken connector.json breaks only its connector: no error for the graph, its targets report the line and column (issue 22.5)', async () => {
    const good = connector('connectors/good');
    write('connectors/broken/connector.json', '{\n  "name": "broken",\n  "version": "1.0",\n}\n');
    write('connectors/array/connector.json', '[]');
    // Before: createNodes threw for the file and Nx failed every command ("Failed to process project graph").
    const { projects } = await run([good, 'connectors/broken/connector.json', 'connectors/array/connector.json']);
    expect(projects['connectors/good'].targets?.build.executor).toBe('tray-connector:build');
    const broken = projects['connectors/broken'];
    expect(broken.name).toBe('broken');
    expect(broken.tags).toEqual([CONNECTOR_TAG]);
    expect(broken.metadata?.description).toContain('connectors/broken/connector.json:4:1: Expected double-quoted property name');
    expect(Object.keys(broken.targets ?? {}).sort()).toEqual(['build', 'deploy', 'share', 'status', 'test', 'typecheck', 'verify']);
    for (const target of Object.values(broken.targets ?? {})) {
      expect(target.executor).toBe('nx:run-commands');
      expect(target.options.command).toMatch(/^node '.*broken-connector\.js' 'connectors\/broken\/connector\.json'$/);
    }
    expect(projects['connectors/array'].metadata?.description).toContain('connectors/array/connector.json:1:1: must hold a JSON object');
  });

  describe('folders with glob characters and shared names (issue 28.7)', () => {
    // The glob engine Nx's hasher and output expansion use (test-only deep import).
    const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };
    const fileSet = (inputs: unknown[], projectRoot: string) =>
      inputs
        .filter((i): i is string => typeof i === 'string' && !i.startsWith('^'))
        .map((i) => i.replace('{projectRoot}', projectRoot).replace('{workspaceRoot}/', ''));

    it("names a folder's own files in its inputs and outputs, escaped, and never another folder's", async () => {
      const one = connector('connectors/x[one]', { name: 'x-one', version: '1.0', title: 'T' });
      const other = connector('connectors/xo', { name: 'xo', version: '1.0', title: 'T' });
      const { projects } = await run([one, other]);
      const build = projects['connectors/x[one]'].targets?.build;
      const globs = fileSet(build?.inputs ?? [], 'connectors/x[one]');
      const paths = ['connectors/x[one]/src/a/handler.ts', 'connectors/xo/src/a/handler.ts'];
      expect(globs.map((g) => matchGlobPaths([g], paths))).toContainEqual([true, false]);
      expect(globs.every((g) => !matchGlobPaths([g], paths)[1])).toBe(true);
      expect(build?.outputs).toEqual(['{workspaceRoot}/connectors/x\\[one\\]/.tray/connector.zip']);
      expect(
        matchGlobPaths(fileSet(build?.outputs ?? [], ''), ['connectors/x[one]/.tray/connector.zip', 'connectors/xo/.tray/connector.zip']),
      ).toEqual([true, false]);
      expect(projects['connectors/x[one]'].targets?.deploy.outputs).toEqual([
        '{workspaceRoot}/connectors/x\\[one\\]/.tray/deploy-result.json',
      ]);
      // A plain folder keeps the usual targets.
      expect(projects['connectors/xo'].targets).toEqual(connectorTargets(['us']));
    });

    it('two folders with the same files get their own projects, not one cached entry', async () => {
      const a = connector('connectors/x[one]', { version: '1.0', title: 'T' });
      const b = connector('connectors/x[two]', { version: '1.0', title: 'T' });
      const cache = newCache();
      await run([a, b], undefined, cache);
      const { projects } = await run([a, b], undefined, cache);
      expect([projects['connectors/x[one]'].name, projects['connectors/x[two]'].name]).toEqual(['x[one]', 'x[two]']);
    });

    it('connectors sharing a name get their folder as project name, and targets that fail naming both', async () => {
      const a = connector('connectors/x[one]', { name: 'x-one', version: '1.0', title: 'T' });
      const b = connector('connectors/x[two]', { name: 'x-one', version: '1.0', title: 'T' });
      const c = connector('connectors/fine', { name: 'fine', version: '1.0', title: 'T' });
      const { projects } = await run([a, b, c]);
      expect(Object.values(projects).map((p) => p.name)).toEqual(['connectors/x[one]', 'connectors/x[two]', 'fine']);
      const deploy = projects['connectors/x[two]'].targets?.deploy;
      expect(deploy?.executor).toBe('nx:run-commands');
      expect(deploy?.options.env.TRAY_CONNECTOR_PROBLEM).toContain('connectors/x[one], connectors/x[two] all hold the connector "x-one"');
      expect(projects['connectors/fine'].targets?.deploy.executor).toBe('tray-connector:deploy');
    });

    it('a folder Nx cannot name in a glob gets targets that fail saying so; the others are untouched', async () => {
      const bad = connector('connectors/x(a|b)', { name: 'xab', version: '1.0', title: 'T' });
      const { projects } = await run([bad, connector('connectors/fine')]);
      const build = projects['connectors/x(a|b)'].targets?.build;
      expect(build?.executor).toBe('nx:run-commands');
      expect(build?.options.env.TRAY_CONNECTOR_PROBLEM).toMatch(/"connectors\/x\(a\|b\)" holds "\(".*rename the folder/);
      expect(projects['connectors/fine'].targets?.build.executor).toBe('tray-connector:build');
    });
  });

  describe('plugin cache', () => {
    it('stores one entry per connector and answers an unchanged connector from the cache', async () => {
      const file = connector('connectors/acme', { name: 'acme', version: '1.0', title: 'Acme' });
      const first = await run([file]);
      const keys = Object.keys(first.cache.toSerializable().entries);
      expect(keys).toHaveLength(1);

      // Seed a cache whose entry for that same key says something createNodes would never infer:
      // getting it back proves the second run read the cache instead of re-reading connector.json.
      const seeded = new PluginCache<Project>(path.join(root, '.cache', 'x.hash'), {
        [keys[0]]: { name: 'from-the-cache', targets: {} },
      });
      const second = await run([file], undefined, seeded);
      expect(second.projects['connectors/acme'].name).toBe('from-the-cache');
    });

    it('recomputes a connector whose files changed, and when the plugin options change', async () => {
      const file = connector('connectors/acme', { name: 'acme', version: '1.0', title: 'Acme' });
      const cache = newCache();
      await run([file], undefined, cache);
      const before = Object.keys(cache.toSerializable().entries);

      write(file, JSON.stringify({ name: 'acme-renamed', version: '1.0', title: 'Acme' }));
      resetWorkspaceContext(); // what Nx's file watching does between two graph computations
      const renamed = await run([file], undefined, cache);
      expect(renamed.projects['connectors/acme'].name).toBe('acme-renamed');

      const eu = await run([file], { defaultRegions: ['eu'] }, cache);
      expect(eu.projects['connectors/acme'].targets?.deploy.options).toEqual({ regions: ['eu'] });
      const after = Object.keys(cache.toSerializable().entries);
      expect(after).toHaveLength(3);
      expect(after).toEqual(expect.arrayContaining(before));
    });

    it('hands Nx a copy, so a merge that grows arrays in place cannot corrupt the cached entry', async () => {
      const file = connector('connectors/acme');
      const cache = newCache();
      const first = await run([file], undefined, cache);
      first.projects['connectors/acme'].tags?.push('added-by-a-merge');
      const second = await run([file], undefined, cache);
      expect(second.projects['connectors/acme'].tags).toEqual([CONNECTOR_TAG]);
    });

    it('createNodes persists the cache to Nx workspace data, where the next process finds it', async () => {
      const options: TrayConnectorPluginOptions = { shareTargetName: `share-${process.pid}-${Date.now()}` };
      const cacheFile = pluginCachePath(options);
      try {
        const file = connector('connectors/acme', { name: 'acme', version: '1.0', title: 'Acme' });
        const results = await createNodes[1]([file], options, context);
        expect(results[0][1].projects?.['connectors/acme'].name).toBe('acme');
        const onDisk = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, Project> };
        expect(Object.values(onDisk.entries).map((p) => p.name)).toEqual(['acme']);
        const reloaded = new PluginCache<Project>(cacheFile);
        expect(reloaded.toSerializable().entries).toEqual(onDisk.entries);
      } finally {
        fs.rmSync(cacheFile, { force: true });
      }
    });

    it('keeps the cache in a file per set of plugin options', () => {
      expect(pluginCachePath({ defaultRegions: ['eu'] })).not.toBe(pluginCachePath({ defaultRegions: ['us'] }));
      expect(pluginCachePath(undefined)).toBe(pluginCachePath({}));
      expect(path.basename(pluginCachePath({}))).toMatch(/^tray-connector-\w+\.hash$/);
    });
  });
});
