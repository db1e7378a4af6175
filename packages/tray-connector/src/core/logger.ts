/**
 * The logging surface core code writes to. Executors pass an adapter over Nx's
 * `logger`; tests pass a recorder. Core never writes to the console directly.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Detail only shown with --verbose. */
  debug?(message: string): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/** A logger that keeps every line, for tests and for summaries. */
export function createRecordingLogger(): Logger & { lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    debug: (m) => lines.push(m),
    text: () => lines.join('\n'),
  };
}
