/**
 * When a deploy asks Tray for the status of a deployment: the first poll soon after the deploy
 * request is accepted (Tray often finishes in seconds), then each wait `factor` times the last, up
 * to the poll interval, and never past the region's deadline.
 */

export interface PollSchedule {
  /** Wait before the first status request; default 1000 ms (never more than maxMs). */
  firstMs?: number;
  /** Longest wait between two status requests: the deploy target's pollIntervalSeconds. */
  maxMs: number;
  /** Growth of the wait after each poll; default 1.5. */
  factor?: number;
}

export const DEFAULT_FIRST_POLL_MS = 1000;
export const DEFAULT_POLL_FACTOR = 1.5;

/** The wait before poll number `n` (0-based), before the deadline is taken into account. */
export function pollDelay(n: number, schedule: PollSchedule): number {
  const maxMs = Math.max(1, schedule.maxMs);
  const firstMs = Math.max(1, Math.min(schedule.firstMs ?? DEFAULT_FIRST_POLL_MS, maxMs));
  const factor = Math.max(1, schedule.factor ?? DEFAULT_POLL_FACTOR);
  return Math.min(maxMs, Math.round(firstMs * factor ** Math.max(0, n)));
}

/** The wait before poll number `n`, cut to the time left before the deadline (at least 1 ms). */
export function nextPollDelay(n: number, schedule: PollSchedule, leftMs = Infinity): number {
  return Math.max(1, Math.min(pollDelay(n, schedule), leftMs));
}
