import AdmZip from 'adm-zip';
import { randomUUID } from 'crypto';
import type { EmulatorDeployment, EmulatorRegion, EmulatorShare, EmulatorSnapshot, FailureReason, RecordedRequest } from './types';

/**
 * What the emulator remembers: the requests it saw, the deployments it accepted (with their zips
 * and lifecycle Deploying -> Building -> final status) and the shares. No HTTP, no faults.
 */
export interface EmulatorState {
  tokens: Record<EmulatorRegion, string>;
  requests: RecordedRequest[];
  deployments: EmulatorDeployment[];
  shares: EmulatorShare[];
  deployDelayMs: number;
  nextSeq(): number;
  /** A deployment of this name and version still running in the region (repeatDeployment). */
  running(region: EmulatorRegion, name: string, version: string): EmulatorDeployment | undefined;
  /** `id` or `latest`. */
  find(region: EmulatorRegion, name: string, version: string, id: string): EmulatorDeployment | undefined;
  isDeployed(region: EmulatorRegion, name: string, version: string): boolean;
  /** The most recent deployment of this name and version that ended Deployed in the region (what Tray serves). */
  latestDeployed(region: EmulatorRegion, name: string, version: string): EmulatorDeployment | undefined;
  /** Accepts a deployment (with `outcome.id`, else a random UUID); it ends `outcome.status` (default Deployed) after deployDelayMs. */
  startDeployment(
    region: EmulatorRegion,
    name: string,
    version: string,
    zip: Buffer,
    zipSha256: string,
    outcome?: { status: string; reason?: FailureReason; id?: string },
  ): EmulatorDeployment;
  addShare(share: Omit<EmulatorShare, 'time'>): void;
  /** Runs fn after ms unless the emulator closes first. */
  later(ms: number, fn: () => void): void;
  /** The clock requests are stamped with (EmulatorOptions.now). */
  now(): number;
  reset(): void;
  snapshot(url: string, regions: Record<EmulatorRegion, string>, rates: EmulatorSnapshot['rates']): EmulatorSnapshot;
  stopTimers(): void;
}

export function createState(options: {
  tokens: Record<EmulatorRegion, string>;
  deployDelayMs: number;
  buildingAfterMs?: number;
  now?: () => number;
}): EmulatorState {
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  const state: EmulatorState = {
    tokens: options.tokens,
    requests: [],
    deployments: [],
    shares: [],
    deployDelayMs: options.deployDelayMs,
    nextSeq: () => ++seq,
    running: (region, name, version) =>
      state.deployments.find(
        (d) => d.region === region && d.name === name && d.version === version && (d.status === 'Deploying' || d.status === 'Building'),
      ),
    find: (region, name, version, id) => {
      const candidates = state.deployments.filter((d) => d.region === region && d.name === name && d.version === version);
      return id === 'latest' ? candidates[candidates.length - 1] : candidates.find((d) => d.id === id);
    },
    isDeployed: (region, name, version) =>
      state.deployments.some((d) => d.region === region && d.name === name && d.version === version && d.status === 'Deployed'),
    latestDeployed: (region, name, version) =>
      [...state.deployments]
        .reverse()
        .find((d) => d.region === region && d.name === name && d.version === version && d.status === 'Deployed'),
    startDeployment(region, name, version, zip, zipSha256, outcome = { status: 'Deployed' }) {
      const deployment: EmulatorDeployment = {
        id: outcome.id ?? randomUUID(),
        region,
        name,
        version,
        status: 'Deploying',
        zip,
        zipSha256,
        createdAt: new Date().toISOString(),
      };
      state.deployments.push(deployment);
      const delay = state.deployDelayMs;
      if (options.buildingAfterMs !== undefined && options.buildingAfterMs < delay) {
        state.later(options.buildingAfterMs, () => {
          if (deployment.status === 'Deploying') deployment.status = 'Building';
        });
      }
      state.later(delay, () => {
        deployment.status = outcome.status;
        if (outcome.reason) deployment.reason = outcome.reason;
        deployment.finishedAt = new Date().toISOString();
      });
      return deployment;
    },
    addShare: (share) => state.shares.push({ ...share, time: new Date().toISOString() }),
    now: options.now ?? Date.now,
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    reset() {
      state.requests.length = 0;
      state.deployments.length = 0;
      state.shares.length = 0;
    },
    snapshot: (url, regions, rates) => ({
      url,
      regions,
      rates,
      requests: state.requests.map((r) => ({ ...r })),
      deployments: state.deployments.map(({ zip, ...d }) => ({ ...d, zipBytes: zip.length, zipEntries: zipEntries(zip) })),
      shares: state.shares.map((s) => ({ ...s })),
    }),
    stopTimers() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return state;
}

export function zipEntries(zip: Buffer): string[] {
  try {
    return new AdmZip(zip).getEntries().map((e) => e.entryName);
  } catch {
    return [];
  }
}
