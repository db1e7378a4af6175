import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nxEnv, WORKSPACE_NX, writeWorkspaceFiles } from './connector-files';
import { tarballs } from './pack';
import { copyTemplate, installedTemplate, renameWorkspacePackage, templateKey } from './workspace-template';

/** Versions a fresh test workspace is created with: the newest Nx the plugin supports (not this repo's own toolchain). */
export const NX_VERSION = WORKSPACE_NX.nx;
export const NX_DEVKIT_VERSION = WORKSPACE_NX['@nx/devkit'];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "the output contains" assertions. */
  output: string;
}

/** `r` when the command exited 0; otherwise throws with `what` and its whole output. */
export function expectOk(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.output}`);
  return r;
}

/** The plugins a workspace registers in nx.json (a plain name or `{ plugin }`), by name. */
export function registeredPlugins(ws: Pick<TestWorkspace, 'read'>): string[] {
  const nxJson = JSON.parse(ws.read('nx.json')) as { plugins?: Array<string | { plugin: string }> };
  return (nxJson.plugins ?? []).map((p) => (typeof p === 'string' ? p : p.plugin));
}

export interface TestWorkspace {
  root: string;
  /** Runs a shell command in the workspace; never throws on a non-zero exit. */
  run(command: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): RunResult;
  /** Runs `npx nx <args>` in the workspace with the daemon, cloud and TUI off. */
  nx(args: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): RunResult;
  /**
   * Like nx, without blocking this process: use it when a server in this process (the emulator)
   * must answer while the command runs; a synchronous spawn would starve it.
   */
  nxAsync(args: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  /**
   * Like nxAsync, in a terminal of its own (a pseudo-terminal made by util-linux `script`), as a person
   * runs it: `ctrlC()` types Ctrl-C there, and the terminal sends SIGINT to the whole foreground process
   * group (npx, nx, its task and batch processes). The output is what the terminal showed.
   */
  nxInTerminal(
    args: string,
    options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): { output(): string; ctrlC(): void; done: Promise<RunResult> };
  /** Like run, but throws with the whole output when the command fails. */
  mustRun(command: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): RunResult;
  write(file: string, content: string): void;
  read(file: string): string;
  exists(file: string): boolean;
  commit(message: string): void;
  cleanup(): void;
}

/**
 * Creates a fresh Nx workspace in a temp folder (package.json with nx and @nx/devkit,
 * nx.json, git with one commit) and installs the plugin from its packed tarball.
 */
export function createTestWorkspace(
  name: string,
  options: {
    installEmulator?: boolean;
    extraDevDependencies?: Record<string, string>;
    /** nx and @nx/devkit versions (default: this repo's); the Nx 22/23/24 matrix sets them. */
    nxVersion?: string;
    nxDevkitVersion?: string;
  } = {},
): TestWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tc-e2e-${name}-`));
  const { plugin, emulator } = tarballs();
  const devDependencies: Record<string, string> = {
    nx: options.nxVersion ?? NX_VERSION,
    '@nx/devkit': options.nxDevkitVersion ?? options.nxVersion ?? NX_DEVKIT_VERSION,
    'tray-connector': `file:${plugin}`,
    ...(options.installEmulator ? { 'tray-api-emulator': `file:${emulator}` } : {}),
    ...options.extraDevDependencies,
  };
  return installedWorkspace(root, name, devDependencies);
}

const NPM_INSTALL = 'npm install --prefer-offline --no-audit --no-fund';

/**
 * The workspace in `root` with `devDependencies` installed, git initialised with one commit. In an
 * e2e run (support/workspace-template.ts) the install is done once per run for each set of
 * devDependencies and copied here with hard links; otherwise it runs here.
 */
function installedWorkspace(
  root: string,
  name: string,
  devDependencies: Record<string, string>,
  workspaceEnv?: NodeJS.ProcessEnv,
): TestWorkspace {
  // A workspace reading from a local registry installs itself, as registry.spec.ts proved it (not yet tried from a template).
  const useTemplate = !workspaceEnv?.npm_config_registry;
  const template =
    useTemplate &&
    installedTemplate(templateKey(devDependencies, workspaceEnv), (dir) => {
      writeWorkspaceFiles(dir, 'tc-e2e-template', devDependencies);
      makeWorkspace(dir, `template of ${name}`, workspaceEnv).mustRun(NPM_INSTALL, { timeoutMs: 10 * 60 * 1000 });
    });
  const ws = makeWorkspace(root, name, workspaceEnv);
  if (template) {
    progress(name, `workspace copied from ${template} (node_modules hard-linked)`);
    copyTemplate(template, root);
    renameWorkspacePackage(root, name);
  } else {
    writeWorkspaceFiles(root, name, devDependencies);
    ws.mustRun(NPM_INSTALL, { timeoutMs: 10 * 60 * 1000 });
  }
  ws.mustRun('git init -q -b main && git config user.email e2e@example.com && git config user.name e2e && git config commit.gpgsign false');
  ws.commit('initial workspace');
  return ws;
}

/** A TestWorkspace over an existing folder (e.g. a `git clone` of one made by createTestWorkspace). */
export function openWorkspace(root: string): TestWorkspace {
  return makeWorkspace(root, path.basename(root));
}

/**
 * Creates a fresh Nx workspace like createTestWorkspace, but without the plugin: every npm/nx/npx
 * command in it runs with `env` (a local registry's, see support/registry.ts), so the plugin comes
 * from that registry as it would from the public one.
 */
