import type { ZipOperation } from '../connector/zip-operations';
import type { Deadline } from '../tray-api/deadline';
import { TrayConnectorError } from '../errors';
import { printable } from '../redact';
import { REGIONS, type Region, type RegionEndpoint } from '../tray-api/regions';
import type { RetryEvent, RetryPolicy } from '../tray-api/retry';
import { asListed, ConnectivityError, listDeployedOperations } from '../tray-api/connectivity';
import type { TrayPacer } from '../tray-api/tray-pacer';
import { compareOperations } from './compatibility';

/**
 * The breaking-change guard of `deploy`: before anything is uploaded to a region, read what that
 * region serves at the same connector name and version (Tray's Connectivity API) and compare it with
 * the build (compatibility.ts). A change that would break the workflows on that version refuses the
 * region, unless `allowBreakingChanges`. "Not deployed" (a 404 the region's connector list confirms)
 * is no conflict. A listing that cannot be read (a refused token, no answer after retries), or answers that
 * cannot tell "not deployed" from "could not read" (an unconfirmed 404, an empty listing), are a warning, or
 * a refusal when the check is `strict`. Names, paths and reasons come from a server's answer: they are printed as data.
 */

/** `true` (default of the deploy target): check, warn when the listing cannot be read; `strict`: refuse then; `false`: no check. */
export type CheckBreakingChanges = boolean | 'strict';

/** A difference as deploy reports it (deploy-result.json, the step summary). */
export interface BreakingChange {
  operation: string;
  path: string;
  reason: string;
}

/** What the guard of every region of one deploy needs, resolved once (see readConnectivityAccess). */
export interface GuardPlan {
  check: true | 'strict';
  allowBreakingChanges: boolean;
  /** The build's operations, read from the zip. */
  local: readonly ZipOperation[];
  /** Per region: the token that reads the listing and the variable it came from (none: no token in a dry run). */
  access: Partial<Record<Region, { token?: string; tokenEnv: string }>>;
}

export interface GuardVerdict {
  /** Upload (true) or refuse this region (false). */
  go: boolean;
  /** One short line for the summary table, e.g. `not deployed at 1.0: no conflict`. */
  note: string;
  /** For a person when the region is refused (nothing was uploaded). */
  message?: string;
  /** Printed as a warning: an unreadable listing, or breaking changes deployed anyway. */
  warning?: string;
  /** The breaking differences found (refused, or allowed). */
  breaking: BreakingChange[];
  /** More differences than listed (the comparison's budget). */
  truncated?: boolean;
}

export interface GuardRequest {
  endpoint: RegionEndpoint;
  name: string;
  version: string;
  plan: GuardPlan;
  deadline?: Deadline;
  pacer?: TrayPacer;
  retry?: Partial<RetryPolicy>;
  idleTimeoutMs?: number;
  onRetry?(event: RetryEvent): void;
  /** Every token of the deploy: masked in what the listing says. */
  secrets?: readonly string[];
}

/** Most differences listed in one message (all of them go into deploy-result.json). */
const LISTED = 20;
/** Longest operation name or path printed (they come from a server). */
const PRINTED_MAX = 200;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks one region before its upload. Never throws for what the server answers: an unreadable
 * listing is a verdict (a warning, or a refusal when strict).
 */
export async function guardRegion(request: GuardRequest): Promise<GuardVerdict> {
  const { endpoint, name, version, plan } = request;
  const { region } = endpoint;
  const access = plan.access[region] ?? { token: endpoint.token, tokenEnv: endpoint.tokenEnv };
  if (!access.token) return unreadable(request, `no token in ${access.tokenEnv} to read what ${region} serves`);
  let listing;
  try {
    listing = await listDeployedOperations({
      baseUrl: endpoint.baseUrl,
      token: access.token,
      tokenEnv: access.tokenEnv,
      name,
      version,
      region,
      refusedHint:
        `The breaking-change check reads Tray's Connectivity API with this token; name a variable holding a token that may read it ` +
        `with "connectivityTokenEnv" (e.g. --connectivityTokenEnv.${region}=TRAY_READ_TOKEN_${region.toUpperCase()}).`,
      retry: request.retry,
      requestTimeoutMs: request.idleTimeoutMs,
      deadline: request.deadline,
      pacer: request.pacer,
      onRetry: request.onRetry,
      secrets: request.secrets,
    });
  } catch (e) {
    if (e instanceof ConnectivityError) return unreadable(request, e.message, e.failure === 'inconclusive');
    throw e;
  }
  if (!listing.deployed) return { go: true, note: `${name} ${version} not deployed in ${region}: no conflict`, breaking: [] };
  const secrets = [access.token, ...(request.secrets ?? [])];
  const comparison = compareOperations(
    listing.operations,
    plan.local.map((op) => asListed(op, secrets)),
  );
  const breaking = comparison.breaking.map(({ operation, path, reason }) => ({ operation, path, reason }));
  if (!breaking.length) {
    const note = comparison.inSync ? 'same as deployed' : `${comparison.differences.length} non-breaking difference(s)`;
    return { go: true, note, breaking: [] };
  }
  const list = describeChanges(breaking, comparison.truncated);
  if (plan.allowBreakingChanges) {
    return {
      go: true,
      note: `${breaking.length} breaking change(s) allowed`,
      warning: `${region}: deploying ${name} ${version} with ${breaking.length} breaking change(s) to what ${region} serves (allowBreakingChanges):\n${list}`,
      breaking,
      truncated: comparison.truncated,
    };
  }
  return {
    go: false,
    note: `refused: ${breaking.length} breaking change(s)`,
    message:
      `${region}: refused before any upload: ${name} ${version} as built would break what ${region} serves at the same version ` +
      `(every workflow on ${name} ${version} runs it):\n${list}\n` +
      `  To proceed: bump "version" in connector.json (workflows stay on ${version} until moved to the new one), ` +
      `or deploy anyway with --allowBreakingChanges.`,
    breaking,
    truncated: comparison.truncated,
  };
}

