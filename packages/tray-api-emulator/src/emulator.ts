import * as http from 'http';
import type { AddressInfo } from 'net';
import { createHash, randomUUID } from 'crypto';
import AdmZip from 'adm-zip';

/**
 * A local stand-in for Tray's CDK deployment API: the three endpoints of
 * "Deploying a CDK connector using APIs" with their shapes, one HTTP server for
 * every region (each under a path prefix: /us, /eu, /apac), a record of every
 * request, the zips it was given, and faults a test can ask for.
 */

export type EmulatorRegion = 'us' | 'eu' | 'apac';
export const EMULATOR_REGIONS: readonly EmulatorRegion[] = ['us', 'eu', 'apac'];
export type RequestKind = 'deploy' | 'status' | 'share' | 'other';
export type DeploymentStatus = 'Deploying' | 'Building' | 'Deployed' | 'Failed';

/** The token each region accepts when none is configured. */
export const DEFAULT_TOKENS: Readonly<Record<EmulatorRegion, string>> = {
  us: 'emulator-token-us',
  eu: 'emulator-token-eu',
  apac: 'emulator-token-apac',
};

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Bearer token accepted per region; default DEFAULT_TOKENS. */
  tokens?: Partial<Record<EmulatorRegion, string>>;
  /** How long a deployment stays `Deploying` before it ends `Deployed` (or `Failed`); default 200 ms. */
  deployDelayMs?: number;
  /** When set, a deployment reports `Building` from this many ms after it started until it ends (Tray's own scripts see this status). */
  buildingAfterMs?: number;
  /** Largest request body accepted, in bytes; default 64 MiB (413 above). */
  maxBodyBytes?: number;
}

/** Which requests a fault applies to; omitted fields match anything. */
export interface FaultFilter {
  region?: EmulatorRegion;
  kind?: RequestKind;
}

export interface PayloadSummary {
  bytes: number;
  /** deploy: size of the decoded zip, its sha256 and entry names. */
  zipBytes?: number;
  zipSha256?: string;
  zipEntries?: string[];
  /** share: the addresses asked for. */
  emails?: string[];
  /** Why the payload was refused, when it was. */
  problem?: string;
}

export interface RecordedRequest {
  seq: number;
  time: string;
  method: string;
  /** The full path, region prefix included. */
  path: string;
  region: EmulatorRegion;
  kind: RequestKind;
  connectorName?: string;
  connectorVersion?: string;
  deploymentId?: string;
  /** HTTP status answered; 0 when the connection was dropped on purpose. */
  status: number;
  /** Request headers; the Authorization value is masked. */
  headers: Record<string, string>;
  payload?: PayloadSummary;
  /** The injected fault that answered this request, if any. */
  fault?: string;
  /** The deploy answer carried repeatDeployment: true. */
  repeatDeployment?: boolean;
}

export interface EmulatorDeployment {
  id: string;
  region: EmulatorRegion;
  name: string;
  version: string;
  status: DeploymentStatus;
  /** The decoded zip exactly as it was deployed. */
  zip: Buffer;
  zipSha256: string;
  createdAt: string;
  finishedAt?: string;
}

export interface EmulatorShare {
  region: EmulatorRegion;
  name: string;
  version: string;
  emails: string[];
  time: string;
}

