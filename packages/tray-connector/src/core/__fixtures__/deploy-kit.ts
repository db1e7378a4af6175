// Test helpers for the deploy/share specs (core and executors): connector zips, emulator
// environments, and a capture of everything written to the console.
import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Emulator } from 'tray-api-emulator';

export const TOKENS = { us: 'tok-us-5ecret-1111', eu: 'tok-eu-5ecret-2222', apac: 'tok-apac-5ecret-3333' } as const;
export const ALL_TOKENS = Object.values(TOKENS);

export function tempDir(prefix = 'tray-deploy-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a connector zip laid out as Tray takes it: `<top>/connector.json`, `<top>/src/...`. */
export function writeConnectorZip(file: string, opts: { name: string; version: string; top?: string; extra?: Record<string, string> }): string {
  const zip = new AdmZip();
  const top = opts.top ?? opts.name;
  zip.addFile(`${top}/connector.json`, Buffer.from(JSON.stringify({ name: opts.name, version: opts.version, title: 'Test connector' })));
  zip.addFile(`${top}/src/index.ts`, Buffer.from('export const x = 1;\n'));
  for (const [p, content] of Object.entries(opts.extra ?? {})) zip.addFile(`${top}/${p}`, Buffer.from(content));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  zip.writeZip(file);
  return file;
}

/** The variables a user sets to point the plugin at the emulator, per region. */
export function emulatorEnv(emu: Emulator, regions: Array<'us' | 'eu' | 'apac'> = ['us', 'eu', 'apac']): NodeJS.ProcessEnv {
  return emu.env(regions);
}

/**
 * Makes `env` the only TRAY_API_* variables of this process (executors read process.env), and
 * returns a function that puts the whole environment back as it was.
 */
export function useTrayEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('TRAY_API_')) delete process.env[key];
  // Under `nx test`, an executor's interrupt notice would go to the outer nx process (see executors/shared/interrupt.ts).
  delete process.env.NX_INVOCATION_ANCESTOR_PIDS;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  return () => {
    process.env = saved;
  };
}

/** Records everything written through console.* and process.stdout/stderr until restore(). */
export function captureOutput(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        chunks.push(args.map(String).join(' '));
      }),
    ),
    jest.spyOn(process.stdout, 'write').mockImplementation((c: any) => {
      chunks.push(String(c));
      return true;
    }),
    jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => {
      chunks.push(String(c));
      return true;
    }),
  ];
  return { text: () => chunks.join('\n'), restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** Asserts no token appears in `text` (the rule every deploy/share test checks). */
export function expectNoToken(text: string): void {
  for (const token of ALL_TOKENS) expect(text).not.toContain(token);
}
