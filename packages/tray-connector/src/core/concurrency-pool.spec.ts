import { ConcurrencyPool } from './concurrency-pool';

describe('ConcurrencyPool', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  };

  it('runs at most `size` tasks at once, the others in order as places free up', async () => {
    const pool = new ConcurrencyPool(2);
    const gates = [gate(), gate(), gate(), gate()];
    const order: number[] = [];
    let most = 0;
    const runs = gates.map((g, i) =>
      pool.run(async () => {
        order.push(i);
        most = Math.max(most, pool.running);
        await g.opened;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    expect(pool.queued).toBe(2);
    gates[1].open();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
    expect(pool.running).toBe(0);
  });

  it('gives the place back when a task fails', async () => {
    const pool = new ConcurrencyPool(1);
    await expect(pool.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pool.run(async () => 'next')).resolves.toBe('next');
  });

  it('a waiter whose signal aborts leaves the queue with its reason', async () => {
    const pool = new ConcurrencyPool(1);
    const g = gate();
    const first = pool.run(() => g.opened);
    const controller = new AbortController();
    const second = pool.run(async () => 'never', controller.signal);
    controller.abort('interrupted');
    await expect(second).rejects.toBe('interrupted');
    expect(pool.queued).toBe(0);
    g.open();
    await first;
    expect(pool.running).toBe(0);
  });
});
