import { code, type Code, docComment, id, join, str } from '../connector/ts-writer';
import { TrayConnectorError } from '../errors';
import { serverWords } from './files/api-error';
import { encode } from './files/http-parameters';
import { HEADER_NAME_RULE, isHeaderName } from './header-name';
import type { OpenApiDocument } from './load-spec';
import type { HandlerAuth } from './render-test-parts';

/** The `--auth` kinds of the `new` generator. */
export type ConnectorAuthKind = 'none' | 'token' | 'oauth2';

/** Tray's auth types (`authType` of a connector's auth, @trayio/cdk-dsl's `*OperationHandlerAuth`) the import writes. */
export type TrayAuthType = 'TOKEN' | 'OAUTH2' | 'OAUTH2_CLIENT_CREDENTIALS' | 'OAUTH2_PASSWORD';

/** How the connector authenticates, from the document's securitySchemes. */
export interface ImportedAuth {
  /** The `--auth` kind the connector is scaffolded with. */
  kind: ConnectorAuthKind;
  /** How the credential is sent. */
  via: 'none' | 'bearer' | 'header' | 'query' | 'cookie' | 'basic';
  /** The securitySchemes entry used, if any. */
  scheme?: string;
  /** Header, query or cookie name for an API key. */
  parameter?: string;
  /** Tray's auth type (TOKEN for API keys, bearer and basic; OAUTH2... for OAuth 2 flows). */
  trayType?: TrayAuthType;
  /** OAuth 2: the flow used (authorizationCode, clientCredentials, password; openIdConnect: authorizationCode). */
  flow?: string;
  notes: string[];
  /** The connector's own auth, kept as it is (--connector). */
  kept?: boolean;
}

/** `name (how)` for every security scheme of the document, in document order: what `--auth` can name. */
export function securitySchemeList(doc: OpenApiDocument): string[] {
  const schemes: Record<string, any> = schemesOf(doc);
  return Object.keys(schemes).map((name) => `${name} (${schemeText(schemes[name])})`);
}

function schemesOf(doc: OpenApiDocument): Record<string, any> {
  const schemes = doc.components?.securitySchemes;
  return schemes && typeof schemes === 'object' ? schemes : {};
}

function schemeText(s: any): string {
  if (!s || typeof s !== 'object') return 'not a scheme';
  if (s.type === 'apiKey') return `API key in ${s.in} ${JSON.stringify(s.name)}`;
  if (s.type === 'http') return `HTTP ${s.scheme}`;
  if (s.type === 'oauth2') return `OAuth 2: ${Object.keys(s.flows ?? {}).join(', ') || 'no flows'}`;
  return String(s.type);
}

/**
 * The scheme `--auth` names (else the first global `security` requirement, else the first of
 * `securitySchemes`) mapped to Tray's auth types: bearer and API keys (header, query, cookie) -> TOKEN,
 * basic -> TOKEN with username and password, oauth2 -> OAUTH2 (authorization code) or
 * OAUTH2_CLIENT_CREDENTIALS / OAUTH2_PASSWORD, openIdConnect -> OAUTH2. `--auth none`: no auth.
 */
export function chooseAuth(doc: OpenApiDocument, wanted?: string): ImportedAuth {
  const schemes = schemesOf(doc);
  const names = Object.keys(schemes);
  const chosen = wanted?.trim();
  if (chosen === 'none') return { kind: 'none', via: 'none', notes: [] };
  if (chosen) {
    if (!Object.prototype.hasOwnProperty.call(schemes, chosen)) {
      const list = securitySchemeList(doc);
      throw new TrayConnectorError(
        `--auth ${JSON.stringify(chosen)} is not a security scheme of the document: ${list.length ? `choose one of ${list.join('; ')}, or none` : 'it declares none (components.securitySchemes); leave --auth out or give none'}`,
      );
    }
    const auth = mapScheme(chosen, schemes[chosen]);
    if (typeof auth === 'string')
      throw new TrayConnectorError(
        `--auth ${JSON.stringify(chosen)}: ${auth}; choose another of ${securitySchemeList(doc).join('; ')}, or none`,
      );
    return withOthers(auth, names);
  }
  if (!names.length) return { kind: 'none', via: 'none', notes: [] };
  const required = (Array.isArray(doc.security) ? doc.security : []).flatMap((req: Record<string, unknown>) =>
    req && typeof req === 'object' ? Object.keys(req) : [],
  );
  const order = [...new Set([...required.filter((n: string) => Object.prototype.hasOwnProperty.call(schemes, n)), ...names])];
  const notes: string[] = [];
  for (const name of order) {
    const auth = mapScheme(name, schemes[name]);
    if (typeof auth !== 'string') return withOthers({ ...auth, notes: [...notes, ...auth.notes] }, names);
    notes.push(auth);
  }
  return { kind: 'none', via: 'none', notes };
}