/**
 * The listing could not be read, or its answers cannot tell "not deployed" from "could not read" (`inconclusive`):
 * a warning and on (default), or a refusal (strict). Either way the line says which.
 */
function unreadable(request: GuardRequest, why: string, inconclusive = false): GuardVerdict {
  const { region } = request.endpoint;
  const what = inconclusive
    ? `cannot tell whether ${request.name} ${request.version} is deployed in ${region} (not deployed, or not readable)`
    : `could not read what ${region} serves`;
  if (request.plan.check === 'strict') {
    return {
      go: false,
      note: inconclusive ? 'refused: cannot tell whether deployed (strict)' : 'refused: deployed operations unreadable (strict)',
      message:
        `${region}: refused before any upload: the breaking-change check is "strict" and ${what}: ${why}. ` +
        `Fix the token, base URL or network, or run with --checkBreakingChanges=true to deploy with a warning instead.`,
      breaking: [],
    };
  }
  return {
    go: true,
    note: inconclusive ? 'not checked (cannot tell whether deployed)' : 'not checked (listing unreadable)',
    warning: `${region}: the breaking-change check ${what}, deploying without it: ${why}. (--checkBreakingChanges=strict refuses instead.)`,
    breaking: [],
  };
}

/** One line per difference: operation, JSON path, reason (at most LISTED, printable). */
export function describeChanges(changes: readonly BreakingChange[], truncated = false): string {
  const lines = changes.slice(0, LISTED).map((c) => `    ${printedLine(c.operation)} ${printedLine(c.path)}: ${printedLine(c.reason)}`);
  const more = changes.length - LISTED;
  if (more > 0 || truncated) lines.push(`    ... and ${more > 0 ? `${more} more` : 'more'} (see .tray/deploy-result.json)`);
  return lines.join('\n');
}

/** A server's text as one printable line (see redact.ts printable), at most PRINTED_MAX characters. */
function printedLine(text: string): string {
  const line = printable(text);
  return line.length > PRINTED_MAX ? `${line.slice(0, PRINTED_MAX)}...` : line;
}

/**
 * Which variable holds the token that reads each region's listing: `connectivityTokenEnv[region]`, else
 * the region's deploy token. Throws (a problem before any request) for a key that is no region, a name
 * that is no variable name, or a named variable that is not set (outside a dry run).
 */
export function readConnectivityAccess(
  endpoints: readonly RegionEndpoint[],
  names: Record<string, string | undefined> | undefined,
  env: NodeJS.ProcessEnv,
  dryRun: boolean,
): GuardPlan['access'] {
  const problems: string[] = [];
  for (const key of Object.keys(names ?? {})) {
    if (!(REGIONS as readonly string[]).includes(key))
      problems.push(`"connectivityTokenEnv" has a key "${key}" that is no region: use us, eu, apac`);
  }
  const access: GuardPlan['access'] = {};
  for (const endpoint of endpoints) {
    const named = names?.[endpoint.region];
    if (named === undefined) {
      access[endpoint.region] = { token: endpoint.token || undefined, tokenEnv: endpoint.tokenEnv };
      continue;
    }
    if (!ENV_NAME.test(named)) {
      problems.push(
        `"connectivityTokenEnv.${endpoint.region}" must be an environment variable name (letters, digits, _): got ${JSON.stringify(named)}`,
      );
      continue;
    }
    const token = env[named]?.trim() || undefined;
    if (!token && !dryRun) {
      problems.push(
        `${endpoint.region}: "connectivityTokenEnv.${endpoint.region}" names ${named}, which is not set: export a token that may read ${endpoint.region}'s Connectivity API, ` +
          `or remove the entry to read with ${endpoint.tokenEnv}`,
      );
    }
    access[endpoint.region] = { token, tokenEnv: named };
  }
  if (problems.length) throw new TrayConnectorError(problems.join('\n'));
  return access;
}

/** `checkBreakingChanges` as given (an option, the command line): true, false or "strict". */
export function parseCheckBreakingChanges(value: unknown): CheckBreakingChanges {
  if (value === undefined || value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  if (value === 'strict') return 'strict';
  throw new TrayConnectorError(`"checkBreakingChanges" must be true, false or "strict"; got ${JSON.stringify(value)}`);
}
