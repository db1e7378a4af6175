import * as path from 'path';
import { collectPackagedFiles } from '../core/build/package-connector';
import { planWorkspaceLibraries, readWorkspaceAliases, vendoredSourcePath } from '../core/connector/workspace-libraries';

/**
 * What the build vendors into a connector's zip from the workspace, as the project graph needs it: the
 * same import analysis as the build (core/connector/workspace-libraries.ts), so the graph's edges and the
 * build's inputs name exactly the library files that reach the zip.
 */
export interface ConnectorLibraries {
  /** Vendored files and the package.json of each vendored library, relative to the workspace root (posix), sorted. */
  files: string[];
  /** Library folder (workspace-relative) -> a connector file (workspace-relative) whose imports reach it. */
  importedFrom: Record<string, string>;
}

const NONE: ConnectorLibraries = { files: [], importedFrom: {} };

/**
 * The libraries of the connector in `root` (relative to `workspaceRoot`). A connector whose files cannot be
 * analysed (a broken symlink, an import leaving the workspace) has none here: its build fails naming the
 * problem, and one such connector must not break the project graph of the whole workspace.
 */
export function connectorLibraries(root: string, workspaceRoot: string): ConnectorLibraries {
  const connectorDir = path.join(workspaceRoot, root);
  try {
    const listed = collectPackagedFiles(path.join(connectorDir, 'src'), { workspaceRoot, connectorDir });
    const plan = planWorkspaceLibraries({
      connectorDir,
      workspaceRoot,
      files: listed.files.map((f) => `src/${f.rel}`),
      aliases: readWorkspaceAliases(workspaceRoot),
    });
    const prefix = root === '.' || root === '' ? '' : `${root}/`;
    const files = new Set<string>();
    for (const zipRel of plan.vendored.keys()) files.add(vendoredSourcePath(zipRel));
    for (const lib of plan.libraries) files.add(`${lib}/package.json`);
    const importedFrom = Object.fromEntries(Object.entries(plan.importedFrom).map(([lib, from]) => [lib, `${prefix}${from}`]));
    return { files: [...files].sort(), importedFrom };
  } catch {
    return NONE;
  }
}
