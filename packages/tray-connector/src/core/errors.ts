/**
 * An error meant for a person: its message says what is wrong and what to change
 * (the file, option or environment variable). Executors print `message` alone,
 * never a stack trace, for these.
 */
export class TrayConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrayConnectorError';
  }
}

/** Several independent problems found at once (e.g. every invalid field of connector.json). */
export class ValidationError extends TrayConnectorError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

export function isTrayConnectorError(e: unknown): e is TrayConnectorError {
  return e instanceof TrayConnectorError;
}

/**
 * Runs checks that throw TrayConnectorError and keeps each message instead, so every problem
 * found before a request can be reported at once. Other errors still throw.
 */
export function problemCollector(): { problems: string[]; collect<T>(check: () => T): T | undefined } {
  const problems: string[] = [];
  return {
    problems,
    collect<T>(check: () => T): T | undefined {
      try {
        return check();
      } catch (e) {
        if (!(e instanceof TrayConnectorError)) throw e;
        problems.push(e.message);
        return undefined;
      }
    },
  };
}

/**
 * Throws the problems found before any request: one alone as it is, several as one list under
 * `Nothing was sent to Tray:`. Does nothing when there is none.
 */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new TrayConnectorError(
    problems.length === 1
      ? problems[0]
      : `Nothing was sent to Tray:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`,
  );
}

/** Why work on a region stopped before it ended by itself. */
export type StopKind = 'deadline' | 'interrupted' | 'retry-after';

/**
 * The region's deadline passed, the user interrupted (SIGINT/SIGTERM), or Tray asked to wait
 * (Retry-After) longer than the time left. Callers turn it into a message with the deployment id
 * and the URL to check; `detail` says what was going on.
 */
export class StoppedError extends TrayConnectorError {
  constructor(
    message: string,
    readonly stop: StopKind,
    readonly detail: { operation?: string; lastReason?: string; retryAfterMs?: number; leftMs?: number } = {},
  ) {
    super(message);
    this.name = 'StoppedError';
  }
}
