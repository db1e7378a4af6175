import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A test fixture, not a product: the smallest server implementing Nx's self-hosted remote cache
 * OpenAPI spec (https://nx.dev/docs/guides/tasks--caching/self-hosted-caching, Nx >= 20.8), in
 * memory, on 127.0.0.1. Nx uses it when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is its URL and
 * NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN its token. Teams use a real one: Nx Cloud, or a
 * self-hosted server backed by S3/GCS/Azure.
 *
 *   PUT /v1/cache/{hash}  body: the task's outputs as a tar archive (application/octet-stream)
 *       200 stored; 401 no/unknown bearer token; 403 read-only token; 409 a record exists for the hash
 *   GET /v1/cache/{hash}  200 the archive; 401; 403; 404 no record
 */

export interface CacheRequest {
  method: string;
  hash: string;
  status: number;
  bytes: number;
}

export interface RemoteCacheServer {
  url: string;
  token: string;
  /** Every request, in order. */
  requests: CacheRequest[];
  /** Stored archives by hash. */
  records: Map<string, Buffer>;
  /** The environment that points Nx at this server. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startRemoteCacheServer(options: { token?: string; readOnlyToken?: string } = {}): Promise<RemoteCacheServer> {
  const token = options.token ?? 'remote-cache-token-rw';
  const records = new Map<string, Buffer>();
  const requests: CacheRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const match = /^\/v1\/cache\/([^/?]+)$/.exec(req.url ?? '');
      const answer = (status: number, payload?: Buffer | string) => {
        requests.push({
          method: req.method ?? '',
          hash: match?.[1] ?? req.url ?? '',
          status,
          bytes: req.method === 'PUT' ? body.length : Buffer.byteLength(payload ?? ''),
        });
        if (payload instanceof Buffer) {
          res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': payload.length });
          res.end(payload);
        } else {
          res.writeHead(status, { 'Content-Type': 'text/plain' });
          res.end(payload ?? '');
        }
      };
      if (!match) return answer(404, 'not found');
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const readOnly = options.readOnlyToken !== undefined && bearer === options.readOnlyToken;
      if (bearer !== token && !readOnly) return answer(401, 'missing or unknown bearer token');
      const hash = decodeURIComponent(match[1]);
      if (req.method === 'GET') {
        const record = records.get(hash);
        return record ? answer(200, record) : answer(404, 'no record for this hash');
      }
      if (req.method === 'PUT') {
        if (readOnly) return answer(403, 'read-only token');
        if (records.has(hash)) return answer(409, 'a record exists for this hash');
        records.set(hash, body);
        return answer(200);
      }
      return answer(405, 'method not allowed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    requests,
    records,
    env: () => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
