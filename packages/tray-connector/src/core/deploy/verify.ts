import { connectorNameProblems, connectorVersionProblems } from '../connector/connector-config';
import { readZipOperations, type ZipOperation } from '../connector/zip-operations';
import { problemCollector, throwIfProblems } from '../errors';
import type { Logger } from '../logger';
import { redact } from '../redact';
import { asListed, ConnectivityError, listDeployedOperations } from '../tray-api/connectivity';
import { Deadline } from '../tray-api/deadline';
import {
  parseRegions,
  REGION_INFO,
  REGIONS,
  resolveRegionEndpoints,
  toRegion,
  type Region,
  type RegionEndpoint,
} from '../tray-api/regions';
import type { RetryPolicy } from '../tray-api/retry';
import { compareOperations, type SchemaDifference } from './compatibility';

/**
 * `verify`: what each region serves for the connector's name and version (Tray's Connectivity API,
 * one GET per region) against the built zip. Read-only. Per region: in sync, drift (each difference
 * with operation, JSON path and reason, breaking or not), not deployed, or an error.
 */

/** Default bound of one region's read (its request, retries and waits). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

export type VerifyState = 'in-sync' | 'drift' | 'not-deployed' | 'error';

export interface RegionVerification {
  region: Region;
  state: VerifyState;
  /** The URL asked (no secret in it). */
  url: string;
  /** The environment variable whose token was used. */
  tokenEnv: string;
  /** Operations the region serves (when deployed). */
  deployedOperations?: number;
  /** What differs (drift), breaking ones first; empty otherwise. */
  differences: SchemaDifference[];
  /** More differences than listed. */
  truncated?: boolean;
  /** Why the region could not be read, or what "not deployed" means there (no secret in it). */
  message?: string;
}

export interface VerifyResult {
  /** Every region serves exactly what the zip holds. */
  success: boolean;
  connector: string;
  version: string;
  zipPath: string;
  /** The operations of the zip, by name. */
  localOperations: string[];
  checkedAt: string;
  regions: RegionVerification[];
}

