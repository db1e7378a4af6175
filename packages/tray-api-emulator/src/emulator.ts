import * as http from 'http';
import type { AddressInfo } from 'net';
import {
  dropFault,
  FaultQueue,
  hangFault,
  matchesRequest,
  rateLimitFault,
  redirectFault,
  slowFault,
  statusFault,
  trickleFault,
  writeReply,
  type DeploymentMatch,
  type DeploymentOutcome,
  type PartialShare,
  type RequestFault,
} from './faults';
import { measureRates, RateGate, type EmulatorRates, type RateLimitOptions } from './rate';
import { classify, matchConnector, route, splitRegion, type ConnectorMatch, type OutcomeFaults } from './routes';
import { createState, type EmulatorState } from './state';
import {
  DEFAULT_TOKENS,
  EMULATOR_REGIONS,
  type EmulatorDeployment,
  type EmulatorRegion,
  type EmulatorShare,
  type EmulatorSnapshot,
  type FailureReason,
  type FaultFilter,
  type RecordedRequest,
  type Reply,
} from './types';

export * from './types';
export type { EmulatorRates, RateLimitOptions, RequestRate } from './rate';
export type { PartialShare } from './faults';

/**
 * A local stand-in for Tray's CDK deployment API: the three endpoints of
 * "Deploying a CDK connector using APIs" with their shapes, one HTTP server for
 * every region (each under a path prefix: /us, /eu, /apac), a record of every
 * request, the zips it was given, and faults a test can ask for.
 *
 * The parts: state.ts (what it remembers), routes.ts (the endpoints), faults.ts (what a test
 * can make go wrong); this file wires them to an HTTP server and is the public API.
 */

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
  /** Enforce Tray's rate limit: past `perSecond` requests in any second (per region), 429 with Retry-After. Default none. */
  rateLimit?: RateLimitOptions;
  /**
   * The clock requests are stamped with (rate-limit windows, `rates()`, `time`); default Date.now. A test injects
   * its own to step through seconds without waiting on the wall clock.
   */
  now?: () => number;
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
  /** The next `count` matching requests get 429 with `Retry-After: retryAfter` (seconds, or an HTTP date). */
  rateLimitNext(count: number, retryAfter: number | string, filter?: FaultFilter): void;
  /** The next `count` matching requests have their connection destroyed without an answer. */
  dropNext(count: number, filter?: FaultFilter): void;
  /** The next `count` matching requests are answered after `delayMs`. */
  slowNext(count: number, delayMs: number, filter?: FaultFilter): void;
  /** The next `count` matching requests are read and never answered (the connection stays open). */
  hangNext(count: number, filter?: FaultFilter): void;
  /** The next `count` matching requests get their headers at once and their body `bytes` (default 1) every `intervalMs`. */
  trickleNext(count: number, intervalMs: number, filter?: FaultFilter & { bytes?: number }): void;
  /** The next `count` matching requests are answered with a redirect (default 302) to `location`, e.g. another origin. */
  redirectNext(count: number, location: string, filter?: FaultFilter & { status?: number }): void;
  /**
   * The next `count` deployments accepted (matching region/name) end `status` (default `Failed`) instead of
   * `Deployed`, with `reason` (message/error/details) in their status body, and `id` (any text: a hostile server's) as their id.
   */
  failDeployments(
    count: number,
    filter?: { region?: EmulatorRegion; name?: string; status?: string; reason?: FailureReason; id?: string },
  ): void;
  /** The next `count` shares (in `region`) add permissions for some addresses only (see PartialShare). */
  partialShareNext(count: number, options?: PartialShare & { region?: EmulatorRegion }): void;
  setDeployDelayMs(ms: number): void;
  /** Enforce `perSecond` requests per region from now on (undefined: no limit). */
  setRateLimit(limit: RateLimitOptions | undefined): void;
  /** Requests per second seen (the most in any 1-second window) and total, per region and overall; 429s of the limit. */
  rates(): EmulatorRates;
  /** Forget requests, deployments, shares and pending faults. */
  reset(): void;
  /** The record as plain JSON (zips summarised, not embedded). */
  snapshot(): EmulatorSnapshot;
  close(): Promise<void>;
}

