import { DeployDurations, MAX_OBSERVATIONS, estimateDuration, nextPollAge, type PollState } from './deploy-durations';
import { pollDelay, type PollSchedule } from './poll-schedule';

const schedule: PollSchedule = { firstMs: 1000, maxMs: 5000 };

/** The ages at which a deployment that becomes final at `durationMs` is polled (the last one sees it final). */
function pollsUntil(durationMs: number, sched: PollSchedule, estimate = estimateDuration([])): number[] {
  const ages: number[] = [];
  for (;;) {
    const age = nextPollAge({ ageMs: ages.at(-1) ?? 0, pollAges: ages }, sched, estimate);
    if (age >= durationMs) return [...ages, age];
    ages.push(age);
  }
}

describe('estimateDuration', () => {
  it('knows nothing without a completed deployment', () => {
    expect(estimateDuration([])).toBeUndefined();
  });

  it('takes the medians of the bounds the completed deployments showed', () => {
    expect(
      estimateDuration([
        { notFinalMs: 1000, finalMs: 2500 },
        { notFinalMs: 0, finalMs: 2200 },
        { notFinalMs: 1700, finalMs: 2400 },
      ]),
    ).toEqual({ doneByMs: 2400, notBeforeMs: 1000, observations: 3 });
    expect(
      estimateDuration([
        { notFinalMs: 1000, finalMs: 2000 },
        { notFinalMs: 1500, finalMs: 3000 },
      ]),
    ).toEqual({ doneByMs: 2500, notBeforeMs: 1250, observations: 2 });
  });

  it('one slow outlier does not move the typical duration', () => {
    const fast = Array.from({ length: 4 }, () => ({ notFinalMs: 1000, finalMs: 2200 }));
    expect(estimateDuration([...fast, { notFinalMs: 60_000, finalMs: 65_000 }])?.doneByMs).toBe(2200);
  });
});

describe('nextPollAge', () => {
  it('without an observation keeps the plain schedule (1 s, then ×1.5 up to the poll interval)', () => {
    const ages = pollsUntil(20_000, schedule);
    const plain: number[] = [];
    for (let n = 0, age = 0; age < 20_000; n++) plain.push((age += pollDelay(n, schedule)));
    expect(ages).toEqual(plain);
    expect(ages.slice(0, 4)).toEqual([1000, 2500, 4750, 8125]);
  });

  it('first poll near the typical duration: a 2 s deployment costs one poll', () => {
    const estimate = estimateDuration([{ notFinalMs: 1000, finalMs: 2100 }]);
    expect(pollsUntil(2000, schedule, estimate)).toEqual([2100]);
  });

  it('the first poll stays between firstPollSeconds and pollIntervalSeconds', () => {
    expect(nextPollAge({ ageMs: 0, pollAges: [] }, schedule, estimateDuration([{ notFinalMs: 0, finalMs: 300 }]))).toBe(1000);
    expect(nextPollAge({ ageMs: 0, pollAges: [] }, schedule, estimateDuration([{ notFinalMs: 0, finalMs: 40_000 }]))).toBe(5000);
  });

  it('after a not-yet-final poll before the estimate: back at the estimate, at least a short wait later', () => {
    const estimate = estimateDuration([{ notFinalMs: 2000, finalMs: 4000 }]);
    // polled early (the limiter or a retry moved it): come back at the estimate
    expect(nextPollAge({ ageMs: 1500, pollAges: [1500] }, schedule, estimate)).toBe(4000);
    // polled just before it: a short wait (a quarter of the estimate, at most firstPollSeconds)
    expect(nextPollAge({ ageMs: 3900, pollAges: [3900] }, schedule, estimate)).toBe(4900);
  });

  it('past the estimate: short waits first, then backing off as the plain schedule up to the interval', () => {
    const estimate = estimateDuration([{ notFinalMs: 1000, finalMs: 2000 }]);
    // a quarter of 2 s = 500 ms, ×1.5 each, at most 5 s
    expect(pollsUntil(30_000, schedule, estimate).slice(0, 6)).toEqual([2000, 2500, 3250, 4375, 6063, 8594]);
    const waits = pollsUntil(60_000, schedule, estimate).map((a, i, all) => a - (all[i - 1] ?? 0));
    expect(Math.max(...waits)).toBe(5000);
  });

  it('while an older deployment of the region is in flight and nothing is known, a new one leaves the polling to it, up to the interval', () => {
    const held: PollState = { ageMs: 1200, pollAges: [], olderInFlight: true };
    expect(nextPollAge(held, schedule)).toBe(5000);
    // at the interval it polls (overdue on the plain schedule)
    expect(nextPollAge({ ...held, ageMs: 5000 }, schedule)).toBe(1000);
    // once an estimate is there, it follows it
    expect(nextPollAge(held, schedule, estimateDuration([{ notFinalMs: 1000, finalMs: 2500 }]))).toBe(2500);
    // the oldest one polls on the plain schedule
    expect(nextPollAge({ ...held, olderInFlight: false }, schedule)).toBe(1000);
  });

  it('the oldest, while younger ones wait for it, polls every tenth of its age after its first poll (at least 250 ms, at most the interval)', () => {
    const probe = (pollAges: number[]) => nextPollAge({ ageMs: pollAges.at(-1) ?? 0, pollAges, youngerInFlight: true }, schedule);
    expect(probe([])).toBe(1000);
    expect(probe([1000])).toBe(1250);
    expect(probe([4000])).toBe(4400);
    expect(probe([60_000])).toBe(65_000);
    // alone, the plain schedule
    expect(nextPollAge({ ageMs: 1000, pollAges: [1000] }, schedule)).toBe(2500);
  });
});

describe('DeployDurations', () => {
  it('keeps the most recent observations and knows which deployment is the oldest in flight', () => {
    const durations = new DeployDurations();
    const first = durations.track();
    const second = durations.track();
    expect([first.olderInFlight(), second.olderInFlight()]).toEqual([false, true]);
    expect([first.youngerInFlight(), second.youngerInFlight()]).toEqual([true, false]);
    first.done();
    expect(second.olderInFlight()).toBe(false);
    second.done();
    expect(durations.estimate()).toBeUndefined();
    for (let i = 0; i < MAX_OBSERVATIONS; i++) durations.record({ notFinalMs: 0, finalMs: 60_000 });
    for (let i = 0; i < MAX_OBSERVATIONS; i++) durations.record({ notFinalMs: 1000, finalMs: 2000 });
    expect(durations.estimate()).toEqual({ doneByMs: 2000, notBeforeMs: 1000, observations: MAX_OBSERVATIONS });
  });
});
