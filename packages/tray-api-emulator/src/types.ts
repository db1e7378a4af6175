/** The shapes the emulator records and exposes (its public types). */

export type EmulatorRegion = 'us' | 'eu' | 'apac';
export const EMULATOR_REGIONS: readonly EmulatorRegion[] = ['us', 'eu', 'apac'];
/** `operations`: the Connectivity API's listing of a deployed version's operations; `connectors`: its list of connectors. */
export type RequestKind = 'deploy' | 'status' | 'share' | 'operations' | 'connectors' | 'other';
/** Tray's statuses; a fault can end a deployment with any other word (an "unknown final status"). */
export type DeploymentStatus = 'Deploying' | 'Building' | 'Deployed' | 'Failed' | (string & {});

/** The token each region accepts when none is configured. */
export const DEFAULT_TOKENS: Readonly<Record<EmulatorRegion, string>> = {
  us: 'emulator-token-us',
  eu: 'emulator-token-eu',
  apac: 'emulator-token-apac',
};

/** Which requests a fault applies to; omitted fields match anything. */
export interface FaultFilter {
  region?: EmulatorRegion;
  kind?: RequestKind;
}

export interface PayloadSummary {
  bytes: number;
  /** deploy: size of the decoded zip, its sha256 and entry names. */
  zipBytes?: number;
  zipSha256?: string;
  zipEntries?: string[];
  /** share: the addresses asked for. */
  emails?: string[];
  /** Why the payload was refused, when it was. */
  problem?: string;
}

export interface RecordedRequest {
  seq: number;
  time: string;
  /** When it arrived, in ms since the epoch (what requests per second are measured from). */
  at: number;
  method: string;
  /** The full path, region prefix included. */
  path: string;
  region: EmulatorRegion;
  kind: RequestKind;
  connectorName?: string;
  connectorVersion?: string;
  deploymentId?: string;
  /** HTTP status answered; 0 when the connection was dropped (or left hanging) on purpose. */
  status: number;
  /** Request headers; the Authorization value is masked. */
  headers: Record<string, string>;
  payload?: PayloadSummary;
  /** The injected fault that answered this request, if any. */
  fault?: string;
  /** The deploy answer carried repeatDeployment: true. */
  repeatDeployment?: boolean;
}

/** What Tray says about a deployment that did not end Deployed (fields of the status body). */
export interface FailureReason {
  message?: string;
  error?: string;
  details?: unknown;
}

export interface EmulatorDeployment {
  id: string;
  region: EmulatorRegion;
  name: string;
  version: string;
  status: DeploymentStatus;
  /** The decoded zip exactly as it was deployed. */
  zip: Buffer;
  zipSha256: string;
  createdAt: string;
  finishedAt?: string;
  /** Given by failDeployments: added to the status body once the deployment has ended. */
  reason?: FailureReason;
}

export interface EmulatorShare {
  region: EmulatorRegion;
  name: string;
  version: string;
  /** The addresses permissions were added for (a partial-share fault leaves some out). */
  emails: string[];
  /** Addresses asked for and refused by a partial-share fault. */
  refused?: string[];
  time: string;
}

export interface RequestRate {
  /** Requests received. */
  total: number;
  /** The most requests received in any 1-second window. */
  maxPerSecond: number;
  /** Requests answered 429 by the enforced limit. */
  rateLimited: number;
}

export interface EmulatorRates {
  overall: RequestRate;
  regions: Record<EmulatorRegion, RequestRate>;
  /** The enforced limit per region, when there is one. */
  limitPerSecond: number | null;
}

export interface EmulatorSnapshot {
  url: string;
  regions: Record<EmulatorRegion, string>;
  requests: RecordedRequest[];
  deployments: Array<Omit<EmulatorDeployment, 'zip'> & { zipBytes: number; zipEntries: string[] }>;
  shares: EmulatorShare[];
  /** Requests per second seen, per region and overall, and the enforced limit (see rate.ts). */
  rates: EmulatorRates;
}

/** One element of the Connectivity API's operations listing, as built from a Deployed zip. */
export interface ListedOperation {
  name: string;
  title: string;
  description: string;
  /** `input.json` of the operation's folder in the zip; null when the zip has none (or it is not JSON). */
  inputSchema: unknown;
  /** `output.json` of the operation's folder in the zip; null when the zip has none (or it is not JSON). */
  outputSchema: unknown;
}

/** An HTTP answer: status, JSON body, extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
