import { TrayConnectorError } from '../errors';

/**
 * One budget for a whole import: schema nodes visited by every walk (types, samples, the search
 * for shared schemas) and bytes of code generated. Repeated schemas are written once (named
 * types), so a real spec stays far below it; a spec that still exceeds it (a YAML alias or
 * `$ref` bomb: each level repeating the one below) ends within seconds with an error that names
 * the operation being generated.
 */
export interface BudgetLimits {
  nodes: number;
  bytes: number;
  /** Values taken from the spec and written out: enum values, consts, defaults (default: IMPORT_BUDGET.values). */
  values?: number;
}

export const IMPORT_BUDGET: Required<BudgetLimits> = { nodes: 1_000_000, bytes: 64 * 1024 * 1024, values: 1_000_000 };
/** How deep a walk may nest (named types inside named types, sample values): far beyond any real schema, well within the JS stack. */
export const MAX_NESTING = 200;

export class ImportBudgetError extends TrayConnectorError {
  constructor(message: string) {
    super(message);
    this.name = 'ImportBudgetError';
  }
}

let active: ImportBudget | undefined;

/** The budget of the operation being generated (see ImportBudget.run), if any. */
export function activeBudget(): ImportBudget | undefined {
  return active;
}

export class ImportBudget {
  nodes = 0;
  bytes = 0;
  values = 0;
  /** The operation being generated, for the error. */
  operation?: string;

  constructor(readonly limits: BudgetLimits = IMPORT_BUDGET) {}

  /** `count` schema nodes visited (more than one: a part written once and repeated, counted as if written out). */
  visit(count = 1): void {
    this.nodes += count;
    if (this.nodes > this.limits.nodes) this.exceeded(`more than ${this.limits.nodes} schema nodes visited`);
  }

  /**
   * `count` values from the spec about to be written (an enum's values, a const, a default), counted
   * before any is written: a spec with millions of enum values ends here, not after writing them (28.6).
   */
  value(count = 1): void {
    this.values += count;
    const limit = this.limits.values ?? IMPORT_BUDGET.values;
    if (this.values > limit) this.exceeded(`more than ${limit} values (enum values, consts, defaults) written`);
  }

  /** Bytes generated (negative: text the walk dropped again). */
  write(bytes: number): void {
    this.bytes += bytes;
    if (bytes > 0 && this.bytes > this.limits.bytes) this.exceeded(`more than ${this.limits.bytes} bytes of code generated`);
  }

  /**
   * Runs `render` (synchronous) as `operation` with this budget active, so every schema walk in
   * it counts here; `size` then replaces what the walks counted by the size of what it returned.
   */
  run<T>(operation: string, render: () => T, size?: (result: T) => number): T {
    const [previous, previousOperation, before] = [active, this.operation, this.bytes];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- which budget the walks of this operation count against
    active = this;
    this.operation = operation;
    try {
      const result = render();
      if (size) {
        this.bytes = before;
        this.write(size(result));
      }
      return result;
    } finally {
      active = previous;
      this.operation = previousOperation;
    }
  }

  /** Ends the import (naming the operation) for `what`, e.g. a nesting deeper than MAX_NESTING. */
  exceeded(what: string): never {
    throw new ImportBudgetError(
      `The import budget ran out${this.operation ? ` at operation ${this.operation}` : ''}: ${what} ` +
        `(one budget for the whole spec: ${this.limits.nodes} schema nodes, ${this.limits.values ?? IMPORT_BUDGET.values} values, ${this.limits.bytes} bytes of code). ` +
        'Its schemas repeat or nest too much to be written out (a YAML alias or $ref bomb?): leave it out with --operations or --tags, or simplify its schemas.',
    );
  }
}
