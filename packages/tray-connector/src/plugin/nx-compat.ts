import type * as DevkitInternalModule from '@nx/devkit/internal';
import { createHash } from 'crypto';

/**
 * What the inferred-project cache needs from Nx. Nx 23 and 24 export all of it from `@nx/devkit/internal`;
 * Nx 22 exports PluginCache there but not calculateHashesForCreateNodes, hashObject or workspaceDataDirectory
 * (importing them made every nx command fail with `(0 , internal_1.hashObject) is not a function`).
 * So they are feature-detected here, and without them the plugin infers each connector on every graph
 * computation (one connector.json read per connector), which is what the cache saves. No deep imports.
 * Nx 22.0 has no `@nx/devkit/internal` entry point at all (a bare import made every nx command fail with
 * `Cannot find module '@nx/devkit/internal'`): it is required here only, inside a try, and read as optional.
 */
export interface PluginCacheSupport {
  PluginCache: typeof DevkitInternalModule.PluginCache;
  calculateHashesForCreateNodes: typeof DevkitInternalModule.calculateHashesForCreateNodes;
  workspaceDataDirectory: string;
}

type DevkitInternal = Partial<Pick<typeof DevkitInternalModule, keyof PluginCacheSupport>>;

let loaded: DevkitInternal | undefined;
/** `@nx/devkit/internal` of the installed Nx, or an empty object when that Nx has none (22.0). Loaded once. */
export function devkitInternal(): DevkitInternal {
  if (!loaded) {
    try {
      loaded = require('@nx/devkit/internal') as DevkitInternal;
    } catch {
      loaded = {};
    }
  }
  return loaded;
}

/** The cache helpers of the installed Nx, or undefined when it lacks one of them (Nx 22). */
export function pluginCacheSupport(internal: DevkitInternal = devkitInternal()): PluginCacheSupport | undefined {
  const { PluginCache, calculateHashesForCreateNodes, workspaceDataDirectory } = internal;
  if (
    typeof PluginCache !== 'function' ||
    typeof calculateHashesForCreateNodes !== 'function' ||
    typeof workspaceDataDirectory !== 'string'
  ) {
    return undefined;
  }
  return { PluginCache, calculateHashesForCreateNodes, workspaceDataDirectory };
}

/** A stable hash of JSON data (object keys sorted), from Node's crypto: names the cache file of one set of plugin options. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 20);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
