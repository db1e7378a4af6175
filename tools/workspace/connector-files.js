// One writer of test workspaces, shared by the e2e suites (e2e/tray-connector-e2e/src/support/
// connector-files.ts re-exports it with types) and the benchmarks (tools/bench/*.bench.js, plain
// node): connectors written directly, as `tray-cdk connector init` lays them out, and the
// environment nx runs with in such a workspace. Writes files only; runs nothing.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** `list_items` → `ListItems`, `alpha` → `Alpha` (Tray's type names for an operation folder). */
const pascal = (s) => s.replace(/(^|[_-])(\w)/g, (_m, _s, c) => c.toUpperCase());

/** JSON as the generators write it: two-space indent, a final newline. */
const json = (value) => JSON.stringify(value, null, 2) + '\n';

/** A `write(file, content)` into `root` that makes the folders it needs. */
function folderWriter(root) {
  return (file, content) => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  };
}

/** `npm pack` of the package in `dir` into `dest`; the tarball's path. */
function packPackage(dir, dest) {
  const out = execFileSync('npm', ['pack', dir, '--pack-destination', dest, '--json'], { encoding: 'utf8' });
  return path.join(dest, JSON.parse(out)[0].filename);
}

/**
 * The Nx that the e2e, demo and bench workspaces install: the newest release the plugin supports (its
 * users' Nx), not this repository's own toolchain, which stays on 23.2.1, the newest release that nx,
 * @nx/devkit, @nx/js and @nx/eslint-plugin share (the last two have no 24). The e2e matrix adds the
 * other majors (e2e/tray-connector-e2e/src/support/nx-versions.ts).
 */
const WORKSPACE_NX = { nx: '24.0.6', '@nx/devkit': '24.0.0' };

/** The devDependencies of a workspace with the packed plugin: WORKSPACE_NX, tray-connector from `tarball`, and `extra`. */
function pluginDevDependencies(tarball, extra = {}) {
  return { ...WORKSPACE_NX, 'tray-connector': `file:${tarball}`, ...extra };
}

/** A fresh Nx workspace's package.json (with `devDependencies`), nx.json and .gitignore. */
function writeWorkspaceFiles(write, name, devDependencies) {
  write('package.json', json({ name, version: '0.0.0', private: true, license: 'MIT', devDependencies }));
  write('nx.json', json({ $schema: './node_modules/nx/schemas/nx-schema.json' }));
  write('.gitignore', 'node_modules\n.nx\ndist\n');
}

/**
 * A connector's tsconfig.json: the one `tray-cdk connector init` writes (its own rootDir), or with
 * `extendsBase` one that extends the workspace's tsconfig.base.json (for a workspace library's path
 * alias; then without rootDir, since the library's sources are compiled with the connector's).
 */
function connectorTsconfig({ extendsBase = false } = {}) {
  return {
    ...(extendsBase ? { extends: '../../tsconfig.base.json' } : {}),
    compilerOptions: {
      target: 'ES2021',
      module: 'commonjs',
      ...(extendsBase ? {} : { rootDir: './src' }),
      outDir: './dist',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
    },
    include: ['src/**/*.ts'],
  };
}

/** An operation's handler.ts: a composite handler that type-checks against @trayio/cdk-dsl. */
function handlerSource(op, auth, files) {
  const P = pascal(op);
  return [
    "import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';",
    "import { OperationHandlerResult } from '@trayio/cdk-dsl/connector/operation/OperationHandler';",
    `import { ${auth} } from '../${auth}';`,
    `import { ${P}Input } from './input';`,
    `import { ${P}Output } from './output';`,
    files.handlerPrelude ?? '',
    `export const ${files.handlerName ?? `${op}Handler`} = OperationHandlerSetup.configureHandler<${auth}, ${P}Input, ${P}Output>((handler) =>`,
    `  handler.usingComposite(async (_ctx, input) => OperationHandlerResult.success(${files.result ?? '{ items: [] }'})),`,
    ');',
    '',
  ].join('\n');
}

/**
 * Writes a connector with `write(file, content)` (paths relative to the workspace root):
 * connector.json, package.json, tsconfig.json (connectorTsconfig), a token auth type, per operation
 * its operation.json, input.ts, output.ts and handler.ts, and with `deployOptions` a project.json
 * holding them. Returns the connector's folder.
 */
function writeConnectorFiles(write, name, options) {
  const dir = options.dir ?? `connectors/${name}`;
  const title = options.title ?? pascal(name);
  const auth = `${pascal(name)}Auth`;
  write(
    `${dir}/connector.json`,
    json({
      name,
      version: '1.0',
      title,
      description: options.description ?? `${title} connector`,
      service: { name, version: '1' },
      tags: ['service'],
      isTrigger: false,
    }),
  );
  write(
    `${dir}/package.json`,
    json({
      name,
      version: '1.0.0',
      private: true,
      dependencies: { '@trayio/cdk-dsl': '4.65.0' },
      ...(options.devDependencies ? { devDependencies: options.devDependencies } : {}),
    }),
  );
  write(`${dir}/tsconfig.json`, json(connectorTsconfig({ extendsBase: options.extendsBase })));
  if (options.deployOptions) write(`${dir}/project.json`, json({ name, targets: { deploy: { options: options.deployOptions } } }));
  write(
    `${dir}/src/${auth}.ts`,
    "import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';\n" +
      `export type ${auth} = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;\n`,
  );
  for (const [op, files] of Object.entries(options.operations)) {
    const P = pascal(op);
    write(
      `${dir}/src/${op}/operation.json`,
      json({ name: op, title: files.title ?? P, description: files.description ?? files.title ?? P }),
    );
    write(`${dir}/src/${op}/input.ts`, `${files.inputPrelude ?? ''}export type ${P}Input = {\n${files.inputFields}};\n`);
    write(`${dir}/src/${op}/output.ts`, `export type ${P}Output = {\n${files.outputFields ?? '  items: { id: string }[];\n'}};\n`);
    write(`${dir}/src/${op}/handler.ts`, handlerSource(op, auth, files));
  }
  return dir;
}

/**
 * The environment nx runs with in a test or bench workspace at `root`: no daemon, cloud, TUI, colour
 * or prompt, and Nx 24's cache and task database in the workspace's own .nx (not ~/.nx), so removing
 * the folder leaves nothing behind. `extra` goes over it; a key set to undefined is removed.
 */
function nxEnv(root, extra = {}, base = process.env) {
  const env = {
    ...base,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    NX_INTERACTIVE: 'false',
    FORCE_COLOR: '0',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // @trayio/cdk-dsl depends on @scarf/scarf, whose install script runs `npm ls` and reports the
    // install to scarf.sh: nothing but the npm registry may be reached from a test workspace.
    SCARF_ANALYTICS: 'false',
    NX_CACHE_DIRECTORY: path.join(root, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: path.join(root, '.nx', 'workspace-data'),
    ...extra,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

module.exports = {
  WORKSPACE_NX,
  pascal,
  json,
  folderWriter,
  packPackage,
  pluginDevDependencies,
  writeWorkspaceFiles,
  connectorTsconfig,
  writeConnectorFiles,
  nxEnv,
};
