import { throwIfProblems, TrayConnectorError } from '../errors';

/** Tray's regions. Each has its own API host and its own API-user token. */
export type Region = 'us' | 'eu' | 'apac';
export const REGIONS: readonly Region[] = ['us', 'eu', 'apac'];

export interface RegionInfo {
  region: Region;
  label: string;
  defaultBaseUrl: string;
  tokenEnv: string;
  urlEnv: string;
}

export const REGION_INFO: Readonly<Record<Region, RegionInfo>> = {
  us: { region: 'us', label: 'US', defaultBaseUrl: 'https://api.tray.io', tokenEnv: 'TRAY_API_TOKEN_US', urlEnv: 'TRAY_API_URL_US' },
  eu: { region: 'eu', label: 'EU', defaultBaseUrl: 'https://api.eu1.tray.io', tokenEnv: 'TRAY_API_TOKEN_EU', urlEnv: 'TRAY_API_URL_EU' },
  apac: {
    region: 'apac',
    label: 'APAC',
    defaultBaseUrl: 'https://api.ap1.tray.io',
    tokenEnv: 'TRAY_API_TOKEN_APAC',
    urlEnv: 'TRAY_API_URL_APAC',
  },
};

/** The token every region falls back to when its own variable is not set. */
export const SHARED_TOKEN_ENV = 'TRAY_API_TOKEN';
/** A base URL override honoured only when a single region is deployed. */
export const SHARED_URL_ENV = 'TRAY_API_URL';

const ALIASES: Readonly<Record<string, Region>> = {
  us: 'us',
  us1: 'us',
  eu: 'eu',
  eu1: 'eu',
  apac: 'apac',
  apac1: 'apac',
  ap: 'apac',
  ap1: 'apac',
};

/** `EU1` -> `eu`; undefined for a name that is no region. */
export function toRegion(name: string): Region | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