/** The faults a test asked for, waiting for the requests (and outcomes) they match. */
interface PendingFaults {
  requests: FaultQueue<RequestFault, RecordedRequest>;
  outcomes: OutcomeFaults;
  /** Tray's rate limit, when enforced (replaced by setRateLimit). */
  rateGate?: RateGate;
}

/** What the HTTP handler works on: the state, the pending faults, the body limit. */
interface Wiring {
  state: EmulatorState;
  faults: PendingFaults;
  maxBodyBytes: number;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tokens: Record<EmulatorRegion, string> = { ...DEFAULT_TOKENS, ...stripUndefined(options.tokens ?? {}) };
  const state = createState({
    tokens,
    deployDelayMs: options.deployDelayMs ?? 200,
    buildingAfterMs: options.buildingAfterMs,
    now: options.now,
  });
  const faults: PendingFaults = {
    requests: new FaultQueue<RequestFault, RecordedRequest>(),
    outcomes: {
      deployments: new FaultQueue<DeploymentOutcome, DeploymentMatch>(),
      shares: new FaultQueue<PartialShare, { region: EmulatorRegion }>(),
    },
    rateGate: options.rateLimit ? new RateGate(options.rateLimit.perSecond) : undefined,
  };
  const wiring: Wiring = { state, faults, maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024 };
  const server = http.createServer((req, res) => {
    const fullPath = (req.url ?? '/').split('?')[0];
    const { region, apiPath } = splitRegion(fullPath);
    if (apiPath.startsWith('/__emulator/')) return control(emulator, req, res, apiPath);
    handleApiRequest(wiring, req, res, { fullPath, region, apiPath });
  });
  const url = await listen(server, options);
  const emulator: Emulator = {
    ...endpointsOf(url, tokens, state),
    ...faultControls(faults, state),
    snapshot: () => state.snapshot(url, regionUrls(url), emulator.rates()),
    close: async () => {
      state.stopTimers();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}

/** Starts listening; resolves to the server's base URL (http://host:port). */
async function listen(server: http.Server, options: EmulatorOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostForUrl}:${address.port}`;
}

function regionUrls(url: string): Record<EmulatorRegion, string> {
  return Object.fromEntries(EMULATOR_REGIONS.map((r) => [r, `${url}/${r}`])) as Record<EmulatorRegion, string>;
}

/** Where the emulator is and what it saw: URLs, tokens, the environment for tray-connector, the record. */
function endpointsOf(
  url: string,
  tokens: Record<EmulatorRegion, string>,
  state: EmulatorState,
): Pick<Emulator, 'url' | 'port' | 'urlFor' | 'tokens' | 'env' | 'requests' | 'deployments' | 'shares'> {
  return {
    url,
    port: Number(new URL(url).port),
    urlFor: (region) => `${url}/${region}`,
    tokens,
    env: (regions = EMULATOR_REGIONS) =>
      Object.fromEntries(
        regions.flatMap((r) => [
          [`TRAY_API_URL_${r.toUpperCase()}`, `${url}/${r}`],
          [`TRAY_API_TOKEN_${r.toUpperCase()}`, tokens[r]],
        ]),
      ),
    requests: state.requests,
    deployments: state.deployments,
    shares: state.shares,
  };
}

/** What a test can make go wrong (faults.ts), the rate limit, and reset. */
function faultControls(
  faults: PendingFaults,
  state: EmulatorState,
): Omit<Emulator, keyof ReturnType<typeof endpointsOf> | 'snapshot' | 'close'> {
  const onRequests = (count: number, filter: FaultFilter, fault: RequestFault) =>
    faults.requests.add(count, matchesRequest({ region: filter.region, kind: filter.kind }), fault);
  return {
    failNext: (count, status, filter = {}) => onRequests(count, filter, statusFault(status, filter.body)),
    rateLimitNext: (count, retryAfter, filter = {}) => onRequests(count, filter, rateLimitFault(retryAfter)),
    dropNext: (count, filter = {}) => onRequests(count, filter, dropFault()),
    slowNext: (count, delayMs, filter = {}) => onRequests(count, filter, slowFault(delayMs)),
    hangNext: (count, filter = {}) => onRequests(count, filter, hangFault()),
    trickleNext: (count, intervalMs, filter = {}) => onRequests(count, filter, trickleFault(intervalMs, filter.bytes)),
    redirectNext: (count, location, filter = {}) => onRequests(count, filter, redirectFault(location, filter.status)),
    failDeployments: (count, filter = {}) =>
      faults.outcomes.deployments.add(
        count,
        (d) => (!filter.region || filter.region === d.region) && (!filter.name || filter.name === d.name),
        { status: filter.status ?? 'Failed', reason: filter.reason, id: filter.id },
      ),
    partialShareNext: (count, { region, ...partial } = {}) =>
      faults.outcomes.shares.add(count, (s) => !region || region === s.region, partial),
    setDeployDelayMs: (ms) => {
      state.deployDelayMs = ms;
    },
    setRateLimit: (limit) => {
      faults.rateGate = limit ? new RateGate(limit.perSecond) : undefined;
    },
    rates: () => measureRates(state.requests, faults.rateGate?.perSecond ?? null),
    reset: () => {
      state.reset();
      faults.rateGate?.reset();
      faults.requests.clear();
      faults.outcomes.deployments.clear();
      faults.outcomes.shares.clear();
    },
  };
}

/** The control endpoints: GET /__emulator/requests (the record), POST /__emulator/reset. */
function control(emulator: Emulator, req: http.IncomingMessage, res: http.ServerResponse, apiPath: string) {
  const send = (status: number, body: unknown) =>
    writeReply(res, { status, headers: { 'Content-Type': 'application/json' }, text: JSON.stringify(body, null, 2) });
  req.resume();
  if (req.method === 'GET' && apiPath === '/__emulator/requests') return send(200, emulator.snapshot());
  if (req.method === 'POST' && apiPath === '/__emulator/reset') {
    emulator.reset();
    return send(200, { message: 'reset' });
  }
  send(404, { message: 'Control endpoints: GET /__emulator/requests, POST /__emulator/reset' });
}

/** Records the request, then lets a fault take it over, or reads its body and answers with the routes (through a fault's delivery, if any). */
function handleApiRequest(
  { state, faults, maxBodyBytes }: Wiring,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  where: { fullPath: string; region: EmulatorRegion; apiPath: string },
): void {
  const { region, apiPath } = where;
  const { record, match } = recordRequest(state, req, where);
  const fault = faults.rateGate?.check(record, record.at) ?? faults.requests.take(record);
  if (fault) record.fault = fault.label;
  if (fault?.arrive) return fault.arrive(req, res);

  const answer = (reply: Reply) => {
    record.status = reply.status;
    const out = {
      status: reply.status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
      text: JSON.stringify(reply.body),
    };
    if (fault?.deliver) fault.deliver(res, out, state.later);
    else writeReply(res, out);
  };

  readBody(req, maxBodyBytes)
    .then((body) => {
      if (body === null) {
        record.payload = { bytes: -1, problem: `body larger than ${maxBodyBytes} bytes` };
        return answer({ status: 413, body: { message: `Request body larger than ${maxBodyBytes} bytes` } });
      }
      if (body.length) record.payload = { bytes: body.length };
      if (fault?.replace) return answer(fault.replace());
      const routeRequest = {
        method: req.method ?? 'GET',
        apiPath,
        region,
        kind: record.kind,
        match,
        authorization: req.headers.authorization ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        body,
        record,
      };
      answer(route(routeRequest, state, faults.outcomes));
    })
    .catch(() => {
      if (!res.headersSent) answer({ status: 400, body: { message: 'Could not read the request body' } });
    });
}

/** The request as the emulator's record keeps it (the token masked). */
function recordRequest(
  state: EmulatorState,
  req: http.IncomingMessage,
  { fullPath, region, apiPath }: { fullPath: string; region: EmulatorRegion; apiPath: string },
): { record: RecordedRequest; match: ConnectorMatch | undefined } {
  const kind = classify(req.method ?? 'GET', apiPath);
  const match = matchConnector(kind, apiPath);
  const arrived = state.now();
  const record: RecordedRequest = {
    seq: state.nextSeq(),
    time: new Date(arrived).toISOString(),
    at: arrived,
    method: req.method ?? 'GET',
    path: fullPath,
    region,
    kind,
    connectorName: match?.name,
    connectorVersion: match?.version,
    deploymentId: kind === 'status' ? match?.id : undefined,
    status: 0,
    headers: maskHeaders(req.headers),
  };
  state.requests.push(record);
  return { record, match };
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

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
