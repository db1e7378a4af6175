export interface StatusExecutorSchema {
  /** Tray regions to ask: us, eu, apac; a comma list from the command line. Default: the deploy target's regions. */
  regions?: string[] | string;
  /** A deployment id instead of the latest deployment. */
  deploymentId?: string;
  /** Print one JSON object instead of a table; default false. */
  json?: boolean;
  /** Per region, every request, retry and Retry-After wait included; default 60. */
  timeoutSeconds?: number;
  /** Longest silence of one request before it is retried; default 60. */
  requestIdleSeconds?: number;
  /** Base URL per region (overrides TRAY_API_URL_<REGION>); default the deploy target's apiUrls. */
  apiUrls?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
}
