import { readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspaceTree } from '../../generators/__fixtures__/tree';
import affectedByDependencyUpdates from './affected-by-dependency-updates';

const jsConfig = (tree: Tree) => (readNxJson(tree)!.pluginsConfig ?? {})['@nx/js'] as Record<string, unknown> | undefined;

describe('migration 0.3.0: projectsAffectedByDependencyUpdates "auto" (issue 22.1)', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createWorkspaceTree();
  });

  it('sets "auto" in a workspace made before init set it, keeping the other @nx/js settings', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.pluginsConfig = { '@nx/js': { analyzeSourceFiles: true } };
    updateNxJson(tree, nxJson);
    expect(jsConfig(tree)?.projectsAffectedByDependencyUpdates).toBeUndefined(); // Nx's default: 'all'
    await affectedByDependencyUpdates(tree);
    expect(jsConfig(tree)).toEqual({ analyzeSourceFiles: true, projectsAffectedByDependencyUpdates: 'auto' });
  });

  it('sets it where nx.json has no pluginsConfig at all', async () => {
    await affectedByDependencyUpdates(tree);
    expect(jsConfig(tree)).toEqual({ projectsAffectedByDependencyUpdates: 'auto' });
  });

  it("keeps the workspace's own choice ('all' or a list) and is idempotent", async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.pluginsConfig = { '@nx/js': { projectsAffectedByDependencyUpdates: 'all' } };
    updateNxJson(tree, nxJson);
    await affectedByDependencyUpdates(tree);
    expect(jsConfig(tree)).toEqual({ projectsAffectedByDependencyUpdates: 'all' });
    const fresh = createWorkspaceTree();
    await affectedByDependencyUpdates(fresh);
    const once = fresh.read('nx.json', 'utf-8');
    await affectedByDependencyUpdates(fresh);
    expect(fresh.read('nx.json', 'utf-8')).toBe(once);
  });

  it('is registered in migrations.json for 0.3.0', () => {
    const pkgRoot = path.resolve(__dirname, '../../..');
    const migrations = JSON.parse(fs.readFileSync(path.join(pkgRoot, 'migrations.json'), 'utf8'));
    expect(migrations.generators['affected-by-dependency-updates']).toMatchObject({
      version: '0.3.0',
      implementation: './src/migrations/update-0-3-0/affected-by-dependency-updates',
    });
  });
});
