import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { waitForOnce } from './run-once';

/**
 * Installed workspace templates, one per set of devDependencies and registry, shared by every suite
 * of one e2e run: the first suite that needs a set runs `npm install` once (under a lock, so the
 * suites running in parallel wait for it instead of installing it again), every suite gets a copy
 * whose node_modules is hard-linked (`cp -al`), in seconds. The e2e global setup sets E2E_RUN_ID
 * (and its teardown removes the run's templates); without it every workspace installs its own.
 */
export const RUN_ID_ENV = 'E2E_RUN_ID';
const PREFIX = 'tc-e2e-template-';

/** What makes two workspaces install the same node_modules: their devDependencies and the registry npm reads from. */
export function templateKey(devDependencies: Record<string, string>, env: NodeJS.ProcessEnv = {}): string {
  const sorted = Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const registry = env.npm_config_registry ?? '';
  return createHash('sha256').update(JSON.stringify({ sorted, registry })).digest('hex').slice(0, 16);
}

/**
 * The folder of this run's installed template for `key`, installing it first (with `install`, given
 * the empty folder) when no suite has yet. Templates live in os.tmpdir() beside the suites'
 * workspaces, so the relative `file:` paths npm writes into package-lock.json hold in a copy too.
 * Undefined outside an e2e run (no E2E_RUN_ID).
 */
export function installedTemplate(key: string, install: (dir: string) => void): string | undefined {
  const runId = process.env[RUN_ID_ENV];
  if (!runId || !/^[\w-]+$/.test(runId)) return undefined;
  const dir = path.join(os.tmpdir(), `${PREFIX}${runId}-${key}`);
  waitForOnce(dir, () => {
    fs.mkdirSync(dir, { recursive: true });
    install(dir);
  });
  return dir;
}

/**
 * Copies an installed template into `root` (an empty folder): its files copied, node_modules
 * hard-linked file by file (new folders, shared file contents: npm and Nx replace files, they do not
 * write into them) except npm's own hidden lock file, which npm rewrites in place and so is copied.
 */
export function copyTemplate(template: string, root: string): void {
  for (const entry of fs.readdirSync(template, { withFileTypes: true })) {
    // node_modules is linked below; .nx is Nx's data about the template's own folder.
    if (entry.name === 'node_modules' || entry.name === '.nx') continue;
    fs.cpSync(path.join(template, entry.name), path.join(root, entry.name), { recursive: true, verbatimSymlinks: true });
  }
  const modules = path.join(template, 'node_modules');
  if (!fs.existsSync(modules)) return;
  execFileSync('cp', ['-al', modules, path.join(root, 'node_modules')]);
  const hidden = path.join(root, 'node_modules', '.package-lock.json');
  if (fs.existsSync(hidden)) {
    const content = fs.readFileSync(hidden);
    fs.rmSync(hidden);
    fs.writeFileSync(hidden, content);
  }
}

/** Sets the package name in a copied workspace's package.json and package-lock.json (the template's is its own). */
export function renameWorkspacePackage(root: string, name: string): void {
  const pkgFile = path.join(root, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: string };
  fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, name }, null, 2) + '\n');
  const lockFile = path.join(root, 'package-lock.json');
  if (!fs.existsSync(lockFile)) return;
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { name?: string; packages?: Record<string, { name?: string }> };
  lock.name = name;
  if (lock.packages?.['']) lock.packages[''].name = name;
  fs.writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');
}

/** Removes this run's templates (the e2e global teardown). */
export function removeTemplates(runId: string, tmp = os.tmpdir()): void {
  if (!fs.existsSync(tmp)) return;
  for (const name of fs.readdirSync(tmp)) {
    if (name.startsWith(`${PREFIX}${runId}-`)) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
  }
}
