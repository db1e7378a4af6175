import * as devkitInternal from '@nx/devkit/internal';
import { hashJson, pluginCacheSupport } from './nx-compat';

describe('nx-compat', () => {
  it('finds the cache helpers in the Nx this repo is built with (24)', () => {
    const support = pluginCacheSupport();
    expect(support?.PluginCache).toBe(devkitInternal.PluginCache);
    expect(support?.calculateHashesForCreateNodes).toBe(devkitInternal.calculateHashesForCreateNodes);
    expect(support?.workspaceDataDirectory).toBe(devkitInternal.workspaceDataDirectory);
  });

  it('reports none when one is missing, as on Nx 22', () => {
    expect(pluginCacheSupport({ PluginCache: devkitInternal.PluginCache })).toBeUndefined();
    expect(pluginCacheSupport({ ...devkitInternal, workspaceDataDirectory: undefined })).toBeUndefined();
  });

  it('hashes JSON independently of key order, and tells different values apart', () => {
    expect(hashJson({ a: 1, b: ['x', { c: true }] })).toBe(hashJson({ b: ['x', { c: true }], a: 1 }));
    expect(hashJson({ defaultRegions: ['eu'] })).not.toBe(hashJson({ defaultRegions: ['us'] }));
    expect(hashJson({})).toMatch(/^[0-9a-f]{20}$/);
  });
});
