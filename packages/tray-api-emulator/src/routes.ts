import AdmZip from 'adm-zip';
import { createHash } from 'crypto';
import { partialShareReply, type DeploymentMatch, type DeploymentOutcome, type FaultQueue, type PartialShare } from './faults';
import type { EmulatorState } from './state';
import type { EmulatorRegion, ListedOperation, PayloadSummary, RecordedRequest, Reply, RequestKind } from './types';

/**
 * The three endpoints of "Deploying a CDK connector using APIs", and the Connectivity API's listing
 * of a deployed version's operations, as functions from a request (already recorded, body read) to a
 * Reply, over the emulator's state. No sockets, no timers.
 */

const API = '/cdk/v1';
const DEPLOY_RE = /^\/cdk\/v1\/deployments\/connectors\/([^/]+)\/versions\/([^/]+)\/deploy-connector-from-source$/;
const STATUS_RE = /^\/cdk\/v1\/deployments\/connectors\/([^/]+)\/versions\/([^/]+)\/([^/]+)$/;
const SHARE_RE = /^\/cdk\/v1\/permissions\/connectors\/([^/]+)\/versions\/([^/]+)\/share-with-emails$/;
const OPERATIONS_RE = /^\/core\/v1\/connectors\/([^/]+)\/versions\/([^/]+)\/operations$/;
const CONNECTORS_RE = /^\/core\/v1\/connectors\/?$/;
/** Largest operation.json / input.json / output.json the listing reads from a deployed zip. */
const MAX_LISTED_FILE_BYTES = 8 * 1024 * 1024;
const EMAIL_RE = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export interface ConnectorMatch {
  name: string;
  version: string;
  id?: string;
}

/** The outcome faults routes consult (what Tray decides, not how the transport behaves). */
export interface OutcomeFaults {
  deployments: FaultQueue<DeploymentOutcome, DeploymentMatch>;
  shares: FaultQueue<PartialShare, { region: EmulatorRegion }>;
}

export interface RouteRequest {
  method: string;
  apiPath: string;
  region: EmulatorRegion;
  kind: RequestKind;
  match?: ConnectorMatch;
  authorization: string;
  contentType: string;
  body: Buffer;
  record: RecordedRequest;
}

export function splitRegion(path: string): { region: EmulatorRegion; apiPath: string } {
  const m = /^\/(us|eu|apac)(\/.*)?$/.exec(path);
  if (m) return { region: m[1] as EmulatorRegion, apiPath: m[2] ?? '/' };
  return { region: 'us', apiPath: path };
}

export function classify(method: string, apiPath: string): RequestKind {
  if (method === 'GET' && OPERATIONS_RE.test(apiPath)) return 'operations';
  if (method === 'GET' && CONNECTORS_RE.test(apiPath)) return 'connectors';
  if (!apiPath.startsWith(API)) return 'other';
  if (method === 'POST' && DEPLOY_RE.test(apiPath)) return 'deploy';
  if (method === 'POST' && SHARE_RE.test(apiPath)) return 'share';
  if (method === 'GET' && STATUS_RE.test(apiPath)) return 'status';
  return 'other';
}

