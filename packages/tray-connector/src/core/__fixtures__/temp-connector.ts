// Test helpers: temporary connectors and workspaces on disk (used by specs only; not part of the build).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CONFORMANCE_FIXTURE = path.join(__dirname, 'conformance');
export const WORKSPACE_NODE_MODULES = path.resolve(__dirname, '../../../../../node_modules');

export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** A minimal valid connector with one operation per name (types without external imports). */
export function minimalConnector(name: string, operations: string[] = ['get_thing']): Record<string, string> {
  const files: Record<string, string> = {
    'connector.json': JSON.stringify({ name, version: '1.0', title: 'Test Connector', service: { name, version: '1' }, tags: ['service'], isTrigger: false }, null, 2),
    'package.json': JSON.stringify({ name, version: '0.1.0', dependencies: { '@trayio/cdk-dsl': '4.65.0' } }, null, 2),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, rootDir: './src', outDir: './dist' }, include: ['src/**/*.ts'] }, null, 2),
    'jest.config.js': "module.exports = { preset: 'ts-jest' };\n",
    'src/Auth.ts': 'export type Auth = { token: string };\n',
  };
  for (const op of operations) {
    const pascal = op.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
    files[`src/${op}/operation.json`] = JSON.stringify({ name: op, title: op, description: '' });
    files[`src/${op}/input.ts`] = `export type ${pascal}Input = {\n  id: string;\n  /** @advanced true */\n  verbose?: boolean;\n};\n`;
    files[`src/${op}/output.ts`] = `export type ${pascal}Output = { ok: boolean; items: { id: string }[] };\n`;
    files[`src/${op}/handler.ts`] = `export const handler = (x: number): number => x * 2;\n`;
  }
  return files;
}

/** Copies a folder file by file in the given order (to vary creation order and inode order). */
export function copyInOrder(from: string, to: string, order: 'forward' | 'reverse'): void {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isFile()) files.push(path.relative(from, path.join(d, e.name)));
    }
  };
  walk(from);
  files.sort();
  if (order === 'reverse') files.reverse();
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.copyFileSync(path.join(from, rel), path.join(to, rel));
  }
}
