import type { OpenApiDocument } from './load-spec';
import { chooseAuth, chooseServer, importReport, planImport, renderGlobalConfig } from './import-plan';

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
function doc(extra: Record<string, unknown> = {}): OpenApiDocument {
  return {
    openapi: '3.0.3',
    info: { title: 'Acme CRM', version: '1', description: 'First paragraph\nof text.\n\nSecond paragraph.' },
    paths: {
      '/contacts': { get: { operationId: 'listContacts', responses: ok }, head: { operationId: 'headContacts', responses: ok } },
      '/contacts/{id}': {
        get: {
          operationId: 'getContact',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: ok,
        },
      },
    },
    ...extra,
  } as OpenApiDocument;
}
const schemes = (securitySchemes: Record<string, unknown>, security?: unknown[]) =>
  doc({ components: { securitySchemes }, ...(security ? { security } : {}) });

describe('chooseAuth', () => {
  it('maps securitySchemes to the auth kinds of `new`', () => {
    expect(chooseAuth(doc())).toEqual({ kind: 'none', via: 'none', notes: [] });
    expect(chooseAuth(schemes({ b: { type: 'http', scheme: 'bearer' } }))).toMatchObject({ kind: 'token', via: 'bearer', scheme: 'b' });
    expect(chooseAuth(schemes({ k: { type: 'apiKey', in: 'header', name: 'X-API-Key' } }))).toMatchObject({
      kind: 'token',
      via: 'header',
      parameter: 'X-API-Key',
    });
    expect(chooseAuth(schemes({ k: { type: 'apiKey', in: 'query', name: 'api_key' } }))).toMatchObject({
      kind: 'token',
      via: 'query',
      parameter: 'api_key',
    });
    expect(chooseAuth(schemes({ k: { type: 'apiKey', in: 'cookie', name: 'sid' } }))).toMatchObject({
      kind: 'token',
      via: 'cookie',
      parameter: 'sid',
    });
    expect(chooseAuth(schemes({ u: { type: 'http', scheme: 'basic' } }))).toMatchObject({ kind: 'token', via: 'basic' });
    expect(chooseAuth(schemes({ o: { type: 'oauth2', flows: {} } }))).toMatchObject({ kind: 'oauth2', via: 'bearer' });
    expect(chooseAuth(schemes({ o: { type: 'openIdConnect', openIdConnectUrl: 'https://x' } }))).toMatchObject({
      kind: 'oauth2',
      via: 'bearer',
    });
  });
  it('prefers the global security requirement and notes the schemes it leaves out', () => {
    const auth = chooseAuth(
      schemes({ key: { type: 'apiKey', in: 'query', name: 'k' }, oauth: { type: 'oauth2', flows: {} } }, [{ oauth: [] }]),
    );
    expect(auth).toMatchObject({ kind: 'oauth2', scheme: 'oauth' });
    expect(auth.notes).toEqual([
      "OAuth 2 authorizationCode (Tray auth type OAUTH2); set these in the service's OAuth app at Tray",
      'other security schemes of the document (a Tray connector has one auth; choose with --auth): key',
    ]);
  });
  it('says why a scheme cannot be used', () => {
    expect(chooseAuth(schemes({ m: { type: 'mutualTLS' } }))).toEqual({
      kind: 'none',
      via: 'none',
      notes: ["security scheme m (mutualTLS) cannot be expressed by a Tray connector's auth"],
    });
  });
});

describe('chooseServer', () => {
  const servers = doc({
    servers: [
      { url: 'https://{region}.acme.com/v1', description: 'Production', variables: { region: { default: 'eu' } } },
      { url: 'https://sandbox.acme.com/v1/', description: 'Sandbox' },
      { url: '/relative' },
    ],
  });
  it('takes servers[0] with variable defaults, or the entry --server names', () => {
    expect(chooseServer(servers, undefined, 'acme').url).toBe('https://eu.acme.com/v1');
    expect(chooseServer(servers, '1', 'acme').url).toBe('https://sandbox.acme.com/v1');
    expect(chooseServer(servers, 'Sandbox', 'acme').url).toBe('https://sandbox.acme.com/v1');
    expect(chooseServer(servers, 'https://other.acme.com', 'acme').url).toBe('https://other.acme.com');
  });
  it('keeps a relative URL under a placeholder host, with a note; no servers: a placeholder', () => {
    expect(chooseServer(servers, '2', 'acme')).toEqual({
      url: 'https://api.acme.example.com/relative',
      notes: [expect.stringContaining('the server URL /relative is relative')],
    });
    expect(chooseServer(doc(), undefined, 'acme')).toEqual({
      url: 'https://api.acme.example.com',
      notes: [expect.stringContaining('the document lists no servers')],
    });
  });
  it('refuses a --server that matches nothing, listing the entries', () => {
    expect(() => chooseServer(servers, '7', 'acme')).toThrow(
      /--server "7" matches no entry of the document's servers \(0: https:\/\/\{region\}\.acme\.com\/v1 \(Production\); 1: /,
    );
  });
});