export function createEmptyWorkspace(
  name: string,
  options: { env?: NodeJS.ProcessEnv; nxVersion?: string; nxDevkitVersion?: string } = {},
): TestWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tc-e2e-${name}-`));
  const devDependencies = {
    nx: options.nxVersion ?? NX_VERSION,
    '@nx/devkit': options.nxDevkitVersion ?? options.nxVersion ?? NX_DEVKIT_VERSION,
  };
  return installedWorkspace(root, name, devDependencies, options.env);
}

/**
 * A workspace whose package.json names `nx` (and `extra`) and nothing else: what `nx init` leaves in an
 * existing repository. No @nx/devkit, no plugin: a test adds the plugin with `nx add` (issue 27.5).
 */
export function createNxOnlyWorkspace(name: string, nxVersion: string, extra: Record<string, string> = {}): TestWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tc-e2e-${name}-`));
  return installedWorkspace(root, name, { nx: nxVersion, ...extra });
}

/**
 * A workspace exactly as a new user gets it: `npx create-nx-workspace@<version>` (the npm preset or `preset`, no Nx
 * Cloud, no prompts), nothing written by the test, no `@nx/devkit` pinned: what create-nx-workspace
 * installs is what there is. Every npm/nx/npx command in it runs with `env` (a local registry's, or none
 * for the public one).
 */
export function createFreshNxWorkspace(
  name: string,
  version: string,
  env: NodeJS.ProcessEnv = {},
  preset: 'npm' | 'ts' = 'npm',
): TestWorkspace {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `tc-e2e-${name}-`));
  const root = path.join(parent, 'workspace');
  const maker = makeWorkspace(parent, name, env);
  maker.mustRun(
    `npx -y create-nx-workspace@${version} workspace --preset=${preset} --nxCloud=skip --interactive=false --packageManager=npm --skipGit`,
    // create-nx-workspace posts a usage counter to Nx Cloud unless npm's registry is on "localhost": pointed
    // at a closed port on 127.0.0.1 instead, so nothing leaves the machine but the npm registry's traffic.
    { timeoutMs: 10 * 60 * 1000, env: { NX_CLOUD_API: 'http://127.0.0.1:9' } },
  );
  const ws = makeWorkspace(root, name, env);
  ws.mustRun('git init -q -b main && git config user.email e2e@example.com && git config user.name e2e && git config commit.gpgsign false');
  ws.commit('created by create-nx-workspace');
  return { ...ws, cleanup: () => (process.env.E2E_KEEP_WORKSPACE ? undefined : fs.rmSync(parent, { recursive: true, force: true })) };
}

/**
 * This process's environment with the test settings and `extra` over it; a key set to undefined is removed.
 * Nx 24 keeps the cache and task database of a git workspace under ~/.nx/<workspace id>: the test
 * workspace keeps them in its own .nx, so nothing is left in the home folder when it is removed.
 */
function commandEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return nxEnv(root, extra);
}

/**
 * One line per command on stderr as it starts: jest prints a suite's results only when the suite
 * ends, and an e2e suite runs for minutes (E2E_QUIET=1 turns this off).
 */
function progress(name: string, command: string): void {
  if (!process.env.E2E_QUIET) process.stderr.write(`  e2e ${name} · ${command.length > 120 ? `${command.slice(0, 117)}...` : command}\n`);
}

function makeWorkspace(root: string, name: string, workspaceEnv: NodeJS.ProcessEnv = {}): TestWorkspace {
  const run = (command: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RunResult => {
    progress(name, command);
    const r = spawnSync('bash', ['-c', command], {
      cwd: root,
      env: commandEnv(root, { ...workspaceEnv, ...options.env }),
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 5 * 60 * 1000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const stdout = r.stdout ?? '';
    const stderr = (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '');
    return { code: r.status ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` };
  };
  const mustRun = (command: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }) => {
    const r = run(command, options);
    if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code} in ${root}\n${r.output}`);
    return r;
  };
  /** `npx nx <args>`, or in `terminal` that command inside a pseudo-terminal of its own (`script`). */
  const startNx = (args: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number }, terminal: boolean) => {
    progress(name, `npx nx ${args}`);
    const command = terminal ? ['script', '-qfec', `npx nx ${args}`, '/dev/null'] : ['bash', '-c', `npx nx ${args}`];
    const child = spawn(command[0], command.slice(1), { cwd: root, env: commandEnv(root, { ...workspaceEnv, ...options.env }) });
    let stdout = '';
    let stderr = '';
    const plain = (d: Buffer) => (terminal ? d.toString().replace(/\r\n/g, '\n') : d.toString());
    child.stdout.on('data', (d: Buffer) => (stdout += plain(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += plain(d)));
    const done = new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 8 * 60 * 1000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        child.stdin.end();
        resolve({ code: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` });
      });
    });
    if (!terminal) child.stdin.end();
    return { output: () => `${stdout}\n${stderr}`, ctrlC: () => void child.stdin.write('\x03'), done };
  };
  return {
    root,
    run,
    mustRun,
    nx: (args, options) => run(`npx nx ${args}`, options),
    nxAsync: (args, options = {}) => startNx(args, options, false).done,
    nxInTerminal: (args, options = {}) => startNx(args, options, true),
    write(file, content) {
      const full = path.join(root, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    },
    read: (file) => fs.readFileSync(path.join(root, file), 'utf8'),
    exists: (file) => fs.existsSync(path.join(root, file)),
    commit(message) {
      mustRun(`git add -A && git commit -q --allow-empty -m ${JSON.stringify(message)}`);
    },
    cleanup() {
      if (process.env.E2E_KEEP_WORKSPACE) return;
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
