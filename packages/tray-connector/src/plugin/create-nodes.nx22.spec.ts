import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// @nx/devkit/internal as Nx 22.7 ships it: PluginCache, but none of the hashing helpers or workspaceDataDirectory.
// (The plugin once imported hashObject from it, and every nx command on Nx 22 failed.)
jest.mock('@nx/devkit/internal', () => {
  const actual = jest.requireActual('@nx/devkit/internal');
  const { signalToCode, createProjectRootMappingsFromProjectConfigurations, PluginCache, safeExecFileSync, safeSpawn, safeWriteFileCache } =
    actual;
  return { signalToCode, createProjectRootMappingsFromProjectConfigurations, PluginCache, safeExecFileSync, safeSpawn, safeWriteFileCache };
});

import { createNodes, pluginCachePath } from './create-nodes';
import { pluginCacheSupport } from './nx-compat';
import { connectorTargets } from './targets';

describe('createNodes on Nx 22 (@nx/devkit/internal without calculateHashesForCreateNodes, hashObject, workspaceDataDirectory)', () => {
  let root: string;
  let context: CreateNodesContext;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-create-nodes-nx22-'));
    context = { workspaceRoot: root, nxJsonConfiguration: {} };
    fs.mkdirSync(path.join(root, 'connectors/acme'), { recursive: true });
    fs.writeFileSync(path.join(root, 'connectors/acme/connector.json'), JSON.stringify({ name: 'acme', version: '1.0', title: 'Acme' }));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('detects that the cache helpers are missing', () => {
    expect(pluginCacheSupport()).toBeUndefined();
  });

  it('still infers the connector projects (without a cache), for every set of options', async () => {
    for (const options of [undefined, { defaultRegions: ['eu'], deployTargetName: 'ship' }]) {
      const results = await createNodes[1](['connectors/acme/connector.json'], options, context);
      const projects: NonNullable<CreateNodesResult['projects']> = {};
      for (const [, result] of results) Object.assign(projects, result.projects);
      expect(projects['connectors/acme'].name).toBe('acme');
      expect(Object.keys(projects['connectors/acme'].targets ?? {})).toEqual(
        Object.keys(
          connectorTargets(options ? ['eu'] : ['us'], {
            build: 'build',
            test: 'test',
            deploy: options ? 'ship' : 'deploy',
            share: 'share',
          }),
        ),
      );
    }
    expect(fs.existsSync(path.join(root, '.nx'))).toBe(false);
  });

  it('names a cache file per set of options all the same', () => {
    expect(pluginCachePath({ defaultRegions: ['eu'] })).not.toBe(pluginCachePath({ defaultRegions: ['us'] }));
    expect(path.basename(pluginCachePath({}))).toMatch(/^tray-connector-\w+\.hash$/);
  });
});