export interface Emulator {
  /** http://127.0.0.1:PORT (a request without region prefix counts as us). */
  url: string;
  port: number;
  /** The base URL of a region: `${url}/${region}`. */
  urlFor(region: EmulatorRegion): string;
  tokens: Readonly<Record<EmulatorRegion, string>>;
  /**
   * The environment that points tray-connector at this emulator, as a user points it at Tray:
   * `TRAY_API_URL_<REGION>` and `TRAY_API_TOKEN_<REGION>` for each region asked (default all).
   */
  env(regions?: readonly EmulatorRegion[]): Record<string, string>;
  requests: RecordedRequest[];
  deployments: EmulatorDeployment[];
  shares: EmulatorShare[];
  /** The next `count` matching requests are answered with `status` (and `body`, default `{"message":...}`). */
  failNext(count: number, status: number, filter?: FaultFilter & { body?: unknown }): void;
  /** The next `count` matching requests get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number, filter?: FaultFilter): void;
  /** The next `count` matching requests have their connection destroyed without an answer. */
  dropNext(count: number, filter?: FaultFilter): void;
  /** The next `count` matching requests are answered after `delayMs`. */
  slowNext(count: number, delayMs: number, filter?: FaultFilter): void;
  /** The next `count` deployments accepted (matching region/name) end `Failed` instead of `Deployed`. */
  failDeployments(count: number, filter?: { region?: EmulatorRegion; name?: string }): void;
  setDeployDelayMs(ms: number): void;
  /** Forget requests, deployments, shares and pending faults. */
  reset(): void;
  /** The record as plain JSON (zips summarised, not embedded). */
  snapshot(): EmulatorSnapshot;
  close(): Promise<void>;
}

export interface EmulatorSnapshot {
  url: string;
  regions: Record<EmulatorRegion, string>;
  requests: RecordedRequest[];
  deployments: Array<Omit<EmulatorDeployment, 'zip'> & { zipBytes: number; zipEntries: string[] }>;
  shares: EmulatorShare[];
}

type Fault =
  | { type: 'status'; remaining: number; status: number; body?: unknown; filter: FaultFilter }
  | { type: 'rate-limit'; remaining: number; retryAfterSeconds: number; filter: FaultFilter }
  | { type: 'drop'; remaining: number; filter: FaultFilter }
  | { type: 'slow'; remaining: number; delayMs: number; filter: FaultFilter };

