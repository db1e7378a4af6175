import type { Logger } from '../logger';
import { printable, redact } from '../redact';
import type { Region } from './regions';

/**
 * Progress of a deploy or share, per region: on a terminal one live line per region
 * (rewritten in place), elsewhere (CI logs) plain timestamped lines, and at the end the summary table.
 */

export type ProgressEvent =
  | { type: 'start'; region: Region; message: string }
  | { type: 'submitted'; region: Region; deploymentId: string; status: string }
  | { type: 'status'; region: Region; deploymentId: string; status: string }
  | { type: 'retry'; region: Region; operation: string; retry: number; retries: number; reason: string; delayMs: number; leftMs?: number }
  | { type: 'note'; region: Region; message: string }
  | { type: 'done'; region: Region; ok: boolean; status: string; message?: string };

export interface ProgressReporter {
  event(event: ProgressEvent): void;
  /** Stops live output and prints the summary (the table). */
  finish(summary: string): void;
}

/** A TrayClient `onRetry` for `region`: each retry becomes that region's `retry` progress event. */
export function reportRetries(
  progress: ProgressReporter,
  region: Region,
): (e: Omit<Extract<ProgressEvent, { type: 'retry' }>, 'type' | 'region'>) => void {
  return (e) =>
    progress.event({
      type: 'retry',
      region,
      operation: e.operation,
      retry: e.retry,
      retries: e.retries,
      reason: e.reason,
      delayMs: e.delayMs,
      leftMs: e.leftMs,
    });
}

/** A reporter that ignores everything (the core's default). */
export const silentProgress: ProgressReporter = { event: () => undefined, finish: () => undefined };

export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  logger: Logger;
  /** Where live lines are drawn when `tty` is true; default process.stdout. */
  stream?: TerminalStream;
  /** Live lines (true) or timestamped lines (false); default: stream.isTTY and not CI. */
  tty?: boolean;
  /** Regions in display order (live mode draws one line for each). */
  regions?: readonly Region[];
  now?(): number;
  /** Redraw period of the elapsed-time counters in live mode; 0 disables the timer. Default 1000 ms. */
  tickMs?: number;
  /** Masked (in all their encoded forms) in live lines, which are written to the stream directly. */
  secrets?: readonly string[];
}

interface RegionState {
  startedAt: number;
  text: string;
  deploymentId?: string;
  retry?: string;
  done?: boolean;
  ok?: boolean;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m${String(whole % 60).padStart(2, '0')}s`;
}

/** A plain-text table: header, rule, rows; columns padded to the widest cell. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The text of an event, without region or time (both added by the reporter). */
export function describeEvent(event: ProgressEvent): string {
  switch (event.type) {
    case 'start':
    case 'note':
      return event.message;
    case 'submitted':
      return `submitted, deployment ${event.deploymentId}: ${event.status}`;
    case 'status':
      return `${event.status} (deployment ${event.deploymentId})`;
    case 'retry':
      return Number.isFinite(event.retries)
        ? `${event.operation} request failed (${event.reason}); retry ${event.retry}/${event.retries} in ${formatDuration(event.delayMs)}`
        : `${event.operation} request failed (${event.reason}); retry ${event.retry} in ${formatDuration(event.delayMs)}` +
            (event.leftMs !== undefined ? `, retrying until the deadline (${formatDuration(event.leftMs)} left)` : '');
    case 'done':
      return event.ok ? event.status : `${event.status}${event.message ? `: ${shorten(event.message, event.region)}` : ''}`;
  }
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stdout;
  const tty = options.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  const now = options.now ?? Date.now;
  const states = new Map<Region, RegionState>();
  for (const region of options.regions ?? []) states.set(region, { startedAt: now(), text: 'waiting' });
  const state = (region: Region) => {
    let s = states.get(region);
    if (!s) {
      s = { startedAt: now(), text: 'waiting' };
      states.set(region, s);
    }
    return s;
  };
  return tty ? liveReporter() : lineReporter();

  function lineReporter(): ProgressReporter {
    return {
      event(event) {
        const s = state(event.region);
        const elapsed = formatDuration(now() - s.startedAt);
        const text = `${new Date(now()).toISOString()} ${event.region.padEnd(4)} ${describeEvent(event)} [${elapsed}]`;
        if (event.type === 'retry' || (event.type === 'done' && !event.ok)) options.logger.warn(text);
        else options.logger.info(text);
      },
      finish(summary) {
        options.logger.info(summary);
      },
    };
  }

  function liveReporter(): ProgressReporter {
    let drawn = 0;
    let finished = false;
    const width = () => Math.max(40, (stream.columns || 120) - 1);
    const draw = () => {
      let out = drawn ? `\x1b[${drawn}A` : '';
      const lines = [...states.entries()].map(([region, s]) => {
        const mark = s.done ? (s.ok ? 'done' : 'FAIL') : '....';
        const elapsed = formatDuration(now() - s.startedAt);
        const retry = s.retry && !s.done ? `  (${s.retry})` : '';
        // The only control characters written are the reporter's own: every text is made printable here too.
        return `${mark} ${region.padEnd(4)} ${elapsed.padStart(7)}  ${printable(s.text)}${printable(retry)}`.slice(0, width());
      });
      for (const l of lines) out += `\r\x1b[2K${l}\n`;
      drawn = lines.length;
      stream.write(options.secrets?.length ? redact(out, options.secrets) : out);
    };
    const timer = options.tickMs === 0 ? undefined : setInterval(draw, options.tickMs ?? 1000);
    timer?.unref();
    return {
      event(event) {
        if (finished) return;
        const s = state(event.region);
        if (event.type === 'retry')
          s.retry = `retry ${event.retry}${Number.isFinite(event.retries) ? `/${event.retries}` : ''}: ${event.reason}`;
        else {
          s.text = describeEvent(event);
          s.retry = undefined;
        }
        if (event.type === 'done') {
          s.done = true;
          s.ok = event.ok;
        }
        draw();
      },
      finish(summary) {
        if (timer) clearInterval(timer);
        if (!finished && drawn && [...states.values()].some((s) => !s.done)) draw();
        finished = true;
        options.logger.info(summary);
      },
    };
  }
}

/** The first line of a failure, without the region prefix the reporter already shows, at most 200 characters. */
function shorten(text: string, region: Region): string {
  const line = text.split('\n')[0].replace(new RegExp(`^${region}: `), '');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
