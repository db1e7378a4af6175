import type { RegionOutcomeLike } from '../../core/deploy/deploy-result';
import type { ProgressEvent, ProgressReporter } from '../../core/tray-api/progress';
import { resolveRegionEndpoints, type Region } from '../../core/tray-api/regions';
import { TrayClient } from '../../core/tray-api/tray-client';

/**
 * What each running deploy task has in flight at Tray, kept up to date from its progress events
 * (so core/deploy needs no hook), and readable at once from a signal handler: when SIGINT or
 * SIGTERM arrives, every region of every task still in flight is listed and each task's
 * deploy-result.json written before anything else happens (Nx may silence or kill the process
 * right after; see executors/shared/interrupt.ts).
 */

interface RegionFlight {
  startedAt: number;
  deploymentId?: string;
  status?: string;
  statusUrl?: string;
  done?: { ok: boolean; status: string; message?: string };
}

export interface InFlightTaskInfo {
  project: string;
  name: string;
  version: string;
  /** Resolves each region's base URL for the status URLs (as deploy does). */
  apiUrls?: Record<string, string | undefined>;
  /** Writes the task's deploy-result.json (and step summary) with these regions; called once, from the signal handler. */
  record(regions: RegionOutcomeLike[], signal: string): void;
}

export class InFlightTracker {
  private readonly regions = new Map<Region, RegionFlight>();
  private readonly clients = new Map<Region, TrayClient>();
  /** Set once the signal handler has listed this task and written its result. */
  reported: string | undefined;
  /** The lines listed then. */
  reportedLines: string[] = [];

  constructor(readonly info: InFlightTaskInfo) {}

  /** A reporter that tells this tracker every event, then passes it on. */
  wrap(progress: ProgressReporter): ProgressReporter {
    return {
      event: (e) => {
        this.observe(e);
        progress.event(e);
      },
      finish: (summary) => progress.finish(summary),
    };
  }

  observe(e: ProgressEvent): void {
    if (e.type === 'start') this.regions.set(e.region, { startedAt: Date.now() });
    const flight = this.regions.get(e.region);
    if (!flight) return;
    if (e.type === 'submitted' || e.type === 'status') {
      flight.deploymentId = e.deploymentId;
      flight.status = e.status;
      flight.statusUrl = this.url(e.region, e.deploymentId);
    } else if (e.type === 'done') {
      flight.done = { ok: e.ok, status: e.status, message: e.message };
    }
  }

  /** One line per region still in flight: its deployment and status URL, or that no answer came yet. */
  lines(): string[] {
    const out: string[] = [];
    for (const [region, f] of this.regions) {
      if (f.done) continue;
      out.push(
        f.deploymentId
          ? `${this.info.project}: ${region}: deployment ${f.deploymentId} (${f.status}), status ${f.statusUrl ?? 'unknown'}`
          : `${this.info.project}: ${region}: deploy request sent, no answer yet; check GET ${this.url(region, 'latest') ?? '(unknown base URL)'}`,
      );
    }
    return out;
  }

  /** Every region started, as the result file takes them: finished ones as they ended, the others Interrupted. */
  outcomes(signal: string): RegionOutcomeLike[] {
    return [...this.regions].map(([region, f]) => {
      const durationMs = Date.now() - f.startedAt;
      if (f.done)
        return { region, ok: f.done.ok, status: f.done.status, message: f.done.message, deploymentId: f.deploymentId, durationMs };
      const message = f.deploymentId
        ? `interrupted (${signal}) while deployment ${f.deploymentId} was ${f.status}; it may still finish: check GET ${f.statusUrl}`
        : `interrupted (${signal}) while sending: the deploy request was sent and no answer came yet, so Tray may or may not have taken it: check GET ${this.url(region, 'latest') ?? 'the latest deployment'}`;
      return { region, ok: false, status: 'Interrupted', deploymentId: f.deploymentId, statusUrl: f.statusUrl, durationMs, message };
    });
  }

  private url(region: Region, id: string): string | undefined {
    let client = this.clients.get(region);
    if (!client) {
      try {
        const endpoint = resolveRegionEndpoints([region], { apiUrls: this.info.apiUrls, requireToken: false }).endpoints[0];
        if (!endpoint) return undefined;
        client = new TrayClient({ endpoint: { ...endpoint, token: '' } });
      } catch {
        return undefined;
      }
      this.clients.set(region, client);
    }
    return client.url(client.statusPath(this.info.name, this.info.version, id));
  }
}

const active = new Set<InFlightTracker>();

/** Registers a running task; the returned function unregisters it. */
export function trackDeploy(tracker: InFlightTracker): () => void {
  active.add(tracker);
  return () => active.delete(tracker);
}

/**
 * From a signal handler: writes every running task's deploy-result.json and returns the lines of
 * every region still in flight (empty when none is).
 */
export function reportInFlight(signal: string): string[] {
  const lines: string[] = [];
  for (const tracker of active) {
    if (tracker.reported) continue;
    tracker.reported = signal;
    tracker.reportedLines = tracker.lines();
    lines.push(...tracker.reportedLines);
    try {
      tracker.info.record(tracker.outcomes(signal), signal);
    } catch {
      // the listing matters more than the file; record() reports its own problems
    }
  }
  return lines;
}

/** The notice printed when a signal arrives. */
export function inFlightNotice(signal: string, lines: readonly string[], batch: boolean): string {
  const stopping = `${signal} received: stopping ${batch ? 'every deploy of the batch' : 'the deploy'}`;
  if (!lines.length) return `${stopping}; nothing was in flight at Tray.`;
  return (
    `${stopping}. In flight at Tray (deployments already sent keep running there and may still finish; check each status URL with that region's token):\n` +
    lines.map((l) => `  ${l}`).join('\n')
  );
}
