export interface DeployExecutorSchema {
  /** Tray regions to deploy to: us, eu, apac (aliases us1, eu1, ap1, apac1). A comma list from the command line. */
  regions?: string[] | string;
  /** The zip to deploy, relative to the workspace root; default the build target's outputPath. */
  zipPath?: string;
  /** Wait until every region reports Deployed; default true. */
  wait?: boolean;
  /** Deadline of each region (every request, retry and wait); default 900. */
  timeoutSeconds?: number;
  /** Longest time one request may go without data before it is retried; default 60. */
  requestIdleSeconds?: number;
  /** Longest wait between status requests (the first after 1 s, growing by half); default 5. */
  pollIntervalSeconds?: number;
  /** Wait before the first status request; default 1. */
  firstPollSeconds?: number;
  /** Requests in any one-second window to one region with one token, shared by every deploy of the process; default 20. */
  maxRequestsPerSecond?: number;
  /** Zip uploads in flight at once to one region with one token, for the whole process; default 8. */
  maxConcurrentUploads?: number;
  /** Print what would be sent, upload nothing (the breaking-change check still reads each region); default false. */
  dryRun?: boolean;
  /** With dryRun: a region without a token is reported but does not fail the dry run (the pull-request job); default false. */
  allowMissingTokens?: boolean;
  /** Refuse a region whose deployed version the build would break: true (default; an unreadable listing warns), "strict" (it refuses) or false. */
  checkBreakingChanges?: boolean | 'strict';
  /** Deploy breaking changes anyway (printed as a warning); default false. */
  allowBreakingChanges?: boolean;
  /** Per region, the environment variable holding the token that reads the deployed operations; default the region's deploy token. */
  connectivityTokenEnv?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
  /** E-mails to share with after a successful deploy. A comma list from the command line. */
  shareWith?: string[] | string;
  /** Succeed when shareWith is confirmed for only some addresses; default false. */
  allowPartialShare?: boolean;
  /** Base URL per region (overrides TRAY_API_URL_<REGION>). */
  apiUrls?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
}
