export type CiProvider = 'github' | 'gitlab';

export interface CiWorkflowGeneratorSchema {
  /** github or gitlab. */
  provider: CiProvider;
  /** Workflow name; the file name is its kebab-case. Default 'Tray connectors'. One line, no control characters. */
  name?: string;
  /** The branch whose pushes deploy; default nx.json defaultBase, else main. */
  mainBranch?: string;
  /** region or region=SECRET_NAME, as an array or a comma list; default us, eu, apac with TRAY_API_TOKEN_<REGION>. */
  regions?: string[] | string;
  /**
   * region=SECRET (or region alone: secret TRAY_READ_TOKEN_<REGION>), as an array or a comma list: a token that may only read
   * what the region serves, the one Tray token the pull-request dry run gets; default none.
   */
  readTokens?: string[] | string;
  /** Variable with e-mails to share deployed connectors with; default TRAY_SHARE_WITH. */
  shareWithVariable?: string;
  /** Secret with {"<connector>": <test.ctx.json>}; default TRAY_TEST_CTX. */
  testContextSecret?: string;
  /** Node.js version; default '24' (the current LTS). */
  nodeVersion?: string;
  /** The deploy job's environment (GitHub: approvals and environment secrets; GitLab: environment-scoped variables); default none. */
  environment?: string;
  /** The deploy job's time limit in minutes; default 30. */
  timeoutMinutes?: number;
  /** Default false. */
  skipFormat?: boolean;
}
