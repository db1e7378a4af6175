import { AxiosError } from 'axios';
import { StoppedError, TrayConnectorError } from '../errors';
import { describeBody, printableLines, redact } from '../redact';
import type { Region } from './regions';
import { parseRetryAfter, type RetryEvent, type RetryPolicy } from './retry';
import type { Deadline } from './deadline';
import { TrayApiError } from './tray-errors';
import { TrayTransport } from './tray-transport';
import { serverJson, serverText, type ServerText } from './server-text';
import type { TrayPacer } from './tray-pacer';

/**
 * Tray's Connectivity API, read-only: `GET {base}/core/v1/connectors/{name}/versions/{version}/operations`
 * lists the operations a region serves for one deployed connector version (not billable). The request goes
 * through the same transport as every other (tray-transport.ts: no redirects, idle limit, deadline, retries,
 * and, given a pacer, the region's rate limit), so verify and deploy's guard share it.
 */

/**
 * One listed operation, parsed where it enters: its texts are ServerText (masked, printable), and so is
 * every string of its schemas, keys included (they are compared, never run; see server-text.ts).
 */
export interface DeployedOperation {
  name: ServerText;
  title: ServerText;
  description: ServerText;
  inputSchema: unknown;
  outputSchema: unknown;
}

export type DeployedOperationsAnswer =
  | { deployed: true; operations: DeployedOperation[]; url: string }
  /**
   * That version is not deployed in the region: the listing answered 404 and the region's list of connectors
   * (`GET /core/v1/connectors`) was read and does not have that name and version (an answer, not a failure).
   */
  | { deployed: false; url: string };

/**
 * Why the listing could not be read: a refused token, no answer (after retries), an answer that makes no sense, or
 * answers that cannot tell "not deployed" from "could not read" (`inconclusive`: a 404 the region's connector list
 * contradicts or cannot confirm, an empty listing).
 */
export type ConnectivityFailure = 'unauthorized' | 'forbidden' | 'network' | 'http' | 'answer' | 'inconclusive';

export class ConnectivityError extends TrayConnectorError {
  constructor(
    message: string,
    readonly failure: ConnectivityFailure,
    /** HTTP status, undefined when no answer arrived. */
    readonly status: number | undefined,
    readonly url: string,
  ) {
    super(printableLines(message));
    this.name = 'ConnectivityError';
  }
}

export interface ListDeployedOperationsOptions {
  baseUrl: string;
  /** Never printed: every message is redacted. */
  token: string;
  name: string;
  version: string;
  /** Names the region in messages, e.g. `eu`. */
  region?: string;
  /** The environment variable the token came from, named when Tray refuses it. */
  tokenEnv?: string;
  /** A hint added to a 401/403 message (e.g. which option names another token). */
  refusedHint?: string;
  retry?: Partial<RetryPolicy>;
  /** Longest time the request may go without data before it is abandoned and retried; default 30 s. */
  requestTimeoutMs?: number;
  /** Bounds every attempt and wait. */
  deadline?: Deadline;
  /** Paces the request with every other of the same region and token (deploy's guard passes the region's pacer). */
  pacer?: TrayPacer;
  onRetry?(event: RetryEvent): void;
  /** Other tokens in play (the deploy's), masked in the listing as `token` is. */
  secrets?: readonly string[];
}

/** Largest answer read (a listing of a big connector is a few hundred KiB). */
export const MAX_LISTING_BYTES = 10 * 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The region's connectors (name, version): what a 404 of one version's listing is checked against. */
export const CONNECTORS_PATH = '/core/v1/connectors';

export function operationsPath(name: string, version: string): string {
  return `/core/v1/connectors/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/operations`;
}

/**
 * The operations a region serves for `name` `version`: `{ deployed: true, operations }`, or `{ deployed: false }`
 * when the listing answers 404 and the region's connector list, read too, does not have that version. Connection
 * errors, timeouts, 5xx and 429 (Retry-After honoured) are retried by the policy; then, and for 401/403 or any other
 * status, a ConnectivityError with no secret in it. A 404 the connector list contradicts or cannot confirm, and an
 * empty listing, are `inconclusive` failures: they cannot tell "not deployed" from "could not read" (a wrong path,
 * a proxy's 404 page), so they never pass as "not deployed". Follows no redirect (the token would go with it).
 */
