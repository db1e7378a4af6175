import type { PackageManager } from '@nx/devkit';
import type { Region } from '../../core/tray-api/regions';
import type { CiProvider } from './schema';

/** The deploy token environment variable of each region, and the CI secret it is read from. */
export interface RegionSecret {
  region: Region;
  env: string;
  secret: string;
}

export interface NormalizedCiWorkflowOptions {
  provider: CiProvider;
  name: string;
  fileName: string;
  mainBranch: string;
  regions: RegionSecret[];
  /**
   * Read-only tokens (Tray's Connectivity API) for the pull-request dry run's breaking-change check: the
   * variable the job sets (TRAY_READ_TOKEN_<REGION>, named to deploy by --connectivityTokenEnv) and its secret.
   * Empty: the pull-request job gets no Tray token at all.
   */
  readTokens: RegionSecret[];
  shareWithVariable: string;
  testContextSecret: string;
  nodeVersion: string;
  /** GitHub environment (or GitLab environment) of the deploy job, when given. */
  environment?: string;
  /** The deploy job's time limit, in minutes. */
  timeoutMinutes: number;
  packageManager: PackageManager;
  install: string;
  exec: string;
}
