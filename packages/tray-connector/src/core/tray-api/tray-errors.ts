import { AxiosError } from 'axios';
import { TrayConnectorError } from '../errors';
import { formatDuration } from './progress';
import { REGION_INFO, type Region, type RegionEndpoint } from './regions';
import { describeBody, describeResponseBody, printable, printableLines, redact } from '../redact';
import { payloadTooLargeMessage } from './payload-too-large';
import { parseRetryAfter } from './retry';

/**
 * Tray's answers turned into errors a person can act on: every failed request (no answer, an
 * HTTP error status, TLS, the idle limit) becomes a TrayApiError whose message names what to fix
 * (the environment variable, the base URL and where it came from) and holds no token.
 */

/** The requests this plugin makes to Tray (`operations`: the Connectivity API's listing of a deployed version). */
export type TrayOperation = 'deploy' | 'status' | 'share' | 'operations';

/** What a request was about, for messages. */
export interface RequestSubject {
  name: string;
  version: string;
  id?: string;
  /** Size of the zip sent (deploy requests), for a 413's explanation. */
  zipBytes?: number;
}

/** A failed call to Tray's API, with a message a person can act on and no secret in it. */
export class TrayApiError extends TrayConnectorError {
  constructor(
    message: string,
    readonly region: Region,
    readonly operation: TrayOperation,
    /** HTTP status, undefined when no answer arrived. */
    readonly status: number | undefined,
    /** Connection errors, timeouts, 5xx and 429 are worth another attempt. */
    readonly retryable: boolean,
    /** Short cause for progress lines: "HTTP 503", "connection reset (ECONNRESET)". */
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    // Whatever a server or the network put in it, a message shows escape sequences as text (see redact.ts printable).
    super(printableLines(message));
    this.reason = printable(reason);
    this.name = 'TrayApiError';
  }
}

/** Codes of TLS and certificate failures: never retried, the same certificate fails again. */
const TLS_CODE =
  /^(EPROTO|ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|INVALID_PURPOSE$|ERR_TLS_CERT_ALTNAME_INVALID$)/;

/** "deploying", "checking the deployment status of", "sharing": what a message says was going on. */
export function doingOf(operation: TrayOperation): string {
  if (operation === 'operations') return 'reading the deployed operations of';
  return operation === 'deploy' ? 'deploying' : operation === 'status' ? 'checking the deployment status of' : 'sharing';
}

/** The request went past the per-request idle limit (retried, like a timeout). */
export function idleError(endpoint: RegionEndpoint, operation: TrayOperation, what: RequestSubject, idleMs: number): TrayApiError {
  const reason = `no data for ${formatDuration(idleMs)} (idle limit)`;
  return new TrayApiError(
    `${endpoint.region}: ${endpoint.baseUrl} sent or took no data for ${formatDuration(idleMs)} while ${doingOf(operation)} ${what.name} ${what.version} ` +
      `(the per-request idle limit, option "requestIdleSeconds")`,
    endpoint.region,
    operation,
    undefined,
    true,
    reason,
  );
}

/** Turns whatever the HTTP library threw into a TrayApiError whose message holds no token and tells what to do. */
export function apiErrorOf(
  endpoint: RegionEndpoint,
  operation: TrayOperation,
  what: RequestSubject,
  error: unknown,
  /** Every token in play (masked in the message); the endpoint's at least. */
  secrets: readonly string[] = [endpoint.token],
): TrayApiError {
  const { region } = endpoint;
  const subject = `${what.name} ${what.version}`;
  if (!(error instanceof AxiosError)) {
    const message = redact(error instanceof Error ? error.message : String(error), secrets);
    return new TrayApiError(`${region}: ${doingOf(operation)} ${subject} failed: ${message}`, region, operation, undefined, false, message);
  }
  if (error.response) return httpError(endpoint, operation, what, error.response, secrets);
  const code = errorCode(error);
  if (code && TLS_CODE.test(code)) return tlsError(endpoint, operation, subject, code, error, secrets);
  const reason = connectionReason(error);
  return new TrayApiError(
    `${region}: could not reach ${endpoint.baseUrl} while ${doingOf(operation)} ${subject}: ${reason}`,
    region,
    operation,
    undefined,
    true,
    reason,
  );
}

type Answer = NonNullable<AxiosError['response']>;