export async function listDeployedOperations(options: ListDeployedOperationsOptions): Promise<DeployedOperationsAnswer> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = `${base}${operationsPath(options.name, options.version)}`;
  const where = `${options.region ? `${options.region}: ` : ''}reading the deployed operations of ${options.name} ${options.version} (GET ${url})`;
  const secrets = [options.token, ...(options.secrets ?? [])].filter((t) => !!t);
  const transport = new TrayTransport({
    endpoint: {
      region: (options.region ?? 'us') as Region,
      baseUrl: base,
      baseUrlSource: 'the region',
      token: options.token,
      tokenEnv: options.tokenEnv ?? 'the token',
    },
    retry: options.retry,
    idleTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    deadline: options.deadline,
    pacer: options.pacer,
    onRetry: options.onRetry,
  });
  const at = { url, where, secrets };
  const answer = await get(transport, operationsPath(options.name, options.version), options, at);
  if (answer.status !== 404) return judge(answer.status, answer.data, options, at);
  const notFound = describeBody(answer.data, secrets, 200) || '(empty)';
  const listUrl = `${base}${CONNECTORS_PATH}`;
  const listAt = { url: listUrl, where: `${where}: confirming the 404 (${notFound}) with GET ${listUrl}`, secrets };
  let listed: boolean;
  try {
    const list = await get(transport, CONNECTORS_PATH, options, listAt);
    listed = connectorListed(list.status, list.data, options, listAt);
  } catch (e) {
    if (!(e instanceof ConnectivityError)) throw e;
    throw new ConnectivityError(
      `${where}: cannot tell whether ${options.name} ${options.version} is deployed: the listing answered 404 (${notFound}) and the region's connector list could not confirm it: ${e.message}`,
      'inconclusive',
      404,
      url,
    );
  }
  if (!listed) return { deployed: false, url };
  throw new ConnectivityError(
    `${where}: cannot tell what is deployed: the listing answered 404 (${notFound}) but the region's connector list (GET ${listUrl}) has ${options.name} ${options.version}`,
    'inconclusive',
    404,
    url,
  );
}

/** One GET through the transport: the status and body (200, 404, 3xx and 4xx other than 429 are answers; the rest retried). */
async function get(
  transport: TrayTransport,
  path: string,
  options: ListDeployedOperationsOptions,
  at: { url: string; where: string; secrets: string[] },
): Promise<{ status: number; data: unknown }> {
  try {
    return (await transport.request(
      'operations',
      { name: options.name, version: options.version },
      async (http, config) => {
        const response = await http.get(path, {
          ...config,
          // 404 is an answer (judged by the caller); 3xx/4xx are judged below; 5xx and 429 are retried.
          validateStatus: (s) => s === 200 || s === 404 || (s >= 300 && s < 500 && s !== 429),
        });
        return { data: { status: response.status, data: response.data } };
      },
      { describeError: (e) => attemptError(e, at.secrets, { where: at.where, region: transport.region }) },
    )) as { status: number; data: unknown };
  } catch (e) {
    if (e instanceof StoppedError) {
      const last = e.detail.lastReason ? ` (last problem: ${e.detail.lastReason})` : '';
      throw new ConnectivityError(`${at.where}: no answer in the time allowed${last}`, 'network', undefined, at.url);
    }
    if (!(e instanceof TrayApiError)) throw e;
    const failure = e.reason === ANSWER_TOO_LARGE ? 'answer' : e.status === undefined ? 'network' : 'http';
    throw new ConnectivityError(e.message, failure, e.status, at.url);
  }
}

/** Keys of an answer that say there are more pages: a list with one of them cannot prove a version absent. */
const MORE_PAGES = ['next', 'nextPage', 'nextPageToken', 'cursor', 'nextCursor', 'hasMore', 'hasNextPage', 'pageInfo', 'links'];

/**
 * Whether the region's connector list (`{"elements": [{"name", "version"}, ...]}`) has `name` `version`. Throws
 * (a ConnectivityError) for any answer that cannot prove it: not 200, no list, or a list with more pages.
 */
function connectorListed(
  status: number,
  data: unknown,
  options: ListDeployedOperationsOptions,
  at: { url: string; where: string; secrets: string[] },
): boolean {
  const elements = status === 200 && isObject(data) && Array.isArray(data.elements) ? data.elements : undefined;
  const paged = isObject(data) && MORE_PAGES.some((key) => data[key] !== undefined && data[key] !== null && data[key] !== false);
  if (!elements || paged) {
    const why = !elements ? `HTTP ${status}${status === 200 ? ' without an "elements" list' : ''}` : 'the list has more pages';
    throw new ConnectivityError(`${why}: ${describeBody(data, at.secrets, 200) || '(empty)'}`, 'answer', status, at.url);
  }
  const versionsOf = (e: Record<string, unknown>): unknown[] =>
    Array.isArray(e.versions) ? e.versions.map((v) => (isObject(v) ? v.version : v)) : [e.version];
  return elements.some((e) => isObject(e) && e.name === options.name && versionsOf(e).includes(options.version));
}

