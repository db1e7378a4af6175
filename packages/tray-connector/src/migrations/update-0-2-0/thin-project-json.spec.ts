import { readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspaceTree } from '../../generators/__fixtures__/tree';
import { newGenerator } from '../../generators/new/generator';
import thinProjectJson from './thin-project-json';

const FIXTURES = path.join(__dirname, '__fixtures__');
/** nx.json and a connector's project.json exactly as tray-connector 0.1.0 wrote them (`init`, then `new acme --regions=eu`). */
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, any>;
const ROOT = 'connectors/acme';

describe('migration 0.2.0: thin the project.json files 0.1.0 wrote', () => {
  let tree: Tree;
  const project = () => readJson(tree, `${ROOT}/project.json`);
  /** A 0.1.0 workspace with one connector; `edit` changes its project.json as a user may have. */
  const workspace = (edit: (p: Record<string, any>) => void = () => undefined, nxJson = fixture('nx.0.1.0.json')) => {
    updateNxJson(tree, { ...readNxJson(tree), ...nxJson });
    writeJson(tree, `${ROOT}/connector.json`, { name: 'acme', version: '1.0', title: 'Acme' });
    const p = fixture('project.0.1.0.json');
    edit(p);
    writeJson(tree, `${ROOT}/project.json`, p);
  };
  const renamePlugin = (options: Record<string, unknown>) => {
    const nxJson = fixture('nx.0.1.0.json');
    nxJson.plugins[0].options = { ...nxJson.plugins[0].options, ...options };
    return nxJson;
  };

  beforeEach(() => {
    tree = createWorkspaceTree();
  });

  it('keeps only the name and the regions that differ from defaultRegions', async () => {
    workspace();
    await thinProjectJson(tree);
    expect(project()).toEqual({
      name: 'acme',
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      targets: { deploy: { options: { regions: ['eu'] } } },
    });
  });

  it('leaves what `new` now writes: the migrated file equals a fresh one', async () => {
    workspace();
    await thinProjectJson(tree);
    const migrated = project();
    await newGenerator(tree, { name: 'fresh', regions: 'eu', skipInstall: true, skipFormat: true });
    const fresh = readJson(tree, 'connectors/fresh/project.json');
    delete fresh['// targets'];
    expect({ ...migrated, name: 'fresh' }).toEqual(fresh);
  });

  it('drops regions equal to defaultRegions, so the connector follows the plugin option', async () => {
    workspace((p) => (p.targets.deploy.options.regions = ['us']));
    await thinProjectJson(tree);
    expect(project().targets).toEqual({});
  });

  it("keeps every user change: an edited option, an added input, extra tags, the user's own targets and fields", async () => {
    workspace((p) => {
      p.tags.push('scope:sales');
      p.targets.build.inputs = [...p.targets.build.inputs, '{projectRoot}/extra.txt'];
      p.targets.test.options.command = 'jest --ci';
      p.targets.deploy.options.wait = false;
      p.targets.share.options.emails = ['ops@acme.com'];
      p.targets.lint = { executor: 'nx:run-commands', options: { command: 'eslint .' } };
      p.implicitDependencies = ['shared'];
    });
    await thinProjectJson(tree);
    const inputs010 = fixture('project.0.1.0.json').targets.build.inputs;
    expect(project()).toEqual({
      name: 'acme',
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      tags: ['scope:sales'],
      targets: {
        build: { inputs: [...inputs010, '{projectRoot}/extra.txt'] },
        test: { options: { command: 'jest --ci' } },
        deploy: { options: { regions: ['eu'], wait: false } },
        share: { options: { emails: ['ops@acme.com'] } },
        lint: { executor: 'nx:run-commands', options: { command: 'eslint .' } },
      },
      implicitDependencies: ['shared'],
    });
  });

  it('leaves a target of the same name with another executor (the user replaced it) as it is', async () => {
    workspace((p) => (p.targets.test = { executor: '@nx/jest:jest', options: { jestConfig: 'connectors/acme/jest.config.js' } }));
    await thinProjectJson(tree);
    expect(project().targets.test).toEqual({ executor: '@nx/jest:jest', options: { jestConfig: 'connectors/acme/jest.config.js' } });
  });

  it('moves what is left to the target names the plugin options give now (no second deploy target with other regions)', async () => {
    workspace(
      (p) => (p.targets.build.options.outputPath = '{projectRoot}/out/c.zip'),
      renamePlugin({ buildTargetName: 'tray-build', deployTargetName: 'tray-deploy' }),
    );
    await thinProjectJson(tree);
    expect(project().targets).toEqual({
      'tray-build': { options: { outputPath: '{projectRoot}/out/c.zip' } },
      'tray-deploy': { options: { regions: ['eu'] } },
    });
  });

  it('removes the targetDefaults 0.1.0 added while unchanged, and keeps a changed one without what 0.1.0 wrote', async () => {
    workspace();
    await thinProjectJson(tree);
    expect(readNxJson(tree)!.targetDefaults).toBeUndefined();

    tree = createWorkspaceTree();
    const nxJson = fixture('nx.0.1.0.json');
    nxJson.targetDefaults['tray-connector:build'].cache = false;
    nxJson.targetDefaults.test = { cache: true };
    workspace(undefined, nxJson);
    await thinProjectJson(tree);
    expect(readNxJson(tree)!.targetDefaults).toEqual({ 'tray-connector:build': { cache: false }, test: { cache: true } });
  });

  it('changes nothing without the plugin registered (full targets are then needed) or for a project that is no connector', async () => {
    const nxJson = fixture('nx.0.1.0.json');
    delete nxJson.plugins;
    workspace(undefined, nxJson);
    const before = project();
    await thinProjectJson(tree);
    expect(project()).toEqual(before);
    expect(readNxJson(tree)!.targetDefaults).toEqual(nxJson.targetDefaults);

    tree = createWorkspaceTree();
    workspace();
    tree.delete(`${ROOT}/connector.json`);
    await thinProjectJson(tree);
    expect(project()).toEqual(fixture('project.0.1.0.json'));
  });

  it("keeps the connector's package.json scripts from replacing the targets project.json no longer defines", async () => {
    workspace((p) => (p.targets.test.options.command = 'jest --ci'));
    writeJson(tree, `${ROOT}/package.json`, {
      name: 'acme',
      scripts: { test: 'jest --config ./jest.config.js', build: 'tray-cdk connector build', lint: 'eslint .' },
    });
    await thinProjectJson(tree);
    // test stays in project.json (edited): its script cannot shadow it; build and share were removed
    expect(readJson(tree, `${ROOT}/package.json`).nx).toEqual({ includedScripts: ['test', 'lint'] });
  });

  it('is idempotent', async () => {
    workspace((p) => p.tags.push('scope:sales'));
    await thinProjectJson(tree);
    const once = project();
    await thinProjectJson(tree);
    expect(project()).toEqual(once);
  });

  it('is registered in migrations.json for 0.2.0, which package.json points nx migrate at', () => {
    const pkgRoot = path.resolve(__dirname, '../../..');
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgRoot, 'package.json'), 'utf8'));
    const migrations = JSON.parse(fs.readFileSync(path.join(pkgRoot, pkg['nx-migrations'].migrations), 'utf8'));
    expect(pkg.version).toBe('0.2.0');
    expect(migrations.generators['thin-project-json']).toMatchObject({
      version: '0.2.0',
      implementation: './src/migrations/update-0-2-0/thin-project-json',
    });
  });
});
