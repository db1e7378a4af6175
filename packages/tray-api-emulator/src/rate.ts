import { rateLimitFault, type RequestFault } from './faults';
import { EMULATOR_REGIONS, type EmulatorRates, type EmulatorRegion, type RecordedRequest, type RequestRate } from './types';

export type { EmulatorRates, RequestRate } from './types';

/**
 * Requests per second: what the emulator measured (from the record) and the limit it can enforce
 * like Tray does (429 with Retry-After once a region has answered `perSecond` requests in the last
 * second). No HTTP here: the limit is a request fault the server consults before the others.
 */

export interface RateLimitOptions {
  /** Requests a region answers in any 1-second window; the next get 429 with Retry-After. */
  perSecond: number;
}

export const RATE_LIMIT_LABEL = 'rate limit';
const WINDOW_MS = 1000;

/** The most timestamps (ms, any order) that fall in one window of `windowMs`. */
export function maxInWindow(times: number[], windowMs = WINDOW_MS): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Rates per region and overall, from the recorded requests (`at`, ms since the epoch). */
export function measureRates(requests: readonly RecordedRequest[], limitPerSecond: number | null): EmulatorRates {
  const rate = (list: readonly RecordedRequest[]): RequestRate => ({
    total: list.length,
    maxPerSecond: maxInWindow(list.map((r) => r.at)),
    rateLimited: list.filter((r) => r.fault === RATE_LIMIT_LABEL).length,
  });
  const regions = Object.fromEntries(EMULATOR_REGIONS.map((region) => [region, rate(requests.filter((r) => r.region === region))]));
  return { overall: rate(requests), regions: regions as Record<EmulatorRegion, RequestRate>, limitPerSecond };
}

/** Enforces `perSecond` per region: the requests it answered in the last second are counted, the rest get 429. */
export class RateGate {
  private readonly answered = new Map<EmulatorRegion, number[]>();

  constructor(public perSecond: number) {
    if (!Number.isFinite(perSecond) || perSecond < 1) throw new RangeError(`rateLimit.perSecond must be at least 1, got ${perSecond}`);
  }

  /** A 429 fault when `request` is over the limit; undefined (and counted) when it may be answered. */
  check(request: RecordedRequest, now: number = Date.now()): RequestFault | undefined {
    const recent = (this.answered.get(request.region) ?? []).filter((t) => now - t < WINDOW_MS);
    this.answered.set(request.region, recent);
    if (recent.length >= this.perSecond) {
      const retryAfter = Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000));
      return { ...rateLimitFault(retryAfter), label: RATE_LIMIT_LABEL };
    }
    recent.push(now);
    return undefined;
  }

  reset(): void {
    this.answered.clear();
  }
}
