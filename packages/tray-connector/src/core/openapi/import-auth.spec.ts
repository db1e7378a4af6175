import type { OpenApiDocument } from './load-spec';
import { chooseAuth, handlerAuthOf, renderAuthType, securitySchemeList, testContext } from './import-auth';

const doc = (securitySchemes: Record<string, unknown>, security?: unknown[]): OpenApiDocument =>
  ({
    openapi: '3.0.3',
    info: { title: 'T', version: '1' },
    paths: {},
    components: { securitySchemes },
    ...(security ? { security } : {}),
  }) as OpenApiDocument;

const TWO = doc(
  {
    pat: { type: 'apiKey', in: 'header', name: 'X-Token' },
    oauth: {
      type: 'oauth2',
      flows: {
        clientCredentials: { tokenUrl: 'https://x.example.com/token\u001b[31m', scopes: { read: 'r', write: 'w' } },
        authorizationCode: { authorizationUrl: 'https://x.example.com/auth', tokenUrl: 'https://x.example.com/token', scopes: {} },
      },
    },
    cc: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://x.example.com/token', scopes: {} } } },
    pw: { type: 'oauth2', flows: { password: { tokenUrl: 'https://x.example.com/token', scopes: {} } } },
    digest: { type: 'http', scheme: 'digest' },
  },
  [{ pat: [] }],
);

describe('chooseAuth with --auth (issue 29.3)', () => {
  it('offers every scheme of the document: --auth names one, none leaves auth out, default the global requirement', () => {
    expect(chooseAuth(TWO)).toMatchObject({ kind: 'token', via: 'header', scheme: 'pat', parameter: 'X-Token', trayType: 'TOKEN' });
    expect(chooseAuth(TWO, 'oauth')).toMatchObject({
      kind: 'oauth2',
      via: 'bearer',
      scheme: 'oauth',
      trayType: 'OAUTH2',
      flow: 'authorizationCode',
    });
    expect(chooseAuth(TWO, 'cc')).toMatchObject({ kind: 'oauth2', trayType: 'OAUTH2_CLIENT_CREDENTIALS', flow: 'clientCredentials' });
    expect(chooseAuth(TWO, 'pw')).toMatchObject({ kind: 'oauth2', trayType: 'OAUTH2_PASSWORD', flow: 'password' });
    expect(chooseAuth(TWO, 'none')).toEqual({ kind: 'none', via: 'none', notes: [] });
    expect(chooseAuth(TWO, '  ')).toMatchObject({ scheme: 'pat' });
  });

  it('notes the OAuth 2 settings for Tray (control characters of the document removed) and the schemes left out', () => {
    const notes = chooseAuth(TWO, 'oauth').notes;
    expect(notes).toEqual([
      "OAuth 2 authorizationCode (Tray auth type OAUTH2): authorization URL https://x.example.com/auth, token URL https://x.example.com/token; set these in the service's OAuth app at Tray",
      'other OAuth 2 flows of oauth not used: clientCredentials',
      'other security schemes of the document (a Tray connector has one auth; choose with --auth): pat, cc, pw, digest',
    ]);
    const hostile = doc({ o: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://t\u001b[31m', scopes: { a: '' } } } } });
    expect(chooseAuth(hostile, 'o').notes[0]).toBe(
      "OAuth 2 clientCredentials (Tray auth type OAUTH2_CLIENT_CREDENTIALS): token URL https://t [31m, scopes a; set these in the service's OAuth app at Tray",
    );
  });

  it('refuses a scheme the document lacks, listing the ones it has; and one Tray cannot express', () => {
    expect(() => chooseAuth(TWO, 'github')).toThrow(
      '--auth "github" is not a security scheme of the document: choose one of pat (API key in header "X-Token"); oauth (OAuth 2: clientCredentials, authorizationCode); cc (OAuth 2: clientCredentials); pw (OAuth 2: password); digest (HTTP digest), or none',
    );
    expect(() => chooseAuth(TWO, 'constructor')).toThrow('--auth "constructor" is not a security scheme of the document');
    expect(() => chooseAuth(doc({}), 'pat')).toThrow('it declares none (components.securitySchemes); leave --auth out or give none');
    expect(() => chooseAuth(TWO, 'digest')).toThrow(
      '--auth "digest": security scheme digest (http digest) cannot be expressed by a Tray connector\'s auth; choose another of',
    );
    expect(securitySchemeList(TWO)).toHaveLength(5);
  });

  it("writes Tray's auth type for client credentials and password flows, and the test context the generated tests use", () => {
    const cc = chooseAuth(TWO, 'cc');
    expect(renderAuthType('AcmeAuth', 'Acme', cc)).toContain(
      'export type AcmeAuth = Oauth2ClientCredentialsOperationHandlerAuth<AcmeAuthUser, AcmeAuthApp>;',
    );
    expect(renderAuthType('AcmeAuth', 'Acme', chooseAuth(TWO, 'pw'))).toContain(
      'Oauth2PasswordOperationHandlerAuth<AcmeAuthUser, AcmeAuthApp>',
    );
    expect(renderAuthType('AcmeAuth', 'Acme', chooseAuth(TWO, 'oauth'))).toBeUndefined();
    expect(renderAuthType('AcmeAuth', 'Acme', chooseAuth(TWO))).toBeUndefined();
    expect(JSON.parse(testContext(cc, true)).auth).toEqual({
      authType: 'OAUTH2_CLIENT_CREDENTIALS',
      authId: 'local-test',
      user: { access_token: 'stand-in-token' },
      app: {},
    });
    expect(JSON.parse(testContext(cc, false)).auth.user).toEqual({ access_token: '' });
  });

  it('tells the handlers how the credential is sent, for a new connector only', () => {
    expect(handlerAuthOf(chooseAuth(TWO), true)).toEqual({ sent: { via: 'header', name: 'X-Token' } });
    expect(handlerAuthOf(chooseAuth(doc({ k: { type: 'apiKey', in: 'query', name: 'key' } })), true)).toEqual({
      apiKeyQuery: 'key',
      sent: { via: 'query', name: 'key' },
    });
    expect(handlerAuthOf(chooseAuth(TWO), false)).toEqual({});
  });
});
