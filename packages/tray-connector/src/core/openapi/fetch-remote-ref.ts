import { promises as dns, type LookupAddress } from 'dns';
import * as http from 'http';
import * as https from 'https';
import { isIP } from 'net';
import { forbiddenAddress } from './public-address';

/** The limits every remote `$ref` of one import shares. */
export interface RemoteRefLimits {
  /** When the whole of the remote fetching must be over (Date.now() milliseconds). */
  endsAt: number;
  /** The time limit as the user gave it, for messages (seconds). */
  seconds: number;
  /** The largest document one remote `$ref` may return (bytes). */
  maxBytes: number;
  /** Why an address must not be connected to (undefined: it may). Default: public unicast only. Tests only. */
  forbidden?: (address: string) => string | undefined;
  /** DNS resolution (every address of a name). Default: the system resolver. */
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
}

/** A remote document that was not fetched; the message says why (the caller adds the `$ref` and the file). */
export class RemoteRefError extends Error {}

const systemLookup = (hostname: string) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * GETs one http(s) document for a `$ref`: the host is resolved first and every address it
 * resolves to must be public (no loopback, private, link-local, unspecified... of either family),
 * then the request connects to that checked address (no second resolution). No redirects; at
 * most `maxBytes`; everything within the time left until `endsAt`.
 */
export async function fetchRemoteRef(url: string, limits: RemoteRefLimits): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RemoteRefError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RemoteRefError('only http and https URLs are fetched');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = await withinLimit(
    isIP(host) ? Promise.resolve([{ address: host, family: isIP(host) }]) : (limits.lookup ?? systemLookup)(host),
    limits,
    `resolving ${host}`,
  ).catch((e: Error) => {
    throw e instanceof RemoteRefError ? e : new RemoteRefError(`${host} could not be resolved: ${e.message}`);
  });
  if (!addresses.length) throw new RemoteRefError(`${host} resolves to no address`);
  const forbidden = limits.forbidden ?? forbiddenAddress;
  for (const { address } of addresses) {
    const reason = forbidden(address);
    if (reason) {
      throw new RemoteRefError(
        `${host === address ? address : `${host} resolves to ${address}`}, which is ${reason}: remote $refs are fetched from public addresses only`,
      );
    }
  }
  // One timer owns the time limit: it settles the fetch with the limit's message first, then ends the socket (a
  // timer of the request's own could end it first, and its "socket hang up" would win the race on a loaded machine).
  const stop = new AbortController();
  return withinLimit(get(parsed, host, addresses[0], limits, stop.signal), limits, 'fetching it', () => stop.abort());
}

/** `work`, or a RemoteRefError naming the limit when the time left runs out first (then `onTimeout`, e.g. ending the socket). */
function withinLimit<T>(work: Promise<T>, limits: RemoteRefLimits, doing: string, onTimeout?: () => void): Promise<T> {
  const left = limits.endsAt - Date.now();
  const message = `the time limit for remote $refs (${limits.seconds} s, remoteRefsTimeout) ran out while ${doing}`;
  if (left <= 0) {
    onTimeout?.();
    work.catch(() => undefined);
    return Promise.reject(new RemoteRefError(message));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new RemoteRefError(message));
      onTimeout?.();
    }, left);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function get(url: URL, host: string, pinned: LookupAddress, limits: RemoteRefLimits, stop: AbortSignal): Promise<Buffer> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Buffer>((resolve, reject) => {
    const fail = (message: string) => {
      request.destroy();
      reject(new RemoteRefError(message));
    };
    const request = client.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        agent: false,
        headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
        // Connect to the address that was checked, whatever a second resolution would say.
        lookup: (_name: string, options: { all?: boolean }, callback: (...args: any[]) => void) =>
          options?.all ? callback(null, [pinned]) : callback(null, pinned.address, pinned.family),
        ...(url.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400)
          return fail(`answered HTTP ${status} (redirects are not followed: point the $ref at the document itself)`);
        if (status !== 200) return fail(`answered HTTP ${status}`);
        const declared = Number(response.headers['content-length']);
        if (declared > limits.maxBytes) return fail(`is ${declared} bytes, more than the ${limits.maxBytes} bytes a remote $ref may be`);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) fail(`is more than the ${limits.maxBytes} bytes a remote $ref may be`);
          else chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks)));
        response.on('error', (e) => fail(e.message));
      },
    );
    request.on('error', (e) => reject(e instanceof RemoteRefError ? e : new RemoteRefError(e.message)));
    // withinLimit's timer settles the wait with the limit's message, then ends the socket through `stop`.
    const end = () => request.destroy();
    if (stop.aborted) end();
    else stop.addEventListener('abort', end, { once: true });
    request.on('close', () => stop.removeEventListener('abort', end));
    request.end();
  });
}