export function matchConnector(kind: RequestKind, apiPath: string): ConnectorMatch | undefined {
  const res: Partial<Record<RequestKind, RegExp>> = { deploy: DEPLOY_RE, share: SHARE_RE, status: STATUS_RE, operations: OPERATIONS_RE };
  const re = res[kind];
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

/** Authentication, content type and JSON, then the endpoint. */
export function route(req: RouteRequest, state: EmulatorState, faults: OutcomeFaults): Reply {
  const { kind, match, record } = req;
  if (kind === 'other' || (!match && kind !== 'connectors'))
    return { status: 404, body: { message: `No such endpoint: ${req.method} ${req.apiPath}` } };
  if (req.authorization !== `Bearer ${state.tokens[req.region]}`) {
    return {
      status: 401,
      body: { message: req.authorization ? 'Unauthorized: the token is not valid for this region' : 'Unauthorized: missing bearer token' },
    };
  }
  if (kind === 'connectors' || !match) return connectors(req.region, state);
  if (kind === 'status') return status(match, req.region, record, state);
  if (kind === 'operations') return operations(match, req.region, record, state);
  if (!/^application\/json\b/i.test(req.contentType)) {
    return { status: 400, body: { message: `Content-Type must be application/json, got ${JSON.stringify(req.contentType)}` } };
  }
  let json: any;
  try {
    json = JSON.parse(req.body.toString('utf8'));
  } catch {
    record.payload = { bytes: req.body.length, problem: 'not JSON' };
    return { status: 400, body: { message: 'Request body is not valid JSON' } };
  }
  return kind === 'deploy' ? deploy(match, req.region, json, record, state, faults) : share(match, req.region, json, record, state, faults);
}

function deploy(
  match: ConnectorMatch,
  region: EmulatorRegion,
  json: any,
  record: RecordedRequest,
  state: EmulatorState,
  faults: OutcomeFaults,
): Reply {
  const { name, version } = match;
  const summary: PayloadSummary = { bytes: record.payload?.bytes ?? 0 };
  record.payload = summary;
  if (!json || typeof json.connectorSourceCode !== 'string' || json.connectorSourceCode.length === 0) {
    summary.problem = 'connectorSourceCode missing';
    return { status: 400, body: { message: 'connectorSourceCode is required: the base64 of the connector zip' } };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(json.connectorSourceCode)) {
    summary.problem = 'connectorSourceCode is not base64';
    return { status: 400, body: { message: 'connectorSourceCode is not valid base64' } };
  }
  const zip = Buffer.from(json.connectorSourceCode, 'base64');
  summary.zipBytes = zip.length;
  summary.zipSha256 = createHash('sha256').update(zip).digest('hex');
  const problem = checkZip(zip, name, version, summary);
  if (problem) {
    summary.problem = problem;
    return { status: 400, body: { message: problem } };
  }
  const running = state.running(region, name, version);
  if (running) {
    record.repeatDeployment = true;
    record.deploymentId = running.id;
    return {
      status: 200,
      body: { id: running.id, connectorName: name, connectorVersion: version, deploymentStatus: 'Deploying', repeatDeployment: true },
    };
  }
  const outcome = faults.deployments.take({ region, name });
  const deployment = state.startDeployment(region, name, version, zip, summary.zipSha256, outcome);
  record.deploymentId = deployment.id;
  return { status: 200, body: { id: deployment.id, connectorName: name, connectorVersion: version, deploymentStatus: 'Deploying' } };
}

function status(match: ConnectorMatch, region: EmulatorRegion, record: RecordedRequest, state: EmulatorState): Reply {
  const { name, version, id } = match;
  const deployment = state.find(region, name, version, id ?? 'latest');
  if (!deployment) return { status: 404, body: { message: `No deployment ${id} of connector ${name} version ${version}` } };
  record.deploymentId = deployment.id;
  return {
    status: 200,
    body: {
      id: deployment.id,
      connectorName: name,
      connectorVersion: version,
      deploymentStatus: deployment.status,
      ...(deployment.reason ?? {}),
    },
  };
}

function share(
  match: ConnectorMatch,
  region: EmulatorRegion,
  json: any,
  record: RecordedRequest,
  state: EmulatorState,
  faults: OutcomeFaults,
): Reply {
  const { name, version } = match;
  const emails = json?.emails;
  record.payload = { bytes: record.payload?.bytes ?? 0, emails: Array.isArray(emails) ? emails.map(String) : undefined };
  if (!Array.isArray(emails) || emails.length === 0 || emails.some((e) => typeof e !== 'string' || !EMAIL_RE.test(e))) {
    record.payload.problem = 'emails invalid';
    return { status: 400, body: { message: 'emails must be a non-empty array of e-mail addresses' } };
  }
  if (!state.isDeployed(region, name, version)) return { status: 404, body: { message: `Connector ${name} version ${version} not found` } };
  const partial = faults.shares.take({ region });
  if (partial) {
    const { added, refused, reply } = partialShareReply(emails, partial);
    record.fault = `partial share (${refused.length} refused)`;
    state.addShare({ region, name, version, emails: added, refused });
    return reply;
  }
  state.addShare({ region, name, version, emails: [...emails] });
  return { status: 200, body: { message: `${emails.length} permission${emails.length === 1 ? '' : 's'} added` } };
}

/**
 * The Connectivity API's `GET /core/v1/connectors/{name}/versions/{version}/operations`: the operations of
 * the latest Deployed zip of that name and version in the region; 404 where that version is not deployed.
 */
function operations(match: ConnectorMatch, region: EmulatorRegion, record: RecordedRequest, state: EmulatorState): Reply {
  const { name, version } = match;
  const deployment = state.latestDeployed(region, name, version);
  if (!deployment) return { status: 404, body: { message: `Connector ${name} version ${version} not found` } };
  record.deploymentId = deployment.id;
  return { status: 200, body: { elements: listOperations(deployment.zip) } };
}

/**
 * The Connectivity API's `GET /core/v1/connectors`: the connectors the token can use, one element per name and
 * version Deployed in the region (what a 404 of one version's listing is checked against), sorted.
 */
function connectors(region: EmulatorRegion, state: EmulatorState): Reply {
  const seen = new Map<string, { name: string; version: string; title: string; description: string }>();
  for (const d of state.deployments) {
    if (d.region === region && d.status === 'Deployed')
      seen.set(`${d.name}\u0000${d.version}`, { name: d.name, version: d.version, title: d.name, description: '' });
  }
  const elements = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { status: 200, body: { elements } };
}

/**
 * The operations of a connector zip as the Connectivity API lists them: every folder directly under
 * `<top>/src/` holding operation.json (name, title, description from it; the folder name when it has no
 * name), with its input.json and output.json as inputSchema and outputSchema. Sorted by folder.
 */
export function listOperations(zip: Buffer): ListedOperation[] {
  let archive: AdmZip;
  try {
    archive = new AdmZip(zip);
  } catch {
    return [];
  }
  const entries = new Map(archive.getEntries().map((e) => [e.entryName, e]));
  const json = (entryName: string): unknown => {
    const entry = entries.get(entryName);
    if (!entry || entry.isDirectory || entry.header.size > MAX_LISTED_FILE_BYTES) return null;
    try {
      return JSON.parse(entry.getData().toString('utf8'));
    } catch {
      return null;
    }
  };
  const folders = [...entries.keys()]
    .map((entryName) => /^[^/]+\/src\/([^/]+)\/operation\.json$/.exec(entryName))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ dir: m[0].slice(0, -'operation.json'.length), folder: m[1] }))
    .sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  return folders.map(({ dir, folder }) => {
    const meta = json(`${dir}operation.json`) as Record<string, unknown> | null;
    const text = (key: string, fallback: string) => (meta && typeof meta[key] === 'string' ? (meta[key] as string) : fallback);
    return {
      name: text('name', folder),
      title: text('title', ''),
      description: text('description', ''),
      inputSchema: json(`${dir}input.json`),
      outputSchema: json(`${dir}output.json`),
    };
  });
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
