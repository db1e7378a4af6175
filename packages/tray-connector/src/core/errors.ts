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
