import * as fs from 'fs';
import * as path from 'path';
import { fetchRemoteRef, RemoteRefError, type RemoteRefLimits } from './fetch-remote-ref';

/** The largest local file (the spec or a file a `$ref` names) that is read. */
export const LOCAL_FILE_MAX_BYTES = 64 * 1024 * 1024;

export interface RefPolicy {
  /** The spec file (absolute, as given): its folder tree, after resolving symlinks, is what `$ref`s may read. */
  specFile: string;
  /** Remote (http, https) `$ref`s are refused unless this is set. */
  remote?: RemoteRefLimits;
}

/** A `$ref` target the policy refused, with the reason. */
export interface RefRefusal {
  /** The target as the parser resolved it (a path or a URL). */
  target: string;
  reason: string;
}

/** What @apidevtools/json-schema-ref-parser calls a resolver (its `resolve` option). */
export interface RefResolverPlugin {
  order: number;
  canRead: boolean;
  read(file: { url: string }): Promise<Buffer>;
}

/**
 * The only resolver the parser gets (its own `file` and `http` resolvers are turned off): local
 * files inside the spec's folder tree, remote documents only when `policy.remote` is set, nothing
 * else. Every refusal is passed to `refused` first (the parser wraps errors; the caller names the
 * `$ref` from it), then thrown.
 */
export function confinedResolver(policy: RefPolicy, refused: (refusal: RefRefusal) => void): RefResolverPlugin {
  const specFile = path.resolve(policy.specFile);
  const root = path.dirname(specFile);
  const refuse = (target: string, reason: string): never => {
    refused({ target, reason });
    throw new Error(`$ref ${target} refused: ${reason}`);
  };
  return {
    order: 1,
    canRead: true,
    async read(file: { url: string }): Promise<Buffer> {
      const url = file.url;
      if (/^https?:\/\//i.test(url)) {
        if (!policy.remote) {
          return refuse(url, 'remote $refs are off: download the document next to the spec, or pass --allowRemoteRefs to fetch it');
        }
        try {
          return await fetchRemoteRef(url, policy.remote);
        } catch (e) {
          return refuse(url, e instanceof RemoteRefError ? e.message : `could not be fetched: ${(e as Error).message}`);
        }
      }
      if (/^file:/i.test(url)) return refuse(url, 'file: URLs are not followed: write a path relative to the spec');
      if (/^[a-z][a-z0-9+.-]*:/i.test(url))
        return refuse(url, 'only files in the spec folder (and, with --allowRemoteRefs, http and https URLs) are read');
      return readLocal(url, specFile, root, refuse);
    },
  };
}

async function readLocal(url: string, specFile: string, root: string, refuse: (target: string, reason: string) => never): Promise<Buffer> {
  let decoded: string;
  try {
    // As the parser's own file resolver decodes it (decodeURI, then the characters it leaves encoded).
    decoded = decodeURI(url).replace(/%23/g, '#').replace(/%24/g, '$').replace(/%26/g, '&').replace(/%2C/g, ',').replace(/%40/g, '@');
  } catch {
    return refuse(url, 'not a valid path (malformed %-encoding)');
  }
  if (decoded.includes('\0')) return refuse(url, 'a path with a NUL character');
  const file = path.resolve(decoded);
  const isSpec = file === specFile;
  if (!isSpec && !inside(file, root))
    return refuse(url, `${file} is outside the spec's folder ${root}: $refs may only read files in it (or below)`);
  let real: string;
  try {
    real = await fs.promises.realpath(file);
  } catch (e) {
    throw new Error(`Error opening file ${file}: ${(e as Error).message}`);
  }
  if (!isSpec && !inside(real, await fs.promises.realpath(root))) {
    return refuse(
      url,
      `${file} leads (through a symlink) to ${real}, outside the spec's folder ${root}: $refs may only read files in it (or below)`,
    );
  }
  const stat = await fs.promises.stat(real);
  if (!stat.isFile()) return refuse(url, `${file} is not a regular file`);
  if (stat.size > LOCAL_FILE_MAX_BYTES)
    return refuse(url, `${file} is ${stat.size} bytes, more than the ${LOCAL_FILE_MAX_BYTES} a spec file may be`);
  return fs.promises.readFile(real);
}

function inside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** `to` resolved against `from` as the parser resolves a `$ref` (json-schema-ref-parser's url.resolve). */
export function resolveRefLikeParser(from: string, to: string): string {
  const posix = (p: string) => (p.startsWith('\\\\?\\') ? p : p.split('\\').join('/'));
  const base = new URL(posix(from), 'https://aaa.nonexistanturl.com');
  const resolved = new URL(posix(to), base);
  if (resolved.hostname === 'aaa.nonexistanturl.com') return resolved.pathname + resolved.search + resolved.hash;
  return resolved.toString();
}

/**
 * Where the refused target was written: the first `$ref` (as written) among the documents the
 * parser had read (path or URL -> parsed value) that resolves to `target`, and that document.
 */
export function findRef(documents: Record<string, unknown>, target: string): { ref: string; in: string } | undefined {
  const strip = (u: string) => u.split('#')[0];
  const wanted = strip(target);
  for (const [docPath, value] of Object.entries(documents)) {
    const seen = new Set<object>();
    const stack: unknown[] = [value];
    while (stack.length) {
      const node = stack.pop();
      if (!node || typeof node !== 'object' || seen.has(node)) continue;
      seen.add(node);
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string') {
        let resolved: string | undefined;
        try {
          resolved = strip(resolveRefLikeParser(docPath, ref));
        } catch {
          resolved = undefined;
        }
        if (resolved === wanted) return { ref, in: safeDecode(docPath) };
      }
      stack.push(...Object.values(node));
    }
  }
  return undefined;
}

function safeDecode(u: string): string {
  try {
    return decodeURI(u);
  } catch {
    return u;
  }
}