describe('renderGlobalConfig', () => {
  it('sends the credential the way the scheme says', () => {
    const base = { kind: 'token' as const, scheme: 's', notes: [] };
    expect(renderGlobalConfig('A', 'https://x', 'X_BASE_URL', { ...base, via: 'bearer' })).toContain(
      ".withBearerToken((ctx) => ctx.auth?.user.access_token ?? '')",
    );
    expect(renderGlobalConfig('A', 'https://x', 'X_BASE_URL', { ...base, via: 'header', parameter: 'X-Key' })).toContain(
      ".addHeader((ctx) => ({ name: 'X-Key', value: ctx.auth?.user.access_token ?? '' }))",
    );
    expect(renderGlobalConfig('A', 'https://x', 'X_BASE_URL', { ...base, via: 'basic' })).toContain(
      "name: 'Authorization',\n\t\tvalue: 'Basic ' + Buffer.from((ctx.auth?.user.username ?? '') + ':' + (ctx.auth?.user.password ?? '')).toString('base64'),",
    );
    const none = renderGlobalConfig('A', 'https://x', 'X_BASE_URL', { kind: 'none', via: 'none', notes: [] });
    expect(none).toContain("export const API_BASE_URL = 'https://x';");
    expect(none).toContain("export const BASE_URL_ENV = 'X_BASE_URL';");
    expect(none).not.toContain('access_token');
  });
});

describe('planImport', () => {
  const options = { connectorName: 'acme-crm', authType: 'AcmeCrmAuth', baseUrlEnv: 'ACME_CRM_BASE_URL', newConnector: true };
  it('plans every operation, lists what cannot be imported, takes title and first paragraph of the description', () => {
    const plan = planImport(doc(), options);
    expect(plan.operations.map((o) => o.name)).toEqual(['list_contacts', 'get_contact']);
    expect(Object.keys(plan.operations[0].files).sort()).toEqual([
      'handler.test.ts',
      'handler.ts',
      'input.ts',
      'operation.json',
      'output.ts',
    ]);
    expect(plan.skipped).toEqual([expect.objectContaining({ method: 'HEAD', path: '/contacts' })]);
    expect([plan.title, plan.description]).toEqual(['Acme CRM', 'First paragraph of text.']);
    expect(Object.keys(plan.connectorFiles).sort()).toEqual(['src/GlobalConfig.ts', 'src/http-parameters.ts', 'test.ctx.example.json']);
  });

  it('writes test.ctx.example.json beside test.ctx.json, with empty credentials of the auth it chose (22.4)', () => {
    expect(planImport(doc(), options).connectorFiles['test.ctx.example.json']).toBe('{}\n');
    const basic = JSON.parse(
      planImport(schemes({ u: { type: 'http', scheme: 'basic' } }), options).connectorFiles['test.ctx.example.json'],
    );
    expect(basic.auth).toEqual({ authType: 'TOKEN', authId: 'local-test', user: { username: '', password: '' }, app: {} });
    const bearer = JSON.parse(
      planImport(schemes({ b: { type: 'http', scheme: 'bearer' } }), options).connectorFiles['test.ctx.example.json'],
    );
    expect(bearer.auth.user).toEqual({ access_token: '' });
  });

  it("reports an existing connector's own auth on --connector, not none (22.7)", () => {
    const plan = planImport(doc(), { ...options, newConnector: false, existingAuth: 'token' });
    expect(importReport(plan, 'acme-crm')[1]).toMatch(/; auth token \(the connector's own, kept\)$/);
  });
  it('writes the basic auth type and its test context (the stand-in credentials the generated tests check) for a basic scheme', () => {
    const plan = planImport(schemes({ u: { type: 'http', scheme: 'basic' } }), options);
    expect(plan.connectorFiles['src/AcmeCrmAuth.ts']).toContain('username: string;');
    expect(JSON.parse(plan.connectorFiles['src/test.ctx.json']).auth.user).toEqual({
      username: 'stand-in-user',
      password: 'stand-in-password',
    });
  });
  it('keeps operations the connector already has, untouched, and reports them', () => {
    const plan = planImport(doc(), { ...options, newConnector: false, existingOperations: new Set(['get_contact']) });
    expect(plan.operations.map((o) => o.name)).toEqual(['list_contacts']);
    expect(plan.kept).toEqual([{ name: 'get_contact', method: 'GET', path: '/contacts/{id}' }]);
    expect(plan.connectorFiles).toEqual({});
    const report = importReport(plan, 'acme-crm');
    expect(report[0]).toBe('acme-crm: 1 operation imported, 1 already present (kept as they are), 1 not importable');
    expect(report).toContain('Already in the connector, not touched:');
    expect(report).toContain('  get_contact (GET /contacts/{id})');
    expect(report).toContain('Not imported:');
    expect(report.find((l) => l.startsWith('  HEAD /contacts (headContacts): '))).toBeDefined();
  });
  it('gives the same plan for the same document', () => {
    expect(planImport(doc(), options)).toEqual(planImport(doc(), options));
  });
});