const API = '/cdk/v1';
const DEPLOY_RE = /^\/cdk\/v1\/deployments\/connectors\/([^/]+)\/versions\/([^/]+)\/deploy-connector-from-source$/;
const STATUS_RE = /^\/cdk\/v1\/deployments\/connectors\/([^/]+)\/versions\/([^/]+)\/([^/]+)$/;
const SHARE_RE = /^\/cdk\/v1\/permissions\/connectors\/([^/]+)\/versions\/([^/]+)\/share-with-emails$/;
const EMAIL_RE = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tokens: Record<EmulatorRegion, string> = { ...DEFAULT_TOKENS, ...stripUndefined(options.tokens ?? {}) };
  let deployDelayMs = options.deployDelayMs ?? 200;
  const buildingAfterMs = options.buildingAfterMs;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const requests: RecordedRequest[] = [];
  const deployments: EmulatorDeployment[] = [];
  const shares: EmulatorShare[] = [];
  let faults: Fault[] = [];
  let deploymentFaults: Array<{ remaining: number; region?: EmulatorRegion; name?: string }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const { region, apiPath } = splitRegion((req.url ?? '/').split('?')[0]);
    const kind = classify(req.method ?? 'GET', apiPath);
    const match = matchConnector(kind, apiPath);
    const record: RecordedRequest = {
      seq: ++seq,
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      region,
      kind,
      connectorName: match?.name,
      connectorVersion: match?.version,
      deploymentId: kind === 'status' ? match?.id : undefined,
      status: 0,
      headers: maskHeaders(req.headers),
    };

    if (apiPath.startsWith('/__emulator/')) {
      return handleControl(req, res, apiPath);
    }
    requests.push(record);

    const fault = takeFault(record);
    if (fault?.type === 'drop') {
      record.fault = 'drop';
      req.socket.destroy();
      return;
    }

    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const send = () => {
        record.status = status;
        if (res.destroyed) return;
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
        res.end(text);
      };
      if (fault?.type === 'slow') {
        record.fault = `slow ${fault.delayMs}ms`;
        later(fault.delayMs, send);
      } else send();
    };

    readBody(req, maxBodyBytes)
      .then((body) => {
        if (body === null) {
          record.payload = { bytes: -1, problem: `body larger than ${maxBodyBytes} bytes` };
          return answer(413, { message: `Request body larger than ${maxBodyBytes} bytes` });
        }
        if (body.length) record.payload = { bytes: body.length };
        if (fault?.type === 'status') {
          record.fault = `status ${fault.status}`;
          return answer(fault.status, fault.body ?? { message: `Injected failure (${fault.status})` });
        }
        if (fault?.type === 'rate-limit') {
          record.fault = `429 retry-after ${fault.retryAfterSeconds}`;
          return answer(429, { message: 'Limit exceeded' }, { 'Retry-After': String(fault.retryAfterSeconds) });
        }
        if (kind === 'other' || !match) return answer(404, { message: `No such endpoint: ${req.method} ${apiPath}` });

        const auth = req.headers.authorization ?? '';
        if (auth !== `Bearer ${tokens[region]}`) {
          return answer(401, { message: auth ? 'Unauthorized: the token is not valid for this region' : 'Unauthorized: missing bearer token' });
        }
        if (kind === 'status') return handleStatus(match, region, record, answer);

        const contentType = String(req.headers['content-type'] ?? '');
        if (!/^application\/json\b/i.test(contentType)) {
          return answer(400, { message: `Content-Type must be application/json, got ${JSON.stringify(contentType)}` });
        }
        let json: any;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          record.payload = { bytes: body.length, problem: 'not JSON' };
          return answer(400, { message: 'Request body is not valid JSON' });
        }
        if (kind === 'deploy') return handleDeploy(match, region, json, record, answer);
        return handleShare(match, region, json, record, answer);
      })
      .catch(() => {
        if (!res.headersSent) answer(400, { message: 'Could not read the request body' });
      });
  });

  type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

  function handleDeploy(match: ConnectorMatch, region: EmulatorRegion, json: any, record: RecordedRequest, answer: Answer) {
    const { name, version } = match;
    const summary: PayloadSummary = { bytes: record.payload?.bytes ?? 0 };
    record.payload = summary;
    if (!json || typeof json.connectorSourceCode !== 'string' || json.connectorSourceCode.length === 0) {
      summary.problem = 'connectorSourceCode missing';
      return answer(400, { message: 'connectorSourceCode is required: the base64 of the connector zip' });
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(json.connectorSourceCode)) {
      summary.problem = 'connectorSourceCode is not base64';
      return answer(400, { message: 'connectorSourceCode is not valid base64' });
    }
    const zip = Buffer.from(json.connectorSourceCode, 'base64');
    summary.zipBytes = zip.length;
    summary.zipSha256 = sha256(zip);
    const problem = checkZip(zip, name, version, summary);
    if (problem) {
      summary.problem = problem;
      return answer(400, { message: problem });
    }
    const running = deployments.find((d) => d.region === region && d.name === name && d.version === version && (d.status === 'Deploying' || d.status === 'Building'));
    if (running) {
      record.repeatDeployment = true;
      record.deploymentId = running.id;
      return answer(200, { id: running.id, connectorName: name, connectorVersion: version, deploymentStatus: 'Deploying', repeatDeployment: true });
    }
    const deployment: EmulatorDeployment = {
      id: randomUUID(),
      region,
      name,
      version,
      status: 'Deploying',
      zip,
      zipSha256: summary.zipSha256,
      createdAt: new Date().toISOString(),
    };
    deployments.push(deployment);
    record.deploymentId = deployment.id;
    const failing = deploymentFaults.find((f) => f.remaining > 0 && (!f.region || f.region === region) && (!f.name || f.name === name));
    if (failing) failing.remaining--;
    if (buildingAfterMs !== undefined && buildingAfterMs < deployDelayMs) {
      later(buildingAfterMs, () => {
        if (deployment.status === 'Deploying') deployment.status = 'Building';
      });
    }
    later(deployDelayMs, () => {
      deployment.status = failing ? 'Failed' : 'Deployed';
      deployment.finishedAt = new Date().toISOString();
    });
    answer(200, { id: deployment.id, connectorName: name, connectorVersion: version, deploymentStatus: 'Deploying' });
  }

  function handleStatus(match: ConnectorMatch, region: EmulatorRegion, record: RecordedRequest, answer: Answer) {
    const { name, version, id } = match;
    const candidates = deployments.filter((d) => d.region === region && d.name === name && d.version === version);
    const deployment = id === 'latest' ? candidates[candidates.length - 1] : candidates.find((d) => d.id === id);
    if (!deployment) {
      return answer(404, { message: `No deployment ${id} of connector ${name} version ${version}` });
    }
    record.deploymentId = deployment.id;
    answer(200, { id: deployment.id, connectorName: name, connectorVersion: version, deploymentStatus: deployment.status });
  }

  function handleShare(match: ConnectorMatch, region: EmulatorRegion, json: any, record: RecordedRequest, answer: Answer) {
    const { name, version } = match;
    const emails = json?.emails;
    record.payload = { bytes: record.payload?.bytes ?? 0, emails: Array.isArray(emails) ? emails.map(String) : undefined };
    if (!Array.isArray(emails) || emails.length === 0 || emails.some((e) => typeof e !== 'string' || !EMAIL_RE.test(e))) {
      record.payload.problem = 'emails invalid';
      return answer(400, { message: 'emails must be a non-empty array of e-mail addresses' });
    }
    const deployed = deployments.some((d) => d.region === region && d.name === name && d.version === version && d.status === 'Deployed');
    if (!deployed) {
      return answer(404, { message: `Connector ${name} version ${version} not found` });
    }
    shares.push({ region, name, version, emails: [...emails], time: new Date().toISOString() });
    answer(200, { message: `${emails.length} permission${emails.length === 1 ? '' : 's'} added` });
  }

  function handleControl(req: http.IncomingMessage, res: http.ServerResponse, apiPath: string) {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    req.resume();
    if (req.method === 'GET' && apiPath === '/__emulator/requests') return send(200, emulator.snapshot());
    if (req.method === 'POST' && apiPath === '/__emulator/reset') {
      emulator.reset();
      return send(200, { message: 'reset' });
    }
    send(404, { message: 'Control endpoints: GET /__emulator/requests, POST /__emulator/reset' });
  }

  function takeFault(record: RecordedRequest): Fault | undefined {
    const fault = faults.find(
      (f) => f.remaining > 0 && (!f.filter.region || f.filter.region === record.region) && (!f.filter.kind || f.filter.kind === record.kind),
    );
    if (!fault) return undefined;
    fault.remaining--;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;

  const emulator: Emulator = {
    url,
    port: address.port,
    urlFor: (region) => `${url}/${region}`,
    tokens,
    env: (regions = EMULATOR_REGIONS) =>
      Object.fromEntries(
        regions.flatMap((r) => [
          [`TRAY_API_URL_${r.toUpperCase()}`, `${url}/${r}`],
          [`TRAY_API_TOKEN_${r.toUpperCase()}`, tokens[r]],
        ]),
      ),
    requests,
    deployments,
    shares,
    failNext: (count, status, filter = {}) => {
      const { body, ...rest } = filter;
      faults.push({ type: 'status', remaining: count, status, body, filter: rest });
    },
    rateLimitNext: (count, retryAfterSeconds, filter = {}) =>
      faults.push({ type: 'rate-limit', remaining: count, retryAfterSeconds, filter }),
    dropNext: (count, filter = {}) => faults.push({ type: 'drop', remaining: count, filter }),
    slowNext: (count, delayMs, filter = {}) => faults.push({ type: 'slow', remaining: count, delayMs, filter }),
    failDeployments: (count, filter = {}) => deploymentFaults.push({ remaining: count, ...filter }),
    setDeployDelayMs: (ms) => {
      deployDelayMs = ms;
    },
    reset: () => {
      requests.length = 0;
      deployments.length = 0;
      shares.length = 0;
      faults = [];
      deploymentFaults = [];
    },
    snapshot: () => ({
      url,
      regions: { us: `${url}/us`, eu: `${url}/eu`, apac: `${url}/apac` },
      requests: requests.map((r) => ({ ...r })),
      deployments: deployments.map(({ zip, ...d }) => ({ ...d, zipBytes: zip.length, zipEntries: zipEntries(zip) })),
      shares: shares.map((s) => ({ ...s })),
    }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}

interface ConnectorMatch {
  name: string;
  version: string;
  id?: string;
}

function splitRegion(path: string): { region: EmulatorRegion; apiPath: string } {
  const m = /^\/(us|eu|apac)(\/.*)?$/.exec(path);
  if (m) return { region: m[1] as EmulatorRegion, apiPath: m[2] ?? '/' };
  return { region: 'us', apiPath: path };
}

function classify(method: string, apiPath: string): RequestKind {
  if (!apiPath.startsWith(API)) return 'other';
  if (method === 'POST' && DEPLOY_RE.test(apiPath)) return 'deploy';
  if (method === 'POST' && SHARE_RE.test(apiPath)) return 'share';
  if (method === 'GET' && STATUS_RE.test(apiPath)) return 'status';
  return 'other';
}

function matchConnector(kind: RequestKind, apiPath: string): ConnectorMatch | undefined {
  const re = kind === 'deploy' ? DEPLOY_RE : kind === 'share' ? SHARE_RE : kind === 'status' ? STATUS_RE : undefined;
  const m = re?.exec(apiPath);
  if (!m) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { name: dec(m[1]), version: dec(m[2]), id: m[3] ? dec(m[3]) : undefined };
}

/** Problems of a deployed zip, as Tray's preliminary validation reports them; undefined when fine. */
function checkZip(zip: Buffer, name: string, version: string, summary: PayloadSummary): string | undefined {
  let archive: AdmZip;
  let entries: string[];
  try {
    archive = new AdmZip(zip);
    entries = archive.getEntries().map((e) => e.entryName);
  } catch {
    return 'connectorSourceCode is not a zip archive';
  }
  summary.zipEntries = entries;
  const tops = new Set(entries.map((e) => e.split('/')[0]));
  if (entries.length === 0) return 'The connector zip is empty';
  if (tops.size !== 1 || entries.every((e) => !e.includes('/'))) {
    return `The connector zip must hold a single top folder named after the connector; found ${[...tops].slice(0, 5).join(', ')}`;
  }
  const top = [...tops][0];
  const manifest = archive.getEntry(`${top}/connector.json`);
  if (!manifest) return `The connector zip has no ${top}/connector.json`;
  let config: any;
  try {
    config = JSON.parse(manifest.getData().toString('utf8'));
  } catch {
    return `${top}/connector.json in the zip is not valid JSON`;
  }
  if (config?.name !== name || config?.version !== version) {
    return `connector.json in the zip is ${config?.name}@${config?.version} but the URL says ${name}@${version}`;
  }
  return undefined;
}

function zipEntries(zip: Buffer): string[] {
  try {
    return new AdmZip(zip).getEntries().map((e) => e.entryName);
  } catch {
    return [];
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function maskHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[key] = key === 'authorization' ? maskAuthorization(text) : text;
  }
  return out;
}

/** `Bearer abcdef` -> `Bearer ***`: nothing of a token is kept in the record. */
export function maskAuthorization(value: string): string {
  const m = /^(\w+)\s+(.+)$/.exec(value);
  return m ? `${m[1]} ***` : '***';
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
