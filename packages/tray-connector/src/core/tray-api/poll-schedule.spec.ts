import { nextPollDelay, pollDelay } from './poll-schedule';

describe('poll schedule', () => {
  it('polls 1 s after the deploy request, then grows by half up to the poll interval', () => {
    const delays = Array.from({ length: 8 }, (_, n) => pollDelay(n, { maxMs: 5000 }));
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000]);
  });

  it('never waits longer than the poll interval, even for the first poll', () => {
    expect(pollDelay(0, { maxMs: 20 })).toBe(20);
    expect(pollDelay(5, { maxMs: 20 })).toBe(20);
    expect(pollDelay(0, { maxMs: 500, firstMs: 100 })).toBe(100);
  });

  it('takes another first wait and growth factor', () => {
    expect([0, 1, 2, 3].map((n) => pollDelay(n, { firstMs: 200, factor: 2, maxMs: 1000 }))).toEqual([200, 400, 800, 1000]);
  });

  it('never waits past the deadline', () => {
    expect(nextPollDelay(3, { maxMs: 5000 }, 700)).toBe(700);
    expect(nextPollDelay(0, { maxMs: 5000 }, 0)).toBe(1);
    expect(nextPollDelay(0, { maxMs: 5000 })).toBe(1000);
  });
});
