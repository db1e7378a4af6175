import { useSchemaServer } from './__fixtures__/schema-server';
import { fetchRemoteRef, RemoteRefError, type RemoteRefLimits } from './fetch-remote-ref';

describe('fetchRemoteRef', () => {
  const seen: Array<{ url?: string; host?: string }> = [];
  const server = useSchemaServer((req) => seen.push({ url: req.url, host: req.headers.host }));
  beforeEach(() => (seen.length = 0));
  const limits = (more: Partial<RemoteRefLimits>): RemoteRefLimits => ({ endsAt: Date.now() + 5000, seconds: 5, maxBytes: 1024, ...more });

  it('checks every address a name resolves to, before any connection', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    await expect(fetchRemoteRef(`http://api.example.test:${server.port()}/a.json`, limits({ lookup }))).rejects.toThrow(
      new RemoteRefError(
        'api.example.test resolves to 127.0.0.1, which is loopback, 127.0.0.0/8: remote $refs are fetched from public addresses only',
      ),
    );
    const mapped = async () => [{ address: '::ffff:127.0.0.1', family: 6 }];
    await expect(fetchRemoteRef(`http://api.example.test:${server.port()}/a.json`, limits({ lookup: mapped }))).rejects.toThrow(
      /resolves to ::ffff:127\.0\.0\.1, which is IPv4-mapped 127\.0\.0\.1: loopback/,
    );
    expect(seen).toEqual([]);
  });

  it('connects to the address it checked (no second resolution), sending the name as Host', async () => {
    let lookups = 0;
    const lookup = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const only127 = (a: string) => (a === '127.0.0.1' ? undefined : 'not the test server');
    const body = await fetchRemoteRef(
      `http://api.example.test:${server.port()}/schemas/a.json?v=1`,
      limits({ lookup, forbidden: only127 }),
    );
    expect(JSON.parse(body.toString('utf8'))).toEqual({ type: 'string' });
    expect(seen).toEqual([{ url: '/schemas/a.json?v=1', host: `api.example.test:${server.port()}` }]);
    expect(lookups).toBe(1);
  });

  it('ends a DNS answer that never comes at the time limit', async () => {
    const never = () => new Promise<never>(() => undefined);
    await expect(
      fetchRemoteRef('https://slow.example.test/a.json', limits({ lookup: never, endsAt: Date.now() + 200, seconds: 0.2 })),
    ).rejects.toThrow('the time limit for remote $refs (0.2 s, remoteRefsTimeout) ran out while resolving slow.example.test');
  });

  it('refuses what is not http(s), and a limit already spent', async () => {
    await expect(fetchRemoteRef('ftp://example.com/a.json', limits({}))).rejects.toThrow('only http and https URLs are fetched');
    await expect(fetchRemoteRef('https://93.184.216.34/a.json', limits({ endsAt: Date.now() - 1 }))).rejects.toThrow(
      /ran out while resolving 93\.184\.216\.34/,
    );
  });
});
