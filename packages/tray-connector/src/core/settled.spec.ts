import { asSettled, type Settled } from './settled';

/** A promise settled by the test, when it says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback already queued run (promise reactions are microtasks; a macrotask comes after them all). */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('asSettled', () => {
  it('yields in the order the promises settle, not the order they were given, each with its index', async () => {
    const [a, b, c] = [deferred<string>(), deferred<string>(), deferred<string>()];
    const it = asSettled([a.promise, b.promise, c.promise]);
    const first = it.next();
    c.resolve('c');
    expect(await first).toEqual({ done: false, value: { index: 2, status: 'fulfilled', value: 'c' } });
    const second = it.next();
    a.resolve('a');
    expect(await second).toEqual({ done: false, value: { index: 0, status: 'fulfilled', value: 'a' } });
    b.resolve('b');
    expect(await it.next()).toEqual({ done: false, value: { index: 1, status: 'fulfilled', value: 'b' } });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('does not wait for the slowest: an outcome is yielded while another promise is still pending', async () => {
    const slow = deferred<number>();
    const it = asSettled([slow.promise, Promise.resolve(1)]);
    expect(await it.next()).toEqual({ done: false, value: { index: 1, status: 'fulfilled', value: 1 } });
    let next: IteratorResult<Settled<number>> | undefined;
    const pending = it.next().then((r) => (next = r));
    await drain();
    expect(next).toBeUndefined();
    slow.resolve(0);
    await pending;
    expect(next).toEqual({ done: false, value: { index: 0, status: 'fulfilled', value: 0 } });
  });

  it('yields a rejection as an outcome and goes on with the others', async () => {
    const error = new Error('region eu refused');
    const outcomes: Settled<string>[] = [];
    for await (const outcome of asSettled([Promise.reject(error), Promise.resolve('us')])) outcomes.push(outcome);
    expect(outcomes).toHaveLength(2);
    expect(outcomes).toContainEqual({ index: 0, status: 'rejected', reason: error });
    expect(outcomes).toContainEqual({ index: 1, status: 'fulfilled', value: 'us' });
  });

  it('keeps outcomes that settle together, none lost or repeated', async () => {
    const all = Array.from({ length: 50 }, () => deferred<number>());
    const it = asSettled(all.map((d) => d.promise));
    const first = it.next();
    // Everything settles before the consumer looks again.
    all.forEach((d, i) => (i % 3 ? d.resolve(i) : d.reject(i)));
    const seen = [(await first).value as Settled<number>];
    for (let r = await it.next(); !r.done; r = await it.next()) seen.push(r.value);
    expect(seen.map((s) => s.index).sort((x, y) => x - y)).toEqual(all.map((_d, i) => i));
    for (const s of seen) expect(s.status).toBe(s.index % 3 ? 'fulfilled' : 'rejected');
  });

  it('ends at once for no promises, and takes any iterable of thenables', async () => {
    expect(await asSettled([]).next()).toEqual({ done: true, value: undefined });
    function* gen() {
      yield Promise.resolve('x');
      yield { then: (ok: (v: string) => void) => ok('y') } as PromiseLike<string>;
    }
    const values: string[] = [];
    for await (const s of asSettled(gen())) if (s.status === 'fulfilled') values.push(s.value);
    expect(values.sort()).toEqual(['x', 'y']);
  });

  it('leaves no unhandled rejection when the caller stops after the first outcome', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = deferred<string>();
      for await (const outcome of asSettled([Promise.resolve('first'), late.promise])) {
        expect(outcome.index).toBe(0);
        break;
      }
      late.reject(new Error('after the caller left'));
      await drain();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