export interface VerifyOptions {
  name: string;
  version: string;
  regions: string | readonly string[];
  /** The built `.tray/connector.zip`. */
  zipPath: string;
  env?: NodeJS.ProcessEnv;
  apiUrls?: Record<string, string | undefined>;
  /** Per region, the environment variable holding a token that may read the listing, instead of the region's deploy token. */
  connectivityTokenEnv?: Record<string, string | undefined>;
  retry?: Partial<RetryPolicy>;
  /** Per region, every request, retry and wait included; default 60 s. */
  timeoutMs?: number;
  logger: Logger;
  now?: () => Date;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The endpoints of the regions, with the token of `connectivityTokenEnv` where one is named (else the
 * region's deploy token, as deploy resolves it). Every problem is reported at once, before any request.
 */
export function resolveVerifyEndpoints(
  regions: readonly Region[],
  options: Pick<VerifyOptions, 'env' | 'apiUrls' | 'connectivityTokenEnv'>,
  problems: string[],
): { endpoints: RegionEndpoint[]; warnings: string[] } {
  const env = options.env ?? process.env;
  const names: Partial<Record<Region, string>> = {};
  for (const [key, value] of Object.entries(options.connectivityTokenEnv ?? {})) {
    const region = toRegion(key);
    if (!region) problems.push(`"connectivityTokenEnv" has a key ${JSON.stringify(key)} that is no region: use ${REGIONS.join(', ')}`);
    else if (typeof value !== 'string' || !ENV_NAME.test(value)) {
      problems.push(
        `"connectivityTokenEnv.${region}" must name an environment variable (e.g. "TRAY_CONNECTIVITY_TOKEN_${region.toUpperCase()}")`,
      );
    } else names[region] = value;
  }
  const resolved = resolveRegionEndpoints(regions, { env, apiUrls: options.apiUrls, requireToken: false });
  for (const endpoint of resolved.endpoints) {
    const variable = names[endpoint.region];
    if (variable) {
      const token = env[variable]?.trim();
      if (!token)
        problems.push(
          `${endpoint.region}: "connectivityTokenEnv.${endpoint.region}" names ${variable}, which is not set: set it to a token that may read Tray's Connectivity API`,
        );
      endpoint.token = token ?? '';
      endpoint.tokenEnv = variable;
    } else if (!endpoint.token) {
      const info = REGION_INFO[endpoint.region];
      problems.push(
        `${endpoint.region}: no API token; set ${info.tokenEnv} (or TRAY_API_TOKEN for every region) to the ${info.label} API user's token, or name another variable in "connectivityTokenEnv"`,
      );
    }
  }
  return resolved;
}

/** Reads every region at once and compares each with the zip. Problems found before any request are thrown together. */
export async function verifyConnector(options: VerifyOptions): Promise<VerifyResult> {
  const { problems, collect } = problemCollector();
  problems.push(
    ...[...connectorNameProblems(options.name), ...connectorVersionProblems(options.version)].map((p) => `connector.json: ${p}`),
  );
  const local = collect(() => readZipOperations(options.zipPath));
  const regions = collect(() => parseRegions(options.regions)) ?? [];
  const resolved = regions.length ? collect(() => resolveVerifyEndpoints(regions, options, problems)) : undefined;
  throwIfProblems(problems);
  for (const w of resolved!.warnings) options.logger.warn(w);
  const secrets = resolved!.endpoints.map((e) => e.token);
  const results = await Promise.all(resolved!.endpoints.map((endpoint) => verifyRegion(endpoint, local!, options, secrets)));
  return {
    success: results.every((r) => r.state === 'in-sync'),
    connector: options.name,
    version: options.version,
    zipPath: options.zipPath,
    localOperations: local!.map((o) => o.name),
    checkedAt: (options.now?.() ?? new Date()).toISOString(),
    regions: results,
  };
}

async function verifyRegion(
  endpoint: RegionEndpoint,
  local: ZipOperation[],
  options: VerifyOptions,
  secrets: string[],
): Promise<RegionVerification> {
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS);
  const { region, tokenEnv } = endpoint;
  const base = { region, tokenEnv, differences: [] as SchemaDifference[] };
  try {
    const answer = await listDeployedOperations({
      baseUrl: endpoint.baseUrl,
      token: endpoint.token,
      name: options.name,
      version: options.version,
      region,
      tokenEnv,
      refusedHint:
        `Set ${tokenEnv} to a token that may read Tray's Connectivity API` +
        (options.connectivityTokenEnv?.[region]
          ? '.'
          : `, or name another variable in the "connectivityTokenEnv" option ({ "${region}": "MY_TOKEN_VAR" }).`),
      retry: options.retry,
      deadline,
      secrets,
      onRetry: (e) =>
        options.logger.info(`${region}: operations listing failed (${e.reason}); retry ${e.retry}/${e.retries} in ${e.delayMs}ms`),
    });
    if (!answer.deployed) {
      return {
        ...base,
        state: 'not-deployed',
        url: answer.url,
        message: `${options.name} ${options.version} is not deployed in ${region} (HTTP 404; if it was deployed, check the base URL ${endpoint.baseUrl} from ${endpoint.baseUrlSource})`,
      };
    }
    const comparison = compareOperations(
      answer.operations,
      local.map((op) => asListed(op, [endpoint.token, ...secrets])),
    );
    return {
      ...base,
      state: comparison.inSync ? 'in-sync' : 'drift',
      url: answer.url,
      deployedOperations: answer.operations.length,
      // What the server said is data that may echo a secret: redacted like any other message.
      differences: comparison.differences.map((d) => ({
        ...d,
        operation: redact(d.operation, secrets),
        path: redact(d.path, secrets),
        reason: redact(d.reason, secrets),
      })),
      ...(comparison.truncated ? { truncated: true } : {}),
    };
  } catch (e) {
    if (!(e instanceof ConnectivityError)) throw e;
    return { ...base, state: 'error', url: e.url, message: redact(e.message, secrets) };
  } finally {
    deadline.dispose();
  }
}
