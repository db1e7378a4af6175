import { formatFiles, readNxJson, type Tree, updateNxJson } from '@nx/devkit';

/**
 * What `init` sets since 0.3.0, brought to workspaces made before: `pluginsConfig["@nx/js"]
 * .projectsAffectedByDependencyUpdates: "auto"`. Nx's default (`all`) makes any lock-file change
 * touch every project, so on Nx 22 and 23 (project-level affected) a devDependency bump no connector
 * uses would deploy every connector again. A value the workspace already sets (`all` included) is
 * its own choice and stays.
 */
export default async function affectedByDependencyUpdates(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree);
  if (!nxJson) return;
  const pluginsConfig = (nxJson.pluginsConfig ??= {});
  const jsConfig = (pluginsConfig['@nx/js'] ??= {}) as Record<string, unknown>;
  if (jsConfig.projectsAffectedByDependencyUpdates !== undefined) return;
  jsConfig.projectsAffectedByDependencyUpdates = 'auto';
  updateNxJson(tree, nxJson);
  await formatFiles(tree);
}