function judge(
  status: number,
  data: unknown,
  options: ListDeployedOperationsOptions,
  at: { url: string; where: string; secrets: readonly string[] },
): DeployedOperationsAnswer {
  const { url, where, secrets } = at;
  if (status === 401 || status === 403) {
    const token = options.tokenEnv ? `the token from ${options.tokenEnv}` : 'the token';
    throw new ConnectivityError(
      `${where}: Tray refused ${token} (HTTP ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}).` +
        (options.refusedHint ? ` ${options.refusedHint}` : ''),
      status === 401 ? 'unauthorized' : 'forbidden',
      status,
      url,
    );
  }
  if (status !== 200) {
    const detail = status >= 300 && status < 400 ? ' (a redirect; never followed: the token would go with it)' : '';
    const body = describeBody(data, secrets, 200);
    throw new ConnectivityError(`${where}: unexpected HTTP ${status}${detail}${body ? `: ${body}` : ''}`, 'http', status, url);
  }
  const elements = isObject(data) ? data.elements : undefined;
  if (!Array.isArray(elements)) {
    throw new ConnectivityError(
      `${where}: the answer has no "elements" list: ${describeBody(data, secrets, 200) || '(empty)'}`,
      'answer',
      200,
      url,
    );
  }
  if (elements.length === 0) {
    // A deployed version serves at least one operation: an empty list cannot tell "not deployed" from "could not read".
    throw new ConnectivityError(
      `${where}: cannot tell what is deployed: the listing is empty (a deployed version serves at least one operation)`,
      'inconclusive',
      200,
      url,
    );
  }
  const operations: DeployedOperation[] = [];
  elements.forEach((element, i) => {
    if (!isObject(element) || typeof element.name !== 'string' || !element.name) {
      throw new ConnectivityError(`${where}: elements[${i}] has no "name": ${describeBody(element, secrets, 200)}`, 'answer', 200, url);
    }
    operations.push({
      name: serverText(element.name, secrets, Infinity),
      title: typeof element.title === 'string' ? serverText(element.title, secrets, Infinity) : serverText('', secrets),
      description: typeof element.description === 'string' ? serverText(element.description, secrets, Infinity) : serverText('', secrets),
      inputSchema: element.inputSchema === undefined ? undefined : serverJson(element.inputSchema, secrets),
      outputSchema: element.outputSchema === undefined ? undefined : serverJson(element.outputSchema, secrets),
    });
  });
  return { deployed: true, operations, url };
}

/**
 * A local operation (the build's) with its texts made what a listed one's are (ServerText, schemas
 * through serverJson, with the same tokens): compared with the listing, the same text on both sides
 * stays the same, and every difference reported holds only printable, masked text.
 */
export function asListed<T extends { name: string; title: string; description: string; inputSchema: unknown; outputSchema: unknown }>(
  op: T,
  secrets: readonly string[],
): T {
  return {
    ...op,
    name: serverText(op.name, secrets, Infinity),
    title: serverText(op.title, secrets, Infinity),
    description: serverText(op.description, secrets, Infinity),
    inputSchema: op.inputSchema === undefined ? undefined : serverJson(op.inputSchema, secrets),
    outputSchema: op.outputSchema === undefined ? undefined : serverJson(op.outputSchema, secrets),
  };
}

const ANSWER_TOO_LARGE = 'answer too large';

/** A failed attempt in this endpoint's words: no answer, a timeout, 5xx or 429 are worth another one. */
function attemptError(error: unknown, secrets: readonly string[], at: { where: string; region: Region }): TrayApiError {
  const failed = (reason: string, retryable: boolean, status?: number, retryAfterMs?: number) =>
    new TrayApiError(`${at.where} failed: ${reason}`, at.region, 'operations', status, retryable, reason, retryAfterMs);
  if (!(error instanceof AxiosError)) return failed(redact(error instanceof Error ? error.message : String(error), secrets), false);
  if (/maxContentLength/.test(error.message)) {
    return new TrayApiError(
      `${at.where}: the answer is larger than ${MAX_LISTING_BYTES} bytes`,
      at.region,
      'operations',
      undefined,
      false,
      ANSWER_TOO_LARGE,
    );
  }
  const response = error.response;
  if (response) {
    if (response.status === 429) return failed('HTTP 429 rate limited', true, 429, parseRetryAfter(response.headers?.['retry-after']));
    return failed(`HTTP ${response.status}`, true, response.status);
  }
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.code;
  return failed(code ? `no answer (${code})` : redact(error.message || 'network error', secrets), true);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
