import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TrayConnectorError } from '../errors';
import { loadOpenApi, specPath } from './load-spec';

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('specPath', () => {
  it('takes paths relative to a folder and file: URLs', () => {
    expect(specPath('api/openapi.yaml', '/ws')).toBe(path.resolve('/ws', 'api/openapi.yaml'));
    expect(specPath(pathToFileURL('/tmp/a b.json').href, '/ws')).toBe('/tmp/a b.json');
  });
  it('refuses remote URLs and an empty value', () => {
    expect(() => specPath('https://example.com/openapi.json', '/ws')).toThrow('only local files are read');
    expect(() => specPath(' ', '/ws')).toThrow(TrayConnectorError);
  });
});

describe('loadOpenApi', () => {
  it('reads YAML and follows $refs into other local files (OpenAPI 3.1)', async () => {
    const doc = await loadOpenApi(path.join(FIXTURES, 'multi-file', 'openapi.yaml'));
    const op = doc.paths!['/things/{id}'].get;
    expect(op.parameters[0]).toMatchObject({ name: 'id', in: 'path', description: "The thing's id." });
    expect(op.responses['200'].content['application/json'].schema.properties.label).toEqual({ type: ['string', 'null'] });
  });
  it('reads Swagger 2.0 as it is: its $refs into other local files followed, converted to OpenAPI 3.0 and dereferenced', async () => {
    const doc = await loadOpenApi(path.join(FIXTURES, 'swagger2', 'swagger.yaml'));
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.servers).toEqual([{ url: 'https://api.example.com/v2' }]);
    expect(doc.components!.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    const list = doc.paths!['/pets'].get;
    expect(list.parameters[0]).toMatchObject({ name: 'limit', in: 'query', schema: { type: 'integer', format: 'int32' } });
    // The definition in another file, named by its $ref (#/definitions/Pet -> #/components/schemas/Pet).
    expect(list.responses['200'].content['application/json'].schema.items.allOf[0].properties.name).toEqual({ type: 'string' });
    const create = doc.paths!['/pets'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name']);
    const form = doc.paths!['/pets/{petId}'].post;
    expect(Object.keys(form.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(form.requestBody.content['application/x-www-form-urlencoded'].schema.properties.status).toEqual({ type: 'string' });
  });
  it('refuses a Swagger 2.0 document the converter refuses, naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-swagger2-'));
    try {
      const file = path.join(dir, 'swagger.json');
      // Two body parameters: OpenAPI 3 has one request body.
      const body = (name: string) => ({ in: 'body', name, schema: { type: 'object' } });
      const post = { parameters: [body('a'), body('b')], responses: { 200: { description: 'ok' } } };
      fs.writeFileSync(file, JSON.stringify({ swagger: '2.0', info: { title: 'x', version: '1' }, paths: { '/x': { post } } }));
      await expect(loadOpenApi(file)).rejects.toThrow(
        `--spec ${file}: the Swagger 2.0 document could not be converted to OpenAPI 3.0 (swagger2openapi): Operation post:/x has multiple requestBodies`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses another openapi version, a missing file and an unresolvable $ref, naming the file', async () => {
    await expect(loadOpenApi(path.join(FIXTURES, 'not-openapi.json'))).rejects.toThrow(
      /not-openapi\.json could not be read as an OpenAPI document: Unsupported OpenAPI version: 2\.5\.0/,
    );
    await expect(loadOpenApi(path.join(FIXTURES, 'not-yaml.yaml'))).rejects.toThrow(
      /not-yaml\.yaml could not be read as an OpenAPI document: Error parsing /,
    );
    await expect(loadOpenApi(path.join(FIXTURES, 'nope.yaml'))).rejects.toThrow(/nope\.yaml does not exist/);
    await expect(loadOpenApi(path.join(FIXTURES, 'broken-ref.yaml'))).rejects.toThrow(/broken-ref\.yaml: a \$ref could not be resolved/);
  });
});

/** The same document as OpenAPI 3.0 or Swagger 2.0 (read, bundled, converted, then dereferenced: the same guarantees). */
const VERSIONS = ['3.0.3', '2.0'];
const refSpec = (version: string, ref: string, title = 'Refs') =>
  version === '2.0'
    ? {
        swagger: '2.0',
        info: { title, version: '1' },
        paths: { '/x': { get: { produces: ['application/json'], responses: { '200': { description: 'ok', schema: { $ref: ref } } } } } },
      }
    : {
        openapi: version,
        info: { title, version: '1' },
        paths: {
          '/x': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } } } },
        },
      };

