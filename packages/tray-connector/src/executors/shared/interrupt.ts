/**
 * While `run` runs, SIGINT and SIGTERM abort the signal it gets instead of killing the process, so
 * a deploy can say which deployments are still in flight at Tray before it exits non-zero. A
 * second signal is not caught (the listeners are once-only): it ends the process as usual.
 */
export async function whileInterruptible<T>(
  run: (signal: AbortSignal) => Promise<T>,
  onSignal: (name: NodeJS.Signals) => void,
): Promise<{ result: T; interruptedBy?: NodeJS.Signals }> {
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      interruptedBy = name;
      onSignal(name);
      controller.abort(name);
    };
    process.once(name, handler);
    return [name, handler] as const;
  });
  try {
    return { result: await run(controller.signal), interruptedBy };
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}
