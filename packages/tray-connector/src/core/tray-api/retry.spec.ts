import { Deadline } from './deadline';
import { StoppedError } from '../errors';
import { backoffDelay, parseRetryAfter, withRetry } from './retry';

describe('retry', () => {
  it('backs off exponentially with jitter in [d/2, d], capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(2, policy);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('retries retryable failures a bounded number of times, reporting each', async () => {
    const waits: number[] = [];
    const events: string[] = [];
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('boom');
        },
        {
          policy: { retries: 3, baseDelayMs: 10, maxDelayMs: 100 },
          classify: () => ({ retry: true, reason: 'HTTP 503' }),
          onRetry: (e) => events.push(`${e.retry}/${e.retries} ${e.reason}`),
          sleep: async (ms) => {
            waits.push(ms);
          },
          random: () => 1,
        },
      ),
    ).rejects.toThrow('boom');
    expect(calls).toBe(4);
    expect(waits).toEqual([10, 20, 40]);
    expect(events).toEqual(['1/3 HTTP 503', '2/3 HTTP 503', '3/3 HTTP 503']);
  });

  it('uses the server-requested wait (bounded) and stops at once on a final failure', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 2) throw new Error('429');
        return 'ok';
      },
      {
        policy: { maxRetryAfterMs: 2000 },
        classify: () => ({ retry: true, reason: '429', retryAfterMs: 9000 }),
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([2000]);
    calls = 0;
    await expect(
      withRetry(async () => (calls++, Promise.reject(new Error('401'))), { classify: () => ({ retry: false, reason: '401' }) }),
    ).rejects.toThrow('401');
    expect(calls).toBe(1);
  });

  describe('with a deadline', () => {
    it('retries without a count until the deadline, then stops naming the last problem', async () => {
      const deadline = new Deadline(1000);
      let calls = 0;
      const err = await withRetry(
        async () => {
          calls++;
          throw new Error('503');
        },
        {
          policy: { retries: Infinity, baseDelayMs: 1, maxDelayMs: 5 },
          deadline,
          operation: 'status',
          classify: () => ({ retry: true, reason: 'HTTP 503' }),
        },
      ).catch((e) => e);
      deadline.dispose();
      expect(err).toBeInstanceOf(StoppedError);
      expect(err).toMatchObject({ stop: 'deadline', detail: { operation: 'status', lastReason: 'HTTP 503' } });
      expect(calls).toBeGreaterThan(5);
    });

    it('honours a Retry-After that fits, beyond maxRetryAfterMs, and refuses one longer than the time left', async () => {
      const deadline = new Deadline(10_000);
      let calls = 0;
      const started = Date.now();
      const ok = await withRetry(async () => (++calls < 2 ? Promise.reject(new Error('429')) : 'ok'), {
        policy: { maxRetryAfterMs: 10 },
        deadline,
        classify: () => ({ retry: true, reason: '429', retryAfterMs: 200 }),
      });
      expect(ok).toBe('ok');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const err = await withRetry(async () => Promise.reject(new Error('429')), {
        deadline,
        operation: 'deploy',
        classify: () => ({ retry: true, reason: '429', retryAfterMs: 100_000_000 }),
      }).catch((e) => e);
      deadline.dispose();
      expect(err).toMatchObject({ stop: 'retry-after', detail: { operation: 'deploy', retryAfterMs: 100_000_000 } });
    });

    it('an interrupt ends a wait at once', async () => {
      const interrupt = new AbortController();
      const deadline = new Deadline(60_000, { interrupt: interrupt.signal });
      setTimeout(() => interrupt.abort(), 50);
      const err = await withRetry(async () => Promise.reject(new Error('x')), {
        policy: { baseDelayMs: 30_000, maxDelayMs: 30_000 },
        deadline,
        classify: () => ({ retry: true, reason: 'HTTP 500' }),
      }).catch((e) => e);
      deadline.dispose();
      expect(err).toMatchObject({ stop: 'interrupted' });
    });
  });
});
