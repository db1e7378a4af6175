import { RateLimiter, abortableSleep } from './rate-limiter';

describe('RateLimiter', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  /** The most starts (ms) in any window of `windowMs` (as the emulator measures them). */
  const mostInWindow = (starts: number[], windowMs = 1000) => {
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i] - starts[j] >= windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  };

  it('lets perSecond requests go at once, then the next when the first leaves the window (one second and the guard)', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 3, guardMs: 100, now: c.now });
    expect(Array.from({ length: 7 }, () => limiter.reserve())).toEqual([0, 0, 0, 1100, 1100, 1100, 2200]);
  });

  it('in any 1 s window at most perSecond acquisitions complete, whatever the arrival pattern', () => {
    for (const [perSecond, guardMs] of [
      [20, 100],
      [20, 0],
      [24, 100],
      [7, 0],
    ]) {
      let t = 5_000_000;
      const limiter = new RateLimiter({ perSecond, guardMs, now: () => t });
      const done: number[] = [];
      // Callers arrive in bursts and trickles; each acquisition completes at now + its wait.
      let seed = perSecond;
      const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      for (let i = 0; i < 500; i++) {
        t += random() < 0.3 ? 0 : Math.floor(random() * 120);
        if (i % 97 === 0) t += 3000;
        done.push(t + limiter.reserve());
      }
      expect(mostInWindow(done)).toBe(perSecond);
      expect([...done].sort((a, b) => a - b)).toEqual(done);
    }
  });

  it('the real acquire() keeps the bound: 15 callers at once, at most 10 complete in any second', async () => {
    const limiter = new RateLimiter({ perSecond: 10, guardMs: 20 });
    const done: number[] = [];
    await Promise.all(Array.from({ length: 15 }, () => limiter.acquire().then(() => done.push(Date.now()))));
    done.sort((a, b) => a - b);
    // timers never fire early, so the completions are at least as far apart as the reserved starts
    expect(mostInWindow(done)).toBeLessThanOrEqual(10);
    expect(done).toHaveLength(15);
  });

  it('after a quiet spell the window is empty again', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 2, guardMs: 0, now: c.now });
    for (let i = 0; i < 5; i++) limiter.reserve();
    c.advance(10_000);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 1000]);
  });

  it('a 429 pauses every request of the bucket until its Retry-After has passed', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 20, now: c.now });
    limiter.pause(2000);
    expect(limiter.pausedUntil).toBe(c.now() + 2000);
    expect(limiter.reserve()).toBe(2000);
    // a shorter pause does not shorten it
    limiter.pause(500);
    expect(limiter.pausedUntil).toBe(c.now() + 2000);
    c.advance(2500);
    expect(limiter.pausedUntil).toBe(0);
  });

  it('acquire waits out a pause that starts while it waits', async () => {
    const limiter = new RateLimiter({ perSecond: 1000 });
    const started = Date.now();
    const waiting = limiter.acquire();
    limiter.pause(80);
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('a wait ends with the reason of the caller’s signal', async () => {
    const limiter = new RateLimiter({ perSecond: 1 });
    limiter.pause(60_000);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort('deadline');
    await expect(waiting).rejects.toBe('deadline');
    await expect(abortableSleep(10, controller.signal)).rejects.toBe('deadline');
  });

  it('names the option when the rate is not a positive number', () => {
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow('"maxRequestsPerSecond" must be a number above 0, got 0');
  });
});
