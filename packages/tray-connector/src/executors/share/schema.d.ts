export interface ShareExecutorSchema {
  /** E-mail addresses to share with; also a comma list from the command line. */
  emails?: string[] | string;
  /** Regions to share in; default the deploy target's regions. */
  regions?: string[] | string;
  /** Deadline of each region (every request, retry and wait); default 300. */
  timeoutSeconds?: number;
  /** Longest time one request may go without data before it is retried; default 60. */
  requestIdleSeconds?: number;
  /** Succeed when only some addresses are confirmed; default false. */
  allowPartial?: boolean;
  /** Requests in any one-second window to one region with one token, shared with every deploy of the process; default 20. */
  maxRequestsPerSecond?: number;
  /** Base URL per region (overrides TRAY_API_URL_<REGION>). */
  apiUrls?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
}
