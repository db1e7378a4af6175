export interface VerifyExecutorSchema {
  /** Tray regions to check: us, eu, apac; a comma list from the command line. Default: the deploy target's regions. */
  regions?: string[] | string;
  /** The built zip to compare with, relative to the workspace root; default the build target's outputPath. */
  zipPath?: string;
  /** Print only the JSON result (as written to .tray/verify-result.json) instead of a table; default false. */
  json?: boolean;
  /** Per region, every request, retry and Retry-After wait included; default 60. */
  timeoutSeconds?: number;
  /** Base URL per region (overrides TRAY_API_URL_<REGION>); default the deploy target's apiUrls. */
  apiUrls?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
  /**
   * Per region, the environment variable holding a token that may read Tray's Connectivity API, for teams whose
   * deploy token cannot; default the deploy target's connectivityTokenEnv, else the region's deploy token.
   */
  connectivityTokenEnv?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
}
