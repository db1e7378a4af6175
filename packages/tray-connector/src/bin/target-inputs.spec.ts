import { buildTarget, deployTarget, testTarget } from '../plugin/targets';
import { filesTargetsRead, type GraphTarget, type InputsGraph } from './target-inputs';

/** A connector project with the plugin's own inferred targets (build, test, deploy). */
const connector = (root: string): InputsGraph['nodes'][string] => ({
  data: { root, targets: { build: buildTarget(), test: testTarget(), deploy: deployTarget(['us']) } as Record<string, GraphTarget> },
});

const graph: InputsGraph = {
  nodes: {
    acme: connector('connectors/acme'),
    beta: connector('connectors/beta'),
    shared: { data: { root: 'libs/shared', targets: { build: { inputs: ['{projectRoot}/src/**/*'] } } } },
    // a connector some other project depends on: its files may be that project's inputs
    base: connector('connectors/base'),
    user: { data: { root: 'apps/user', targets: { deploy: { inputs: ['^default'] } } } },
    named: { data: { root: 'connectors/named', targets: { deploy: { inputs: ['production'] } } } },
    bare: { data: { root: 'connectors/bare', targets: { deploy: {} } } },
    workspace: { data: { root: '.', targets: { deploy: { inputs: ['{projectRoot}/x'] } } } },
  },
  dependencies: { acme: [{ target: 'shared' }], user: [{ target: 'base' }] },
};

describe('filesTargetsRead: the changed files a target can see (issue 22.6)', () => {
  it("leaves out a connector's README and docs for deploy: no input of deploy or of the build it depends on reads them", () => {
    const { kept, left } = filesTargetsRead(
      graph,
      [
        'connectors/acme/README.md',
        'connectors/acme/docs/usage.md',
        'connectors/acme/src/list/handler.ts',
        'connectors/acme/connector.json',
      ],
      ['deploy'],
    );
    expect(left).toEqual(['connectors/acme/README.md', 'connectors/acme/docs/usage.md']);
    expect(kept).toEqual(['connectors/acme/src/list/handler.ts', 'connectors/acme/connector.json']);
  });

  it('keeps what a build reads (through deploy dependsOn build), the project files, and what the zip leaves out of .tray', () => {
    const files = [
      'connectors/beta/tsconfig.json',
      'connectors/beta/jest.config.js',
      'connectors/beta/package.json',
      'connectors/beta/project.json',
    ];
    expect(filesTargetsRead(graph, files, ['deploy'])).toEqual({ kept: files, left: [] });
    expect(filesTargetsRead(graph, ['connectors/beta/.tray/connector.zip'], ['deploy']).left).toEqual([
      'connectors/beta/.tray/connector.zip',
    ]);
  });

  it('keeps a README for test, whose inputs are every file of the connector but .tray', () => {
    expect(filesTargetsRead(graph, ['connectors/acme/README.md'], ['test'])).toEqual({ kept: ['connectors/acme/README.md'], left: [] });
    expect(filesTargetsRead(graph, ['connectors/acme/README.md'], ['deploy', 'test']).kept).toEqual(['connectors/acme/README.md']);
    expect(filesTargetsRead(graph, ['connectors/acme/.tray/deploy-result.json'], ['test']).left).toEqual([
      'connectors/acme/.tray/deploy-result.json',
    ]);
  });

  it('keeps what it cannot be sure of: projects without the target, depended-on projects, named inputs, no inputs, root files', () => {
    const files = [
      'libs/shared/README.md', // no deploy target: Nx decides (its dependents)
      'connectors/base/README.md', // apps/user reads it through ^default
      'connectors/named/README.md', // "production" is a named input, not resolved here
      'connectors/bare/README.md', // no inputs: Nx reads every file
      'README.md', // the workspace root project
      'tools/script.js', // no project
    ];
    expect(filesTargetsRead(graph, files, ['deploy'])).toEqual({ kept: files, left: [] });
  });
});
