import AdmZip from 'adm-zip';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { minimalConnector, tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { buildConnector } from '../build/build-connector';
import { createRecordingLogger } from '../logger';
import { listPackagedFiles } from '../build/package-connector';
import { matchesAlias, mergeDependencies, packageName, planWorkspaceLibraries, readWorkspaceAliases } from './workspace-libraries';

// Builds compile TypeScript: give them room on a busy CI machine (timings are benchmarked, not asserted).
jest.setTimeout(120_000);

/** A workspace with four libraries (one unused) and a connector importing three of them. */
function createWorkspace(ws: string): void {
  const connector = minimalConnector('acme');
  writeFiles(ws, {
    'package.json': JSON.stringify({ name: 'ws', private: true, devDependencies: { axios: '1.21.1', typescript: '5.9.3' } }),
    'tsconfig.base.json': `{
      // paths as Nx writes them
      "compilerOptions": {
        "baseUrl": ".",
        "paths": {
          "@acme/shared": ["libs/shared/src/index.ts"],
          "@acme/util": ["libs/util/src/index.ts"],
          "@acme/http": ["libs/http/src/index.ts"],
          "@acme/unused": ["libs/unused/src/index.ts"],
          "@acme/wild/*": ["libs/wild/src/*"]
        }
      }
    }`,
    'libs/shared/project.json': '{"name":"shared"}',
    'libs/shared/package.json': JSON.stringify({ name: '@acme/shared', dependencies: { 'date-fns': '3.6.0', '@trayio/cdk-dsl': '9.9.9' } }),
    'libs/shared/src/index.ts': "export * from './lib/types';\nexport { formatName } from './lib/format';\n",
    'libs/shared/src/lib/types.ts':
      'export type Contact = {\n  id: string;\n  name: string;\n  /** @advanced true */\n  email?: string;\n};\n',
    'libs/shared/src/lib/format.ts': "import { upper } from '@acme/util';\n\nexport const formatName = (n: string): string => upper(n);\n",
    'libs/shared/src/lib/format.spec.ts': "import { formatName } from './format';\nformatName('x');\n",
    'libs/util/project.json': '{"name":"util"}',
    'libs/util/src/index.ts': 'export const upper = (s: string): string => s.toUpperCase();\n',
    'libs/http/project.json': '{"name":"http"}',
    'libs/http/src/index.ts': "import axios from 'axios';\nimport * as fs from 'node:fs';\nexport const client = () => [axios, fs];\n",
    'libs/wild/project.json': '{"name":"wild"}',
    'libs/wild/src/math.ts': 'export const double = (n: number): number => n * 2;\n',
    'libs/unused/project.json': '{"name":"unused"}',
    'libs/unused/src/index.ts': 'export const unused = true;\n',
    ...Object.fromEntries(Object.entries(connector).map(([k, v]) => [`connectors/acme/${k}`, v])),
    'connectors/acme/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { strict: true } }),
    'connectors/acme/src/get_thing/input.ts':
      "import type { Contact } from '@acme/shared';\n\nexport type GetThingInput = {\n  contact: Contact;\n  count?: number;\n};\n",
    'connectors/acme/src/get_thing/handler.ts':
      "import { formatName } from '@acme/shared';\nimport { double } from \"@acme/wild/math\";\nimport { client } from '@acme/http';\n\nexport const run = () => [formatName('a'), double(2), client()];\n",
  });
}

describe('workspace libraries', () => {
  let ws: string;
  const connectorDir = () => path.join(ws, 'connectors/acme');
  beforeEach(() => {
    ws = tempDir('tc-libs-');
    createWorkspace(ws);
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('reads aliases and matches exact and wildcard patterns', () => {
    const aliases = readWorkspaceAliases(ws);
    expect(aliases?.baseUrl).toBe(ws);
    expect(matchesAlias('@acme/shared', aliases!)).toBe(true);
    expect(matchesAlias('@acme/wild/math', aliases!)).toBe(true);
    expect(matchesAlias('@acme/shared/deep', aliases!)).toBe(false);
    expect(matchesAlias('./local', aliases!)).toBe(false);
    expect(packageName('@scope/pkg/sub')).toBe('@scope/pkg');
    expect(packageName('lodash/fp')).toBe('lodash');
    expect(packageName('node:fs')).toBeUndefined();
    expect(packageName('path')).toBeUndefined();
  });

  it('plans the imported libraries only, transitively, with rewritten specifiers and their dependencies', () => {
    const files = listPackagedFiles(path.join(connectorDir(), 'src')).map((f) => `src/${f}`);
    const plan = planWorkspaceLibraries({ connectorDir: connectorDir(), workspaceRoot: ws, files, aliases: readWorkspaceAliases(ws) });
    expect(plan.libraries).toEqual(['libs/http', 'libs/shared', 'libs/util', 'libs/wild']);
    expect([...plan.vendored.keys()].sort()).toEqual([
      'src/__workspace__/libs/http/src/index.ts',
      'src/__workspace__/libs/shared/src/index.ts',
      'src/__workspace__/libs/shared/src/lib/format.ts',
      'src/__workspace__/libs/shared/src/lib/types.ts',
      'src/__workspace__/libs/util/src/index.ts',
      'src/__workspace__/libs/wild/src/math.ts',
    ]);
    expect(plan.vendored.get('src/__workspace__/libs/shared/src/lib/format.ts')?.toString()).toBe(
      "import { upper } from '../../../util/src/index';\n\nexport const formatName = (n: string): string => upper(n);\n",
    );
    expect(plan.rewritten.get('src/get_thing/input.ts')?.toString()).toContain(
      "import type { Contact } from '../__workspace__/libs/shared/src/index';",
    );
    expect(plan.rewritten.get('src/get_thing/handler.ts')?.toString()).toBe(
      "import { formatName } from '../__workspace__/libs/shared/src/index';\nimport { double } from \"../__workspace__/libs/wild/src/math\";\nimport { client } from '../__workspace__/libs/http/src/index';\n\nexport const run = () => [formatName('a'), double(2), client()];\n",
    );
    expect([...plan.rewritten.keys()].sort()).toEqual(['src/get_thing/handler.ts', 'src/get_thing/input.ts']);
    expect(plan.dependencies).toEqual({ 'date-fns': '3.6.0', '@trayio/cdk-dsl': '9.9.9', axios: '1.21.1' });
  });

  it('plans nothing without path aliases', () => {
    fs.rmSync(path.join(ws, 'tsconfig.base.json'));
    expect(readWorkspaceAliases(ws)).toBeUndefined();
    const plan = planWorkspaceLibraries({
      connectorDir: connectorDir(),
      workspaceRoot: ws,
      files: ['src/get_thing/handler.ts'],
      aliases: undefined,
    });
    expect(plan.vendored.size + plan.rewritten.size + plan.libraries.length).toBe(0);
  });

  it("merges dependencies into package.json, the connector's own versions winning", () => {
    const own = Buffer.from('{\n  "name": "acme",\n  "dependencies": { "@trayio/cdk-dsl": "4.65.0" }\n}\n');
    expect(mergeDependencies(own, {}, 'package.json')).toBe(own);
    expect(mergeDependencies(own, { '@trayio/cdk-dsl': '1.0.0' }, 'package.json')).toBe(own);
    expect(
      JSON.parse(mergeDependencies(own, { zod: '3.0.0', '@trayio/cdk-dsl': '1.0.0', axios: '1.0.0' }, 'package.json').toString()),
    ).toEqual({
      name: 'acme',
      dependencies: { '@trayio/cdk-dsl': '4.65.0', axios: '1.0.0', zod: '3.0.0' },
    });
  });

  it('builds a standalone zip: vendored sources, relative imports, merged package.json, schemas from library types', async () => {
    const before = fs.readFileSync(path.join(connectorDir(), 'src/get_thing/input.ts'), 'utf8');
    const logger = createRecordingLogger();
    // The libraries import npm packages (axios, node:fs) this temp workspace does not install: the whole-connector
    // type check would rightly refuse them (build-connector.spec covers it); this test is about vendoring.
    const result = await buildConnector({
      connectorDir: connectorDir(),
      workspaceRoot: ws,
      outputPath: path.join(connectorDir(), '.tray/connector.zip'),
      logger,
      typeCheck: false,
    });
    const zip = new AdmZip(result.zipPath);
    const names = zip.getEntries().map((e) => e.entryName);
    expect(names.filter((n) => n.includes('__workspace__') && !n.endsWith('/'))).toEqual([
      'acme/src/__workspace__/libs/http/src/index.ts',
      'acme/src/__workspace__/libs/shared/src/index.ts',
      'acme/src/__workspace__/libs/shared/src/lib/format.ts',
      'acme/src/__workspace__/libs/shared/src/lib/types.ts',
      'acme/src/__workspace__/libs/util/src/index.ts',
      'acme/src/__workspace__/libs/wild/src/math.ts',
    ]);
    expect(names).toContain('acme/src/__workspace__/libs/shared/src/lib/');
    expect(names.some((n) => n.includes('unused') || n.endsWith('format.spec.ts') || n.endsWith('project.json'))).toBe(false);
    expect(JSON.parse(zip.readAsText('acme/package.json')).dependencies).toEqual({
      '@trayio/cdk-dsl': '4.65.0',
      axios: '1.21.1',
      'date-fns': '3.6.0',
    });
    const tsconfig = JSON.parse(zip.readAsText('acme/tsconfig.json'));
    expect(tsconfig).toEqual({ compilerOptions: { strict: true } });
    const input = JSON.parse(zip.readAsText('acme/src/get_thing/input.json'));
    expect(input.properties.contact).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
      additionalProperties: false,
      required: ['id', 'name'],
      advanced: ['email'],
    });
    // Sources on disk are untouched.
    expect(fs.readFileSync(path.join(connectorDir(), 'src/get_thing/input.ts'), 'utf8')).toBe(before);
    expect(logger.text()).toContain('vendoring libs/shared');

    // The unzipped connector compiles on its own, with its zipped tsconfig and no workspace around it.
    const out = tempDir('tc-libs-unzipped-');
    try {
      zip.extractAllTo(out, true);
      const root = path.join(out, 'acme');
      const files = ['src/get_thing/input.ts', 'src/get_thing/output.ts', 'src/__workspace__/libs/shared/src/lib/format.ts'].map((f) =>
        path.join(root, f),
      );
      const { options } = ts.convertCompilerOptionsFromJson({ ...tsconfig.compilerOptions, noEmit: true, types: [] }, root);
      const program = ts.createProgram(files, options);
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      expect(program.getSourceFiles().some((f) => f.fileName.endsWith('__workspace__/libs/util/src/index.ts'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

/**
 * Issue 27.2: a workspace package (packages/* with its own package.json, linked into node_modules as npm, pnpm
 * and yarn workspaces link it) is vendored like a path alias: its files, its npm dependencies merged, the
 * connector's own dependency on it taken out (Tray could not install it), whatever it imports of the workspace too.
 */
describe('workspace packages (npm, pnpm and yarn workspaces)', () => {
  let ws: string;
  const connectorDir = () => path.join(ws, 'connectors/acme');
  const link = (name: string, target: string) => {
    const at = path.join(ws, 'node_modules', name);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(at), path.join(ws, target)), at);
  };
  beforeEach(() => {
    ws = tempDir('tc-wspkg-');
    const connector = minimalConnector('acme');
    writeFiles(ws, {
      'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'], devDependencies: { typescript: '5.9.3' } }),
      'packages/util/package.json': JSON.stringify({
        name: '@ws/util',
        version: '0.0.1',
        main: 'src/index.ts',
        dependencies: { 'date-fns': '3.6.0', '@ws/core': '*' },
      }),
      'packages/util/src/index.ts':
        "import { base } from '@ws/core';\nimport * as path from 'path';\nexport const greet = (n: string): string => `${base}${path.sep}${n}`;\n",
      'packages/core/package.json': JSON.stringify({ name: '@ws/core', version: '0.0.1', types: 'src/index.ts', main: 'src/index.ts' }),
      'packages/core/src/index.ts': "export const base = 'hello';\n",
      'packages/core/src/unused.ts': 'export const unused = 1;\n',
      'node_modules/date-fns/package.json': JSON.stringify({ name: 'date-fns', version: '3.6.0', main: 'index.js' }),
      'node_modules/date-fns/index.js': 'module.exports = {};\n',
      ...Object.fromEntries(Object.entries(connector).map(([k, v]) => [`connectors/acme/${k}`, v])),
      'connectors/acme/src/get_thing/handler.ts': "import { greet } from '@ws/util';\n\nexport const run = () => greet('a');\n",
    });
    link('@ws/util', 'packages/util');
    link('@ws/core', 'packages/core');
    const pkgFile = path.join(connectorDir(), 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    pkg.dependencies = { ...pkg.dependencies, '@ws/util': '*' };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));
  const plan = () =>
    planWorkspaceLibraries({ connectorDir: connectorDir(), workspaceRoot: ws, files: ['src/get_thing/handler.ts'], aliases: undefined });

  it('vendors the packages imported, transitively, with rewritten specifiers and merged dependencies', () => {
    const p = plan();
    expect(p.libraries).toEqual(['packages/core', 'packages/util']);
    expect(p.workspacePackages).toEqual(['@ws/core', '@ws/util']);
    expect([...p.vendored.keys()].sort()).toEqual([
      'src/__workspace__/packages/core/src/index.ts',
      'src/__workspace__/packages/util/src/index.ts',
    ]);
    expect(p.rewritten.get('src/get_thing/handler.ts')?.toString()).toBe(
      "import { greet } from '../__workspace__/packages/util/src/index';\n\nexport const run = () => greet('a');\n",
    );
    expect(p.vendored.get('src/__workspace__/packages/util/src/index.ts')?.toString()).toContain(
      "import { base } from '../../core/src/index';",
    );
    expect(p.dependencies).toEqual({ 'date-fns': '3.6.0' });
    // core is reached through util: the edge to it starts at the connector file that imports util.
    expect(p.importedFrom).toEqual({ 'packages/core': 'src/get_thing/handler.ts', 'packages/util': 'src/get_thing/handler.ts' });
  });

  it('builds a zip that compiles alone: no dependency on the vendored packages, theirs merged', async () => {
    const result = await buildConnector({
      connectorDir: connectorDir(),
      workspaceRoot: ws,
      outputPath: path.join(connectorDir(), '.tray/connector.zip'),
      logger: createRecordingLogger(),
      typeCheck: false,
    });
    const zip = new AdmZip(result.zipPath);
    const deps = JSON.parse(zip.readAsText('acme/package.json')).dependencies;
    expect(deps['@ws/util']).toBeUndefined();
    expect(deps['@ws/core']).toBeUndefined();
    expect(deps['date-fns']).toBe('3.6.0');
    const out = tempDir('tc-wspkg-unzipped-');
    try {
      zip.extractAllTo(out, true);
      const root = path.join(out, 'acme');
      const { options } = ts.convertCompilerOptionsFromJson(
        { ...JSON.parse(zip.readAsText('acme/tsconfig.json')).compilerOptions, noEmit: true, types: [] },
        root,
      );
      const program = ts.createProgram([path.join(root, 'src/get_thing/handler.ts')], options);
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      // `path` needs @types/node, which this temp workspace does not install: only that may be missing.
      expect(diagnostics.filter((d) => !d.includes("'path'"))).toEqual([]);
      expect(program.getSourceFiles().some((f) => f.fileName.endsWith('__workspace__/packages/core/src/index.ts'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('leaves installed npm packages and links leaving the workspace alone', () => {
    writeFiles(ws, {
      'connectors/acme/src/get_thing/handler.ts': "import 'date-fns';\nimport { x } from '@evil/out';\nexport const run = () => x;\n",
    });
    const outside = tempDir('tc-wspkg-outside-');
    try {
      writeFiles(outside, { 'package.json': '{"name":"@evil/out","main":"index.ts"}', 'index.ts': 'export const x = 1;\n' });
      fs.mkdirSync(path.join(ws, 'node_modules/@evil'), { recursive: true });
      fs.symlinkSync(outside, path.join(ws, 'node_modules/@evil/out'));
      const p = plan();
      expect(p.vendored.size + p.rewritten.size + p.libraries.length).toBe(0);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a package whose types are an unbuilt declaration file, and a workspace: dependency it cannot vendor', () => {
    writeFiles(ws, {
      'packages/core/package.json': JSON.stringify({ name: '@ws/core', types: 'dist/index.d.ts' }),
      'packages/core/dist/index.d.ts': 'export declare const base: string;\n',
    });
    expect(plan).toThrow(/"@ws\/core" is a workspace package whose types resolve to .*index\.d\.ts, a declaration file.*"src\/index\.ts"/);
    // Unbuilt: types and main name files that are not there (as a library made for TS project references before its build).
    fs.rmSync(path.join(ws, 'packages/core/dist'), { recursive: true });
    writeFiles(ws, { 'packages/core/package.json': JSON.stringify({ name: '@ws/core', types: 'dist/index.d.ts', main: 'dist/index.js' }) });
    expect(plan).toThrow(/"@ws\/core" is the workspace package in packages\/core, but its package\.json's "types"\/"main" lead to no file/);
    writeFiles(ws, {
      'packages/core/package.json': JSON.stringify({ name: '@ws/core', main: 'src/index.ts' }),
      'packages/util/package.json': JSON.stringify({
        name: '@ws/util',
        main: 'src/index.ts',
        dependencies: { '@ws/other': 'workspace:*' },
      }),
    });
    expect(plan).toThrow(/packages\/util\/package\.json: dependency "@ws\/other": "workspace:\*" .*Tray cannot install it/);
  });
});
