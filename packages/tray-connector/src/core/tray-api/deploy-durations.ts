/**
 * What the deployments of one Tray API (one region and token) have shown in this process about how
 * long Tray takes, and when a deployment should next ask for its status because of it.
 *
 * A completed deployment gives bounds on its duration (from Tray accepting it): above the age of
 * its last poll that was not yet final, at most the age of the poll that saw Deployed/Failed. New
 * deployments poll first near the typical "done by" age, come back soon after a not-yet-final poll
 * when the estimate says it is nearly done, then back off as the plain schedule does. With no
 * completed deployment yet, the plain schedule (poll-schedule.ts) is kept, except that while an
 * older deployment of the same region is still in flight a younger one leaves the polling to it
 * (up to the poll interval) and the oldest polls more closely (every tenth of its age): one
 * deployment learns what Tray takes, instead of every deployment asking at 1 s.
 */
import { pollDelay, type PollSchedule } from './poll-schedule';

export interface DurationObservation {
  /** Age (ms since Tray accepted the deployment) of the last poll that was not yet final; 0 if none. */
  notFinalMs: number;
  /** Age of the poll that saw the final status. */
  finalMs: number;
}

export interface DurationEstimate {
  /** Typical age by which a deployment is final: the median of the observed upper bounds. */
  doneByMs: number;
  /** Typical age before which it is not: the median of the observed lower bounds. */
  notBeforeMs: number;
  observations: number;
}

/** Observations kept per region and token (the most recent). */
export const MAX_OBSERVATIONS = 25;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** The estimate from completed deployments; undefined when there is none. */
export function estimateDuration(observations: readonly DurationObservation[]): DurationEstimate | undefined {
  if (!observations.length) return undefined;
  const doneByMs = median(observations.map((o) => o.finalMs));
  const notBeforeMs = Math.min(doneByMs, median(observations.map((o) => o.notFinalMs)));
  return { doneByMs, notBeforeMs, observations: observations.length };
}

export interface PollState {
  /** Age of the deployment now (ms since Tray accepted it). */
  ageMs: number;
  /** Ages of the polls so far, all not yet final. */
  pollAges: readonly number[];
  /** An older deployment of the same region and token is in flight and nothing is known yet. */
  olderInFlight?: boolean;
  /** Younger deployments of the same region and token are in flight (and wait for what this one shows). */
  youngerInFlight?: boolean;
}

/**
 * The age at which the next poll is due (never before the schedule's shortest wait after the last
 * poll, never more than its longest). The caller cuts it to its deadline.
 */
export function nextPollAge(state: PollState, schedule: PollSchedule, estimate?: DurationEstimate): number {
  const maxMs = Math.max(1, schedule.maxMs);
  const firstMs = Math.max(1, Math.min(schedule.firstMs ?? 1000, maxMs));
  const polls = state.pollAges.length;
  const lastAge = polls ? state.pollAges[polls - 1] : 0;
  if (!estimate) {
    // Leave the asking to the older deployment until the poll interval has passed.
    if (state.olderInFlight && polls === 0 && state.ageMs < maxMs) return maxMs;
    // The oldest, with younger ones waiting for it, finds the duration closely: after its first
    // poll, every tenth of its age (at least a quarter of firstPollSeconds, at most the interval).
    if (state.youngerInFlight && !state.olderInFlight && polls > 0) {
      return lastAge + Math.min(maxMs, Math.max(Math.round(firstMs / 4), Math.round(lastAge / 10)));
    }
    return lastAge + pollDelay(polls, schedule);
  }
  const doneBy = Math.min(maxMs, Math.max(firstMs, estimate.doneByMs));
  if (polls === 0) return doneBy;
  // Soon after the estimate, then growing as the plain schedule does.
  const shortMs = Math.max(1, Math.min(firstMs, Math.round(doneBy / 4)));
  if (lastAge < doneBy) return Math.max(doneBy, lastAge + shortMs);
  const late = state.pollAges.filter((a) => a >= doneBy).length;
  return lastAge + pollDelay(late - 1, { ...schedule, firstMs: shortMs });
}

/** The deployments of one region and token: what completed ones took, and which are in flight. */
export class DeployDurations {
  private readonly observations: DurationObservation[] = [];
  private readonly inFlight = new Set<number>();
  private nextId = 0;

  estimate(): DurationEstimate | undefined {
    return estimateDuration(this.observations);
  }

  record(observation: DurationObservation): void {
    this.observations.push(observation);
    if (this.observations.length > MAX_OBSERVATIONS) this.observations.shift();
  }

  /** A deployment Tray has accepted; `done()` when it is final or no longer waited for. */
  track(): { olderInFlight: () => boolean; youngerInFlight: () => boolean; done: () => void } {
    const id = this.nextId++;
    this.inFlight.add(id);
    return {
      // ids grow, and a Set keeps insertion order: the first one in flight is the oldest
      olderInFlight: () => (this.inFlight.values().next().value ?? id) < id,
      youngerInFlight: () => [...this.inFlight].some((other) => other > id),
      done: () => this.inFlight.delete(id),
    };
  }
}