describe.each(VERSIONS)('loadOpenApi (%s): $refs stay inside the spec folder', (version) => {
  let tmp: string;
  let specDir: string;
  const spec = (ref: string) => refSpec(version, ref);
  const write = (ref: string, name = 'openapi.json') => {
    const file = path.join(specDir, name);
    fs.writeFileSync(file, JSON.stringify(spec(ref)));
    return file;
  };
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-refs-')));
    specDir = path.join(tmp, 'project', 'specs');
    fs.mkdirSync(path.join(specDir, 'schemas'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'secret.json'), JSON.stringify({ type: 'string', description: 'TOP-SECRET-VALUE' }));
    fs.writeFileSync(
      path.join(specDir, 'schemas', 'thing.json'),
      JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }),
    );
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('follows $refs to files in the folder and below, and symlinks that stay inside it', async () => {
    fs.symlinkSync(path.join(specDir, 'schemas', 'thing.json'), path.join(specDir, 'alias.json'));
    for (const ref of ['schemas/thing.json', './schemas/../schemas/thing.json', 'alias.json']) {
      const doc = await loadOpenApi(write(ref));
      expect(doc.paths!['/x'].get.responses['200'].content['application/json'].schema.properties.id).toEqual({ type: 'string' });
    }
  });

  it('refuses every way out of the folder, naming the $ref and the file, and reads nothing outside', async () => {
    fs.symlinkSync(path.join(tmp, 'secret.json'), path.join(specDir, 'schemas', 'link.json'));
    fs.symlinkSync(tmp, path.join(specDir, 'up'));
    const escapes: Array<[string, RegExp]> = [
      ['/etc/passwd', /\/etc\/passwd is outside the spec's folder/],
      ['../../secret.json', /secret\.json is outside the spec's folder/],
      ['../../secret.json#/description', /secret\.json is outside the spec's folder/],
      ['%2e%2e/%2e%2e/secret.json', /secret\.json is outside the spec's folder/],
      ['..\\..\\secret.json', /secret\.json is outside the spec's folder/],
      [`${tmp}/secret.json`, /secret\.json is outside the spec's folder/],
      ['file:///etc/passwd', /file: URLs are not followed/],
      [pathToFileURL(path.join(specDir, 'schemas', 'thing.json')).href, /file: URLs are not followed/],
      ['schemas/link.json', /link\.json leads \(through a symlink\) to .*secret\.json, outside the spec's folder/],
      ['up/secret.json', /up\/secret\.json leads \(through a symlink\) to .*secret\.json, outside the spec's folder/],
      ['ftp://example.com/x.json', /only files in the spec folder/],
    ];
    for (const [ref, reason] of escapes) {
      const file = write(ref);
      const error = await loadOpenApi(file).then(
        () => undefined,
        (e: Error) => e,
      );
      expect([ref, error]).toEqual([ref, expect.any(TrayConnectorError)]);
      expect(error!.message).toContain(`$ref ${JSON.stringify(ref)} in ${file} is refused: `);
      expect([ref, error!.message]).toEqual([ref, expect.stringMatching(reason)]);
      expect(error!.message).not.toContain('TOP-SECRET-VALUE');
    }
  });

  it('refuses a $ref to a FIFO or another file that is not a regular file', async () => {
    execFileSync('mkfifo', [path.join(specDir, 'pipe.json')]);
    await expect(loadOpenApi(write('pipe.json'))).rejects.toThrow(
      /\$ref "pipe\.json" in .* is refused: .*pipe\.json is not a regular file/,
    );
  });

  it('reads the spec itself through a symlink, but its $refs still only inside the folder of the link', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'openapi.json'), JSON.stringify(spec('schemas/thing.json')));
    fs.symlinkSync(path.join(elsewhere, 'openapi.json'), path.join(specDir, 'linked.json'));
    const doc = await loadOpenApi(path.join(specDir, 'linked.json'));
    expect(doc.paths!['/x'].get.responses['200'].content['application/json'].schema.type).toBe('object');
  });
});

describe.each(VERSIONS)('loadOpenApi (%s): remote $refs', (version) => {
  let server: http.Server;
  let port: number;
  const connections: string[] = [];
  let tmp: string;
  const remoteSpec = (url: string) => {
    const file = path.join(tmp, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(refSpec(version, url, 'Remote')));
    return file;
  };
  // One server per test: a hanging or huge answer of one test never shares a socket or a backlog with another.
  beforeEach(async () => {
    server = http.createServer((req, res) => {
      connections.push(req.url ?? '');
      if (req.url === '/hang.json') return; // never answers
      if (req.url === '/moved.json') return void res.writeHead(302, { location: 'http://127.0.0.1/elsewhere.json' }).end();
      if (req.url === '/huge.json') {
        // Chunked (no content-length): the client must count what arrives. 11 x 1 MiB, more than the 10 MiB limit.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        for (let i = 0; i < 11; i++) res.write(chunk);
        return void res.end();
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: 'object', properties: { remote: { type: 'boolean' } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    connections.length = 0;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-remote-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('are off by default: refused without a connection, naming the option', async () => {
    const file = remoteSpec(`http://127.0.0.1:${port}/thing.json`);
    await expect(loadOpenApi(file)).rejects.toThrow(
      `--spec ${file}: $ref "http://127.0.0.1:${port}/thing.json" in ${file} is refused: remote $refs are off: download the document next to the spec, or pass --allowRemoteRefs to fetch it`,
    );
    expect(connections).toEqual([]);
  });

  it('with allowRemoteRefs, never connect to loopback, unspecified or mapped addresses (checked before connecting)', async () => {
    const cases: Array<[string, RegExp]> = [
      [`http://127.0.0.1:${port}/a.json`, /127\.0\.0\.1, which is loopback/],
      [`http://[::ffff:127.0.0.1]:${port}/a.json`, /::ffff:7f00:1, which is IPv4-mapped 127\.0\.0\.1: loopback/],
      [`http://[::1]:${port}/a.json`, /::1, which is loopback/],
      [`http://0.0.0.0:${port}/a.json`, /0\.0\.0\.0, which is unspecified/],
      [`http://2130706433:${port}/a.json`, /127\.0\.0\.1, which is loopback/],
      [`http://localhost:${port}/a.json`, /localhost resolves to (127\.0\.0\.1|::1), which is loopback/],
    ];
    for (const [url, reason] of cases) {
      const file = remoteSpec(url);
      const error = await loadOpenApi(file, { allowRemoteRefs: true }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect([url, error?.message]).toEqual([url, expect.stringMatching(reason)]);
      expect(error!.message).toContain(`$ref ${JSON.stringify(url)} in ${file} is refused`);
    }
    expect(connections).toEqual([]);
  });

  it('ends a hanging server at the plugin time limit, not the parser 60 s', async () => {
    const only127 = (a: string) => (a === '127.0.0.1' ? undefined : 'not the test server');
    const file = remoteSpec(`http://127.0.0.1:${port}/hang.json`);
    await expect(loadOpenApi(file, { allowRemoteRefs: true, remoteRefsTimeout: 0.5, forbiddenAddress: only127 })).rejects.toThrow(
      /is refused: the time limit for remote \$refs \(0\.5 s, remoteRefsTimeout\) ran out while fetching it/,
    );
    expect(connections).toEqual(['/hang.json']);
  });

  it('fetches an allowed address, but no redirect and nothing over the size limit', async () => {
    const only127 = (a: string) => (a === '127.0.0.1' ? undefined : 'not the test server');
    const doc = await loadOpenApi(remoteSpec(`http://127.0.0.1:${port}/thing.json`), { allowRemoteRefs: true, forbiddenAddress: only127 });
    expect(doc.paths!['/x'].get.responses['200'].content['application/json'].schema.properties.remote).toEqual({ type: 'boolean' });
    await expect(
      loadOpenApi(remoteSpec(`http://127.0.0.1:${port}/moved.json`), { allowRemoteRefs: true, forbiddenAddress: only127 }),
    ).rejects.toThrow(/answered HTTP 302 \(redirects are not followed/);
    await expect(
      loadOpenApi(remoteSpec(`http://127.0.0.1:${port}/huge.json`), { allowRemoteRefs: true, forbiddenAddress: only127 }),
    ).rejects.toThrow(/is more than the 10485760 bytes a remote \$ref may be/);
  }, 30_000); // a longer test timeout (not a timed assertion): 11 MiB over loopback on a busy machine

  it('refuses a time limit that is not a positive number of seconds', async () => {
    await expect(loadOpenApi(remoteSpec('https://example.com/a.json'), { allowRemoteRefs: true, remoteRefsTimeout: -1 })).rejects.toThrow(
      '--remoteRefsTimeout -1 must be a number of seconds above 0 and at most 600',
    );
  });
});
