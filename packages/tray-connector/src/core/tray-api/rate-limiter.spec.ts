import { maxInWindow } from 'tray-api-emulator';
import { abortableSleep } from '../concurrency-pool';
import { RateLimiter } from './rate-limiter';

/** Acquisitions on jest's fake clock: the (fake) times, from the start, at which each was let go. */
async function letGo(limiter: RateLimiter, arrivals: { at: number; priority?: boolean; label?: string }[]) {
  const done: { at: number; label?: string }[] = [];
  const start = Date.now();
  const waiting: Promise<unknown>[] = [];
  for (const a of arrivals) {
    const wait = start + a.at - Date.now();
    if (wait > 0) await jest.advanceTimersByTimeAsync(wait);
    waiting.push(
      limiter.acquire(undefined, a.priority).then((release) => {
        done.push({ at: Date.now() - start, label: a.label });
        release();
      }),
    );
  }
  while (done.length < arrivals.length) await jest.advanceTimersByTimeAsync(10);
  await Promise.all(waiting);
  return done;
}

describe('RateLimiter', () => {
  describe('on a fake clock', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('lets perSecond requests go at once, then the next when the first leaves the window (one second and the guard)', async () => {
      const limiter = new RateLimiter({ perSecond: 3, guardMs: 100 });
      // (each released as soon as it is let go)
      const done = await letGo(
        limiter,
        Array.from({ length: 7 }, () => ({ at: 0 })),
      );
      expect(done.map((d) => d.at)).toEqual([0, 0, 0, 1100, 1100, 1100, 2200]);
    });

    it('in any 1 s window at most perSecond acquisitions complete, whatever the arrival pattern', async () => {
      for (const [perSecond, guardMs] of [
        [20, 100],
        [20, 0],
        [7, 0],
      ]) {
        const limiter = new RateLimiter({ perSecond, guardMs });
        let seed = perSecond;
        const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
        let at = 0;
        const arrivals = Array.from({ length: 300 }, (_, i) => {
          at += random() < 0.3 ? 0 : Math.floor(random() * 120) + (i % 97 === 0 ? 3000 : 0);
          return { at, priority: random() < 0.3 };
        });
        const done = (await letGo(limiter, arrivals)).map((d) => d.at);
        expect(done).toHaveLength(300);
        expect(maxInWindow(done)).toBe(perSecond);
      }
    });

    it('uploads (priority) go before the polls that wait with them', async () => {
      const limiter = new RateLimiter({ perSecond: 2, guardMs: 0 });
      const done = await letGo(limiter, [
        { at: 0, label: 'poll 1' },
        { at: 0, label: 'poll 2' },
        { at: 0, label: 'poll 3' },
        { at: 0, label: 'poll 4' },
        { at: 10, label: 'upload 1', priority: true },
        { at: 10, label: 'upload 2', priority: true },
      ]);
      expect(done).toEqual([
        { at: 0, label: 'poll 1' },
        { at: 0, label: 'poll 2' },
        { at: 1000, label: 'upload 1' },
        { at: 1000, label: 'upload 2' },
        { at: 2000, label: 'poll 3' },
        { at: 2000, label: 'poll 4' },
      ]);
    });

    it('after a quiet spell the window is empty again', async () => {
      const limiter = new RateLimiter({ perSecond: 2, guardMs: 0 });
      const done = await letGo(limiter, [{ at: 0 }, { at: 0 }, { at: 0 }, { at: 10_000 }, { at: 10_000 }, { at: 10_000 }]);
      expect(done.map((d) => d.at)).toEqual([0, 0, 1000, 10_000, 10_000, 11_000]);
    });

    it('a 429 pauses every request of the limiter until its Retry-After has passed', async () => {
      const limiter = new RateLimiter({ perSecond: 20 });
      limiter.pause(2000);
      expect(limiter.pausedUntil).toBe(Date.now() + 2000);
      // a shorter pause does not shorten it
      limiter.pause(500);
      expect(limiter.pausedUntil).toBe(Date.now() + 2000);
      const done = await letGo(limiter, [{ at: 0 }, { at: 100 }]);
      expect(done.map((d) => d.at)).toEqual([2000, 2000]);
      expect(limiter.pausedUntil).toBe(0);
    });

    it('a request in flight holds its place until its answer is back, then for the window after it', async () => {
      const limiter = new RateLimiter({ perSecond: 2 });
      const start = Date.now();
      const times: number[] = [];
      const releases: (() => void)[] = [];
      const all = [0, 1, 2].map(() =>
        limiter.acquire().then((release) => {
          times.push(Date.now() - start);
          releases.push(release);
        }),
      );
      await jest.advanceTimersByTimeAsync(5000);
      expect(times).toEqual([0, 0]);
      // the first answer comes back at 5 s: Tray may have seen it just then, so the third waits a window more
      releases[0]();
      await jest.advanceTimersByTimeAsync(999);
      expect(times).toEqual([0, 0]);
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all(all);
      expect(times).toEqual([0, 0, 6000]);
      releases.forEach((r) => r());
    });

    it('a 429 that arrives while a request waits for the window pauses it too', async () => {
      const limiter = new RateLimiter({ perSecond: 1, guardMs: 0 });
      const start = Date.now();
      const times: number[] = [];
      const both = [limiter.acquire(), limiter.acquire()].map((p) => p.then((release) => (times.push(Date.now() - start), release())));
      await jest.advanceTimersByTimeAsync(500);
      limiter.pause(3000);
      await jest.advanceTimersByTimeAsync(4000);
      await Promise.all(both);
      expect(times).toEqual([0, 3500]);
    });
  });

  it('the real acquire() keeps the bound: 15 callers at once, at most 10 let go in any second', async () => {
    const limiter = new RateLimiter({ perSecond: 10, guardMs: 20 });
    const done: number[] = [];
    await Promise.all(Array.from({ length: 15 }, () => limiter.acquire().then((release) => (done.push(Date.now()), release()))));
    expect(done).toHaveLength(15);
    expect(maxInWindow(done)).toBeLessThanOrEqual(10);
  });

  it('a wait ends with the reason of the caller’s signal', async () => {
    const limiter = new RateLimiter({ perSecond: 1 });
    limiter.pause(60_000);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort('deadline');
    await expect(waiting).rejects.toBe('deadline');
    expect(limiter.waiting).toBe(0);
    await expect(limiter.acquire(controller.signal)).rejects.toBe('deadline');
    await expect(abortableSleep(10, controller.signal)).rejects.toBe('deadline');
  });

  it('below one request a second, one request in a longer window', () => {
    expect(new RateLimiter({ perSecond: 0.5 }).windowMs).toBe(2000);
    expect(new RateLimiter({ perSecond: 20.5 }).windowMs).toBe(1000);
  });

  it('names the option when the rate is not a positive number', () => {
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow('"maxRequestsPerSecond" must be a number above 0, got 0');
  });
});
