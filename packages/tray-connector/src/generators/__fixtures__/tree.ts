// Test helper (specs only; not part of the build).
import type { Tree } from '@nx/devkit';
import { resetWorkspaceContext } from '@nx/devkit/internal';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let emptyRoot: string | undefined;

// Nx keeps a native workspace context for the last root it looked at: let the test process end.
afterAll(() => resetWorkspaceContext());

/**
 * The workspace createTreeWithEmptyWorkspace({ formatter: 'none' }) makes, rooted at an empty folder
 * on disk instead of `/virtual`. Nx's getProjects/readProjectConfiguration look for project files on
 * disk below the tree's root too; under `/virtual`, which does not exist, Nx's native code prints
 * "NX workspace root does not exist: /virtual" into the test output. Nothing is ever written to the
 * folder (a tree keeps its changes in memory); it lives under the test run's temp folder.
 */
export function createWorkspaceTree(): Tree {
  const virtual = createTreeWithEmptyWorkspace({ formatter: 'none' });
  if (!emptyRoot) {
    emptyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-tree-'));
    // One file on disk: Nx 23.2's native workspace context never answers a second glob of a folder
    // without any file (getProjects of a second tree in the same test file hung for ever).
    fs.writeFileSync(path.join(emptyRoot, '.keep'), '');
  }
  const FsTree = virtual.constructor as new (root: string, isVerbose: boolean) => Tree;
  const tree = new FsTree(emptyRoot, false);
  for (const change of virtual.listChanges()) if (change.type !== 'DELETE' && change.content) tree.write(change.path, change.content);
  return tree;
}
