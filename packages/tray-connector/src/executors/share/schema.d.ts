export interface ShareExecutorSchema {
  /** E-mail addresses to share with; also a comma list from the command line. */
  emails?: string[] | string;
  /** Regions to share in; default the deploy target's regions. */
  regions?: string[] | string;
  /** Base URL per region (overrides TRAY_API_URL_<REGION>). */
  apiUrls?: { us?: string; eu?: string; apac?: string; [region: string]: string | undefined };
}
