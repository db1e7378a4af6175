import type { CreateDependenciesContext, CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import * as fs from 'fs';
import * as path from 'path';
import { minimalConnector, tempDir, writeFiles } from '../core/__fixtures__/temp-connector';
import { createDependencies } from './create-dependencies';
import { createConnectorNodes } from './create-nodes';

// The glob engine Nx's hasher uses (test-only deep import).
const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };

/**
 * Issue 27.1: the plugin owns the graph edges from a connector to the libraries its build vendors (path
 * aliases and workspace packages, transitively), whatever @nx/js's analyzeSourceFiles says, and the build's
 * inputs name every vendored file, so a library change changes the build's hash even without an edge.
 */
describe('createDependencies and library inputs', () => {
  let ws: string;
  const connector = (dir: string, handler: string) => {
    const files = minimalConnector(path.basename(dir));
    writeFiles(ws, {
      ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v])),
      [`${dir}/src/get_thing/handler.ts`]: handler,
    });
    return `${dir}/connector.json`;
  };
  beforeEach(() => {
    ws = tempDir('tc-create-deps-');
    writeFiles(ws, {
      'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ws/shared': ['libs/shared/src/index.ts'] } } }),
      'libs/shared/project.json': '{"name":"shared"}',
      'libs/shared/src/index.ts': "export * from './lib/name';\n",
      'libs/shared/src/lib/name.ts': "import { base } from '@ws/core';\nexport const name = (s: string): string => base + s;\n",
      'libs/shared/README.md': 'not in any zip\n',
      'packages/util/package.json': JSON.stringify({ name: '@ws/util', main: 'src/index.ts' }),
      'packages/util/src/index.ts': 'export const util = 1;\n',
      'packages/core/package.json': JSON.stringify({ name: '@ws/core', main: 'src/index.ts' }),
      'packages/core/src/index.ts': "export const base = 'b';\n",
    });
    for (const name of ['util', 'core']) {
      fs.mkdirSync(path.join(ws, 'node_modules/@ws'), { recursive: true });
      fs.symlinkSync(`../../packages/${name}`, path.join(ws, `node_modules/@ws/${name}`));
    }
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  async function graph() {
    const files = [
      connector('connectors/a', "import { name } from '@ws/shared';\nexport const run = () => name('a');\n"),
      connector('connectors/b', "import { util } from '@ws/util';\nexport const run = () => util;\n"),
      connector('connectors/c', 'export const run = () => 1;\n'),
    ];
    const context: CreateNodesContext = { workspaceRoot: ws, nxJsonConfiguration: {} };
    const results = await createConnectorNodes(files, undefined, context, undefined);
    const projects: Record<string, ProjectConfiguration> = {
      'libs/shared': { root: 'libs/shared', name: 'shared' },
      'packages/util': { root: 'packages/util', name: '@ws/util' },
      'packages/core': { root: 'packages/core', name: '@ws/core' },
      '.': { root: '.', name: 'ws' },
    };
    for (const [, result] of results) {
      for (const [root, p] of Object.entries(result.projects ?? {})) projects[root] = { ...p, root } as ProjectConfiguration;
    }
    return projects;
  }

  it('the build, test and typecheck inputs name exactly the vendored files and library package.json files', async () => {
    const projects = await graph();
    const inputs = (root: string, target: string) =>
      (projects[root].targets?.[target].inputs ?? []).filter(
        (i): i is string => typeof i === 'string' && i.startsWith('{workspaceRoot}/') && !i.includes('tsconfig'),
      );
    expect(inputs('connectors/a', 'build')).toEqual([
      '{workspaceRoot}/libs/shared/package.json',
      '{workspaceRoot}/libs/shared/src/index.ts',
      '{workspaceRoot}/libs/shared/src/lib/name.ts',
      '{workspaceRoot}/packages/core/package.json',
      '{workspaceRoot}/packages/core/src/index.ts',
    ]);
    expect(inputs('connectors/a', 'test')).toEqual(inputs('connectors/a', 'build'));
    expect(inputs('connectors/a', 'typecheck')).toEqual(inputs('connectors/a', 'build'));
    expect(inputs('connectors/b', 'build')).toEqual([
      '{workspaceRoot}/packages/util/package.json',
      '{workspaceRoot}/packages/util/src/index.ts',
    ]);
    expect(inputs('connectors/c', 'build')).toEqual([]);
    const globs = inputs('connectors/a', 'build').map((i) => i.slice('{workspaceRoot}/'.length));
    expect(matchGlobPaths(globs, ['libs/shared/src/lib/name.ts', 'libs/shared/README.md', 'packages/util/src/index.ts'])).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('adds a static edge from each connector to every library it vendors, transitively, and none for the others', async () => {
    const projects = await graph();
    const fileMap = {
      projectFileMap: Object.fromEntries(
        ['a', 'b', 'c'].map((n) => [n, [{ file: `connectors/${n}/src/get_thing/handler.ts`, hash: '1' }]]),
      ),
      nonProjectFiles: [],
    };
    const context = {
      projects,
      workspaceRoot: ws,
      fileMap,
      filesToProcess: fileMap,
      externalNodes: {},
      nxJsonConfiguration: {},
    } as unknown as CreateDependenciesContext;
    const edges = await createDependencies(undefined, context);
    expect(edges).toEqual([
      { source: 'a', target: 'shared', sourceFile: 'connectors/a/src/get_thing/handler.ts', type: 'static' },
      { source: 'a', target: '@ws/core', sourceFile: 'connectors/a/src/get_thing/handler.ts', type: 'static' },
      { source: 'b', target: '@ws/util', sourceFile: 'connectors/b/src/get_thing/handler.ts', type: 'static' },
    ]);
    // Without the importing file in Nx's file map, the edge is still there, implicit.
    const noFiles = { ...context, fileMap: { projectFileMap: {}, nonProjectFiles: [] } } as unknown as CreateDependenciesContext;
    expect((await createDependencies(undefined, noFiles)).map((e) => `${e.source}->${e.target}:${e.type}`)).toEqual([
      'a->shared:implicit',
      'a->@ws/core:implicit',
      'b->@ws/util:implicit',
    ]);
  });
});
