import { RateLimiter, abortableSleep } from './rate-limiter';

describe('RateLimiter', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('lets a burst go at once, then one request every 1/perSecond', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 20, burst: 3, now: c.now });
    const waits = Array.from({ length: 6 }, () => limiter.reserve());
    expect(waits).toEqual([0, 0, 0, 50, 100, 150]);
  });

  it('never lets more than perSecond + burst start in any second', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 20, burst: 3, now: c.now });
    const starts = Array.from({ length: 200 }, () => c.now() + limiter.reserve());
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i] - starts[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(23);
    expect(most).toBeGreaterThanOrEqual(20);
  });

  it('fills again after a quiet spell, up to the burst only', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, now: c.now });
    for (let i = 0; i < 5; i++) limiter.reserve();
    c.advance(10_000);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 100]);
  });

  it('a 429 pauses every request of the bucket until its Retry-After has passed', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 20, burst: 3, now: c.now });
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
    const limiter = new RateLimiter({ perSecond: 1000, burst: 1 });
    limiter.reserve();
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
