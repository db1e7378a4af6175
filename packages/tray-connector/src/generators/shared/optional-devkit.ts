import type * as Devkit from '@nx/devkit';
import { execSync } from 'child_process';

/** The Tree helpers init needs, which nx itself has too (`nx/src/devkit-exports`, what @nx/devkit re-exports on Nx 22, 23 and 24). */
export type TreeApi = Pick<
  typeof Devkit,
  'readJson' | 'writeJson' | 'readNxJson' | 'updateNxJson' | 'detectPackageManager' | 'getPackageManagerCommand' | 'logger'
>;

/**
 * @nx/devkit when the workspace has it, else undefined. The plugin takes @nx/devkit as an optional peer,
 * which npm does not install: in a workspace whose package.json names only `nx` (what `nx init` leaves in
 * an existing repository), `nx add tray-connector` runs init before any @nx/devkit is there (issue 27.5).
 * Any other error while loading it is thrown.
 */
export function optionalDevkit(load: () => typeof Devkit = () => require('@nx/devkit')): typeof Devkit | undefined {
  try {
    return load();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'@nx/devkit'`)) return undefined;
    throw e;
  }
}

/** The Tree helpers: @nx/devkit's when installed, else the same functions from nx, which every workspace has. */
export function treeApi(devkit: typeof Devkit | undefined = optionalDevkit()): TreeApi {
  return devkit ?? (require('nx/src/devkit-exports') as TreeApi);
}

/**
 * Without @nx/devkit: adds `dependencies` and `devDependencies` to the root package.json (sorted, as
 * @nx/devkit's addDependenciesToPackageJson writes them) and returns the callback that runs the
 * workspace's package manager install, which then also installs the @nx/devkit init pinned.
 */
export function addDependenciesWithoutDevkit(
  tree: Devkit.Tree,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string>,
  api: TreeApi = treeApi(undefined),
): Devkit.GeneratorCallback {
  type Pkg = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const pkg = api.readJson<Pkg>(tree, 'package.json');
  const merged = (current: Record<string, string> | undefined, added: Record<string, string>) =>
    Object.fromEntries(Object.entries({ ...current, ...added }).sort(([a], [b]) => a.localeCompare(b)));
  if (Object.keys(dependencies).length) pkg.dependencies = merged(pkg.dependencies, dependencies);
  if (Object.keys(devDependencies).length) pkg.devDependencies = merged(pkg.devDependencies, devDependencies);
  api.writeJson(tree, 'package.json', pkg);
  return () => {
    const install = api.getPackageManagerCommand(api.detectPackageManager(tree.root)).install;
    execSync(install, { cwd: tree.root, stdio: 'inherit', windowsHide: true });
  };
}