/** The names in a region list as given: an array, a comma list, or an array of comma lists (`['us,EU']`), trimmed, empty ones dropped. */
export function regionNames(input: string | readonly string[] | undefined): string[] {
  return (typeof input === 'string' ? [input] : [...(input ?? [])])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The regions asked for, normalised and without duplicates: the one parser behind every option
 * that names regions (generators' --regions/--defaultRegions, the plugin's defaultRegions, deploy's
 * and share's regions), so each accepts the same forms: any case, aliases, arrays or comma lists.
 * Throws one error listing every unknown name, or when the list is empty. `optionName` is how the
 * message names the option: `regions` (an option in project.json) or `--regions` (a command-line flag).
 */
export function parseRegions(input: string | readonly string[] | undefined, optionName = 'regions'): Region[] {
  const names = regionNames(input);
  const flag = optionName.startsWith('--');
  if (names.length === 0) {
    throw new TrayConnectorError(
      flag
        ? `No region in ${optionName}: give one or more of ${REGIONS.join(', ')} (e.g. ${optionName}=us,eu)`
        : `No region to use: set the "${optionName}" option to one or more of ${REGIONS.join(', ')} (e.g. "${optionName}": ["us", "eu"])`,
    );
  }
  const unknown = names.filter((n) => !toRegion(n));
  if (unknown.length) {
    throw new TrayConnectorError(
      `Unknown region${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')} in ${flag ? optionName : `the "${optionName}" option`}: ` +
        `use ${REGIONS.join(', ')} (any case; aliases us1, eu1, ap1, apac1)${flag ? `, e.g. ${optionName}=us,eu` : ''}`,
    );
  }
  return [...new Set(names.map((n) => toRegion(n)!))];
}

/** Where and as whom requests to one region go. `token` must never be printed. */
export interface RegionEndpoint {
  region: Region;
  baseUrl: string;
  /** Where the base URL came from: `apiUrls option`, an environment variable name, or `default`. */
  baseUrlSource: string;
  token: string;
  /** The environment variable the token was read from (named in 401/403 messages). */
  tokenEnv: string;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Base URL overrides per region (aliases accepted), e.g. from the executor's `apiUrls` option. */
  apiUrls?: Record<string, string | undefined>;
  /** Also require a token (false for a dry run, which only shows what would be sent). */
  requireToken?: boolean;
}

/**
 * Resolves base URL and token of every region, before any request is made. Problems (a missing
 * token, a malformed or plain-http non-loopback URL) are gathered and thrown as one error.
 * Base URL precedence: `apiUrls` option, then `TRAY_API_URL_<REGION>`, then `TRAY_API_URL`
 * (only when a single region is used), then Tray's URL for the region.
 */
export function resolveRegionEndpoints(
  regions: readonly Region[],
  options: ResolveOptions = {},
): { endpoints: RegionEndpoint[]; warnings: string[] } {
  const env = options.env ?? process.env;
  const requireToken = options.requireToken ?? true;
  const problems: string[] = [];
  const warnings: string[] = [];
  const apiUrls: Partial<Record<Region, string>> = {};
  for (const [key, value] of Object.entries(options.apiUrls ?? {})) {
    const region = toRegion(key);
    if (!region) problems.push(`"apiUrls" has a key ${JSON.stringify(key)} that is no region: use ${REGIONS.join(', ')}`);
    else if (value) apiUrls[region] = value;
  }
  const shared = nonEmpty(env[SHARED_URL_ENV]);
  if (shared && regions.length > 1) {
    warnings.push(
      `${SHARED_URL_ENV} is ignored because ${regions.length} regions are deployed; set ${regions.map((r) => REGION_INFO[r].urlEnv).join(' / ')} instead`,
    );
  }
  const endpoints: RegionEndpoint[] = [];
  for (const region of regions) {
    const info = REGION_INFO[region];
    let baseUrl = info.defaultBaseUrl;
    let baseUrlSource = 'default';
    if (apiUrls[region]) {
      baseUrl = apiUrls[region]!;
      baseUrlSource = `apiUrls.${region} option`;
    } else if (nonEmpty(env[info.urlEnv])) {
      baseUrl = env[info.urlEnv]!.trim();
      baseUrlSource = info.urlEnv;
    } else if (shared && regions.length === 1) {
      baseUrl = shared;
      baseUrlSource = SHARED_URL_ENV;
    }
    const urlProblem = baseUrlProblem(baseUrl);
    if (urlProblem) problems.push(`${region}: the base URL from ${baseUrlSource} ${urlProblem}`);
    let token = nonEmpty(env[info.tokenEnv]);
    let tokenEnv = info.tokenEnv;
    if (!token) {
      token = nonEmpty(env[SHARED_TOKEN_ENV]);
      tokenEnv = SHARED_TOKEN_ENV;
    }
    if (!token && requireToken) {
      // Tray's own pipeline example names its secrets TRAY_API_KEY_<REGION>: say which variable is read.
      const trayExampleName = info.tokenEnv.replace('TRAY_API_TOKEN_', 'TRAY_API_KEY_');
      const hint = nonEmpty(env[trayExampleName])
        ? `; ${trayExampleName} is set but is not read (the name of Tray's pipeline example): map it, e.g. ${info.tokenEnv}: \${{ secrets.${trayExampleName} }}`
        : '';
      problems.push(
        `${region}: no API token; set ${info.tokenEnv} (or ${SHARED_TOKEN_ENV} for every region) to the ${info.label} API user's token${hint}`,
      );
    }
    endpoints.push({
      region,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      baseUrlSource,
      token: token ?? '',
      tokenEnv: token ? tokenEnv : info.tokenEnv,
    });
  }
  throwIfProblems(problems);
  return { endpoints, warnings };
}

/** Why a base URL cannot be used, or undefined. Plain http is allowed only to a loopback host. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL: ${JSON.stringify(value)}`;
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return `must not have a query or fragment: ${value}`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopback(url.hostname)
      ? undefined
      : `uses plain http:// to ${url.hostname}; tokens are only sent over https (http is allowed for 127.0.0.1/localhost)`;
  }
  return `must start with https:// (got ${url.protocol}//)`;
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() ? v.trim() : undefined;
}