function withOthers(auth: ImportedAuth, names: string[]): ImportedAuth {
  const others = names.filter((n) => n !== auth.scheme);
  const rest = others.length
    ? [`other security schemes of the document (a Tray connector has one auth; choose with --auth): ${others.join(', ')}`]
    : [];
  return { ...auth, notes: [...auth.notes, ...rest] };
}

/** One scheme as Tray's auth, or why it cannot be one. */
function mapScheme(name: string, s: any): ImportedAuth | string {
  const cannot = `security scheme ${name} (${s?.type}${s?.scheme ? ` ${s.scheme}` : ''}) cannot be expressed by a Tray connector's auth`;
  if (!s || typeof s !== 'object') return cannot;
  if (s.type === 'http' && /^bearer$/i.test(s.scheme ?? ''))
    return { kind: 'token', via: 'bearer', scheme: name, trayType: 'TOKEN', notes: [] };
  if (s.type === 'http' && /^basic$/i.test(s.scheme ?? ''))
    return { kind: 'token', via: 'basic', scheme: name, trayType: 'TOKEN', notes: [] };
  if (s.type === 'apiKey' && s.in === 'header' && typeof s.name === 'string' && !isHeaderName(s.name))
    return `security scheme ${name}: ${JSON.stringify(s.name)} is not a valid HTTP header name (${HEADER_NAME_RULE}), so no request could carry it`;
  if (s.type === 'apiKey' && ['header', 'query', 'cookie'].includes(s.in) && typeof s.name === 'string' && s.name)
    return { kind: 'token', via: s.in, scheme: name, parameter: s.name, trayType: 'TOKEN', notes: [] };
  if (s.type === 'openIdConnect') {
    const url = serverWords(s.openIdConnectUrl);
    return {
      kind: 'oauth2',
      via: 'bearer',
      scheme: name,
      trayType: 'OAUTH2',
      flow: 'authorizationCode',
      notes: [`OpenID Connect (${url ?? 'no discovery URL'}): set up Tray's OAuth 2 app from its discovery document`],
    };
  }
  if (s.type === 'oauth2') return oauth2(name, s.flows && typeof s.flows === 'object' ? s.flows : {});
  return cannot;
}

const FLOWS: Array<[string, TrayAuthType]> = [
  ['authorizationCode', 'OAUTH2'],
  ['clientCredentials', 'OAUTH2_CLIENT_CREDENTIALS'],
  ['password', 'OAUTH2_PASSWORD'],
  ['implicit', 'OAUTH2'],
];

function oauth2(name: string, flows: Record<string, any>): ImportedAuth {
  const found = FLOWS.find(([flow]) => flows[flow] && typeof flows[flow] === 'object') ?? FLOWS[0];
  const [flow, trayType] = found;
  const f = flows[flow] ?? {};
  const scopes =
    f.scopes && typeof f.scopes === 'object'
      ? Object.keys(f.scopes)
          .map((x) => serverWords(x))
          .filter(Boolean)
      : [];
  const where = [
    f.authorizationUrl !== undefined ? `authorization URL ${serverWords(f.authorizationUrl)}` : '',
    f.tokenUrl !== undefined ? `token URL ${serverWords(f.tokenUrl)}` : '',
    scopes.length ? `scopes ${scopes.join(' ')}` : '',
  ].filter(Boolean);
  const notes = [
    `OAuth 2 ${flow} (Tray auth type ${trayType})${where.length ? `: ${where.join(', ')}` : ''}; set these in the service's OAuth app at Tray`,
  ];
  const others = Object.keys(flows).filter((x) => x !== flow);
  if (others.length) notes.push(`other OAuth 2 flows of ${name} not used: ${others.join(', ')}`);
  if (flow === 'implicit') notes.push("Tray runs no implicit flow: the connector uses Tray's OAuth 2 authorization code type");
  return { kind: 'oauth2', via: 'bearer', scheme: name, trayType, flow, notes };
}

/** What the handlers and their tests need to know of the auth (a new connector's; an existing one's is not checked). */
export function handlerAuthOf(auth: ImportedAuth, newConnector: boolean): HandlerAuth {
  if (!newConnector || auth.via === 'none') return {};
  return { ...(auth.via === 'query' ? { apiKeyQuery: auth.parameter } : {}), sent: { via: auth.via, name: auth.parameter } };
}

/** The test context's credentials of `auth`: empty (test.ctx.example.json), or the stand-in's for the offline tests (test.ctx.json). */
export function testContext(auth: ImportedAuth, standIn: boolean): string {
  if (auth.kind === 'none') return '{}\n';
  const user =
    auth.via === 'basic'
      ? { username: standIn ? 'stand-in-user' : '', password: standIn ? 'stand-in-password' : '' }
      : { access_token: standIn ? 'stand-in-token' : '' };
  const authType = auth.trayType ?? (auth.kind === 'oauth2' ? 'OAUTH2' : 'TOKEN');
  return `${JSON.stringify({ auth: { authType, authId: 'local-test', user, app: {} } }, null, '\t')}\n`;
}

