// tray-api-emulator: a local stand-in for Tray.ai's CDK deployment API.
export { startEmulator, DEFAULT_TOKENS, EMULATOR_REGIONS, maskAuthorization } from './emulator';
export { maxInWindow } from './rate';
export { RawBody, rawBody, tokenEchoForms, tokenEchoPage, payloadTooLargePage } from './faults';
export type {
  Emulator,
  EmulatorOptions,
  EmulatorRegion,
  EmulatorDeployment,
  EmulatorShare,
  EmulatorSnapshot,
  FailureReason,
  FaultFilter,
  PartialShare,
  PayloadSummary,
  RecordedRequest,
  RequestKind,
  DeploymentStatus,
  EmulatorRates,
  RateLimitOptions,
  RequestRate,
} from './emulator';
