import { createHash } from 'crypto';
import { ConcurrencyPool } from '../concurrency-pool';
import { DeployDurations } from './deploy-durations';
import { RateLimiter } from './rate-limiter';

/**
 * How the requests to one Tray API (a region's base URL and one token) are paced, shared by every
 * deploy, share and status check of the process: one rate limiter for all requests (a 429 to any of
 * them pauses all), what its deployments showed about how long Tray takes, and one pool bounding the
 * uploads (the deploy POSTs carrying a zip), so any number of deployments can wait for Tray at once
 * while few zips are in flight.
 */
export interface TrayPacer {
  limiter: RateLimiter;
  uploads: ConcurrencyPool;
  /** What the deployments to this API have shown about how long Tray takes (when to poll). */
  durations: DeployDurations;
}

export interface PacingOptions {
  /** Requests in any one-second window to one region with one token; default 20 (Tray allows about 30). */
  maxRequestsPerSecond?: number;
  /** Deploy requests (zip uploads) in flight at once to one region with one token; default 8. */
  maxConcurrentUploads?: number;
}

export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8;

const pacers = new Map<string, TrayPacer>();

/** The key of a region and token: the base URL and a hash of the token (the token itself is never kept). */
export function pacerKey(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')} ${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/**
 * The process's pacer for `baseUrl` and `token`, made on first use with `options`. A later caller
 * asking for a lower rate or fewer uploads gets a pacer with the lower limits (the 429 pause is kept).
 */
export function pacerFor(baseUrl: string, token: string, options: PacingOptions = {}): TrayPacer {
  const key = pacerKey(baseUrl, token);
  const existing = pacers.get(key);
  const perSecond = options.maxRequestsPerSecond ?? existing?.limiter.perSecond;
  const uploads = options.maxConcurrentUploads ?? existing?.uploads.size ?? DEFAULT_MAX_CONCURRENT_UPLOADS;
  if (existing && (perSecond === undefined || perSecond >= existing.limiter.perSecond) && uploads >= existing.uploads.size) {
    return existing;
  }
  const pacer: TrayPacer = {
    limiter: new RateLimiter({ perSecond }),
    uploads: existing && uploads >= existing.uploads.size ? existing.uploads : new ConcurrencyPool(uploads),
    durations: existing?.durations ?? new DeployDurations(),
  };
  if (existing?.limiter.pausedUntil) pacer.limiter.pause(existing.limiter.pausedUntil - Date.now());
  pacers.set(key, pacer);
  return pacer;
}

/** Forgets every pacer (tests). */
export function resetPacers(): void {
  pacers.clear();
}