/**
 * test.ctx.example.json (beside connector.json, outside src/ so never zipped): the shape of test.ctx.json (git-ignored) with empty credentials, committed so
 * a fresh clone's tests have a context to start from.
 */
export function testContextExample(auth: ImportedAuth): string {
  return testContext(auth, false);
}

/** src/GlobalConfig.ts: base URL (overridable by BASE_URL_ENV for the offline tests) and the credential on every request. */
export function renderGlobalConfig(authType: string, baseUrl: string, baseUrlEnv: string, auth: ImportedAuth): string {
  const chain: Code[] = [code`.withBaseUrl(() => process.env[BASE_URL_ENV] ?? API_BASE_URL)`];
  const token = code`ctx.auth?.user.access_token ?? ''`;
  if (auth.via === 'bearer') chain.push(code`.withBearerToken((ctx) => ${token})`);
  if (auth.via === 'header') chain.push(code`.addHeader((ctx) => ({ name: ${str(auth.parameter!)}, value: ${token} }))`);
  if (auth.via === 'cookie') {
    chain.push(
      code`.addHeader((ctx) => ({ name: 'Cookie', value: ${str(`${encode(auth.parameter!)}=`)} + encodeURIComponent(${token}) }))`,
    );
  }
  if (auth.via === 'basic') {
    chain.push(
      code`.addHeader((ctx) => ({\n\t\tname: 'Authorization',\n\t\tvalue: 'Basic ' + Buffer.from((ctx.auth?.user.username ?? '') + ':' + (ctx.auth?.user.password ?? '')).toString('base64'),\n\t}))`,
    );
  }
  const how =
    auth.via === 'none'
      ? []
      : auth.via === 'query'
        ? ['', `Authentication (${auth.scheme}): every handler adds the user's access_token as the query parameter ${auth.parameter}.`]
        : [
            '',
            `Authentication (${auth.scheme}): ${auth.via === 'bearer' ? "the user's access_token as a bearer token" : auth.via === 'basic' ? "HTTP basic with the user's username and password" : `the user's access_token in the ${auth.via} ${auth.parameter}`}.`,
          ];
  const type = id(authType);
  return code`import { OperationGlobalConfigHttp } from '@trayio/cdk-dsl/connector/operation/OperationGlobalConfig';
import { ${type} } from ${str(`./${authType}`)};

/** The base URL of the service's API (from the OpenAPI document's servers). */
export const API_BASE_URL = ${str(baseUrl)};

/**
 * An environment variable that, when set, replaces API_BASE_URL. The handler tests set it to
 * a local server on 127.0.0.1 so they run offline; leave it unset everywhere else.
 */
export const BASE_URL_ENV = ${str(baseUrlEnv)};

${docComment(['Settings every HTTP operation shares (`handler.withGlobalConfiguration(globalConfigHttp)`).', ...how])}export const globalConfigHttp = OperationGlobalConfigHttp.create<${type}>()
${join(
  chain.map((c) => code`\t${c}`),
  '\n',
)};
`.text;
}

/** src/<Name>Auth.ts when `new`'s own does not fit: HTTP basic, OAuth 2 client credentials or password. undefined: `new`'s is right. */
export function renderAuthType(authType: string, title: string, auth: ImportedAuth): string | undefined {
  const type = id(authType);
  const user = id(`${authType}User`);
  const app = id(`${authType}App`);
  if (auth.via === 'basic') {
    return code`import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

${docComment([`What a user enters when they authenticate with ${title}: HTTP basic credentials.`])}export type ${user} = {
\tusername: string;
\tpassword: string;
};

/** What the service holds for every user: nothing for basic authentication. */
export type ${app} = Record<string, never>;

export type ${type} = TokenOperationHandlerAuth<${user}, ${app}>;
`.text;
  }
  const dsl =
    auth.trayType === 'OAUTH2_CLIENT_CREDENTIALS'
      ? 'Oauth2ClientCredentialsOperationHandlerAuth'
      : auth.trayType === 'OAUTH2_PASSWORD'
        ? 'Oauth2PasswordOperationHandlerAuth'
        : undefined;
  if (!dsl) return undefined;
  const flow = auth.trayType === 'OAUTH2_CLIENT_CREDENTIALS' ? 'client credentials' : 'password';
  return code`import { ${id(dsl)} } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

${docComment([`What Tray holds for a user after the OAuth 2 ${flow} flow with ${title}.`])}export type ${user} = {
\taccess_token: string;
};

/** The OAuth 2 app's settings (client ID, token URL, scopes...) that Tray holds for the service. */
export type ${app} = Record<string, unknown>;

export type ${type} = ${id(dsl)}<${user}, ${app}>;
`.text;
}