/** An HTTP error status: what it means for this request, and what to change. */
function httpError(
  endpoint: RegionEndpoint,
  operation: TrayOperation,
  what: RequestSubject,
  response: Answer,
  secrets: readonly string[],
): TrayApiError {
  const { region } = endpoint;
  const doing = doingOf(operation);
  const subject = `${what.name} ${what.version}`;
  const status = response.status;
  const body = describeResponseBody(response.data, secrets);
  const withBody = body ? ` Response: ${body}` : '';
  const error = (message: string, retryable: boolean, reason = `HTTP ${status}`, retryAfterMs?: number) =>
    new TrayApiError(`${region}: ${message}`, region, operation, status, retryable, reason, retryAfterMs);
  if (status >= 300 && status < 400) {
    const location = response.headers?.['location'];
    const target = originOf(typeof location === 'string' ? location : undefined, endpoint.baseUrl);
    return error(
      `${endpoint.baseUrl} answered HTTP ${status} (a redirect to ${target}) while ${doing} ${subject}. ` +
        `Redirects are never followed: the token${operation === 'status' ? '' : ' and the request body'} would go with them. ` +
        `Check the base URL from ${endpoint.baseUrlSource}: it must be Tray's API root itself, e.g. ${REGION_INFO[region].defaultBaseUrl}.`,
      false,
      `HTTP ${status} redirect to ${target}`,
    );
  }
  if (status === 401 || status === 403) {
    return error(
      `Tray refused the token from ${endpoint.tokenEnv} (HTTP ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}) while ${doing} ${subject}. ` +
        `Set ${endpoint.tokenEnv} to a valid ${REGION_INFO[region].label} API user token for ${endpoint.baseUrl}` +
        (status === 403 ? ' with permission to deploy connectors (only the token that deployed a connector can share it).' : '.') +
        withBody,
      false,
    );
  }
  if (status === 400)
    return error(
      `Tray rejected ${doing} ${subject} (HTTP 400): ${(apiMessageOf(response.data, secrets) ?? body) || '(no message)'}`,
      false,
    );
  if (status === 404) {
    return error(
      `Tray found no connector ${what.name} version ${what.version} (HTTP 404) while ${doing} it.${notFoundHint(endpoint, operation, what)}${withBody}`,
      false,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
    const reason = `HTTP 429 rate limited${retryAfterMs !== undefined ? `, Retry-After ${Math.round(retryAfterMs / 100) / 10}s` : ''}`;
    return error(`Tray's rate limit was hit while ${doing} ${subject} (${reason}).${withBody}`, true, reason, retryAfterMs);
  }
  if (status >= 500) return error(`Tray failed (HTTP ${status}) while ${doing} ${subject}.${withBody}`, true);
  if (status === 413)
    return error(payloadTooLargeMessage({ region, subject, zipBytes: what.zipBytes, withBody }), false, 'HTTP 413 payload too large');
  return error(`unexpected HTTP ${status} while ${doing} ${subject}.${withBody}`, false);
}

function notFoundHint(endpoint: RegionEndpoint, operation: TrayOperation, what: RequestSubject): string {
  const { region } = endpoint;
  if (operation === 'share') return ` Deploy ${what.name} ${what.version} to ${region} with this token before sharing it.`;
  if (operation === 'status') return ` Deployment ${what.id} is unknown to ${region}.`;
  return (
    ` Deploying needs no existing connector, so the endpoint itself was not found: check that the base URL ${endpoint.baseUrl} ` +
    `(from ${endpoint.baseUrlSource}) is the API root, e.g. ${REGION_INFO[region].defaultBaseUrl}, with no extra path.`
  );
}

function tlsError(
  endpoint: RegionEndpoint,
  operation: TrayOperation,
  subject: string,
  code: string,
  error: AxiosError,
  secrets: readonly string[],
): TrayApiError {
  const host = new URL(endpoint.baseUrl).host;
  const detail = redact(((error.cause as Error | undefined)?.message ?? error.message ?? '').split('\n')[0], secrets);
  const hint =
    code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_')
      ? `the TLS handshake failed: is ${endpoint.baseUrl} (from ${endpoint.baseUrlSource}) an https server? (a plain http server, or a proxy in the way, answers like this)`
      : `the server's certificate was not accepted: check the base URL ${endpoint.baseUrl} (from ${endpoint.baseUrlSource}); ` +
        'if a company proxy re-signs TLS, point NODE_EXTRA_CA_CERTS at its CA certificate (never turn verification off)';
  return new TrayApiError(
    `${endpoint.region}: TLS with ${host} failed (${code}${detail ? `: ${detail}` : ''}) while ${doingOf(operation)} ${subject}; not retried: ${hint}.`,
    endpoint.region,
    operation,
    undefined,
    false,
    `TLS ${code}`,
  );
}

function errorCode(error: AxiosError): string | undefined {
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  // axios sets its own codes (ERR_BAD_RESPONSE...); the socket's code is on the cause.
  return cause?.code ?? error.code;
}

/** The origin a redirect points to (resolved against the request URL), or "an unnamed location". */
export function originOf(location: string | undefined, requestUrl: string): string {
  if (!location) return 'an unnamed location (no Location header)';
  try {
    return new URL(location, requestUrl).origin;
  } catch {
    return 'an unreadable location';
  }
}

function apiMessageOf(data: unknown, secrets: readonly string[]): string | undefined {
  if (data && typeof data === 'object' && typeof (data as any).message === 'string') return describeBody((data as any).message, secrets);
  return undefined;
}

function connectionReason(error: AxiosError): string {
  const code = error.code && error.code !== 'ERR_BAD_RESPONSE' ? error.code : (error.cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNRESET':
      return 'connection reset (ECONNRESET)';
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return `timed out (${code})`;
    case 'EPIPE':
      return 'connection closed while sending (EPIPE)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code})`;
    default:
      return code ? `network error (${code})` : redact(error.message || 'network error');
  }
}
