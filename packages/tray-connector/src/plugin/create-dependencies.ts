import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '@nx/devkit';
import { existsSync } from 'fs';
import { join } from 'path';
import { connectorLibraries } from './connector-libraries';
import type { TrayConnectorPluginOptions } from './create-nodes';
import { CONNECTOR_TAG } from './targets';

/**
 * The project-graph edges from each connector to the workspace libraries its build vendors into the zip,
 * from the build's own import analysis (path aliases and workspace packages, transitively), whatever
 * `@nx/js`'s `analyzeSourceFiles` says (create-nx-workspace's npm preset turns it off). So `nx affected`
 * (project-level on Nx 22 and 23) selects exactly the connectors that import a changed library, and `^`
 * inputs reach it. Nx 22, 23 and 24 call it with the same public signature: (options, context).
 */
export const createDependencies: CreateDependencies<TrayConnectorPluginOptions> = (_options, context) => {
  const projects = Object.entries(context.projects).map(([key, project]) => ({
    root: project.root ?? key,
    name: project.name ?? key,
    tags: project.tags ?? [],
  }));
  // Library folders belong to the project with the deepest root holding them; the workspace root project
  // (`.`) is never one: it would make every importer depend on every file of the workspace.
  const byDepth = projects.filter((p) => p.root !== '.' && p.root !== '').sort((a, b) => b.root.length - a.root.length);
  const owner = (dir: string) => byDepth.find((p) => dir === p.root || dir.startsWith(`${p.root}/`));
  const dependencies: RawProjectGraphDependency[] = [];
  for (const connector of projects) {
    if (!connector.tags.includes(CONNECTOR_TAG) || !existsSync(join(context.workspaceRoot, connector.root, 'connector.json'))) continue;
    const ownFiles = new Set((context.fileMap?.projectFileMap?.[connector.name] ?? []).map((f) => f.file));
    const targets = new Map<string, string>();
    for (const [dir, from] of Object.entries(connectorLibraries(connector.root, context.workspaceRoot).importedFrom)) {
      const library = owner(dir);
      if (library && library.name !== connector.name && !targets.has(library.name)) targets.set(library.name, from);
    }
    for (const [target, sourceFile] of targets) {
      // A static edge names the importing file, which Nx requires to be one of the project's files; when it is
      // not (a file Nx does not track), the edge is still there, as an implicit one.
      dependencies.push(
        ownFiles.has(sourceFile)
          ? { source: connector.name, target, sourceFile, type: DependencyType.static }
          : { source: connector.name, target, type: DependencyType.implicit },
      );
    }
  }
  return dependencies;
};
