/** One promise's outcome, with its position in the list it was given in. */
export type Settled<T> = { index: number; status: 'fulfilled'; value: T } | { index: number; status: 'rejected'; reason: unknown };

/**
 * Yields each promise's outcome as soon as it settles (first settled, first yielded), like
 * `Promise.allSettled` but without waiting for the slowest. A rejection is yielded as an outcome,
 * never thrown, so one failure does not hide the others. Every promise is observed at once (none
 * is left as an unhandled rejection), also when the caller stops iterating early.
 */
export async function* asSettled<T>(promises: Iterable<PromiseLike<T>>): AsyncGenerator<Settled<T>, void, undefined> {
  const ready: Settled<T>[] = [];
  let wake: (() => void) | undefined;
  const settle = (outcome: Settled<T>) => {
    ready.push(outcome);
    wake?.();
  };
  let count = 0;
  for (const promise of promises) {
    const index = count++;
    Promise.resolve(promise).then(
      (value) => settle({ index, status: 'fulfilled', value }),
      (reason: unknown) => settle({ index, status: 'rejected', reason }),
    );
  }
  for (let yielded = 0; yielded < count; yielded++) {
    if (!ready.length) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    yield ready.shift() as Settled<T>;
  }
}
