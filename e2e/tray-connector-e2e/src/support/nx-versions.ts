import { NX_DEVKIT_VERSION, NX_VERSION } from './workspace';

/** One Nx release the plugin supports (peerDependencies of packages/tray-connector/package.json: every 22, 23 and 24). */
export interface NxLine {
  major: number;
  nx: string;
  devkit: string;
  /** Why this release is in the matrix: an edge of its major's range, or what `create-nx-workspace@latest` makes. */
  edge: 'oldest' | 'newest' | 'create-nx-workspace@latest';
  /** Run by default; the rest only with E2E_NX_EDGES=1 (each is a fresh workspace install). */
  byDefault: boolean;
}

/**
 * The edges of each supported major (`npm view nx versions`), plus the version `create-nx-workspace@latest`
 * makes today (`npm view create-nx-workspace dist-tags`: 23.2.1). The newest @nx/devkit 24 is 24.0.0.
 * The default run keeps one release per major (the oldest supported release, 22.0.0; what a new user gets,
 * 23.2.1; the newest, the one this repo is developed with); E2E_NX_EDGES=1 runs all seven.
 */
export const NX_LINES: NxLine[] = [
  { major: 22, nx: '22.0.0', devkit: '22.0.0', edge: 'oldest', byDefault: true },
  { major: 22, nx: '22.7.12', devkit: '22.7.12', edge: 'newest', byDefault: false },
  { major: 23, nx: '23.0.0', devkit: '23.0.0', edge: 'oldest', byDefault: false },
  { major: 23, nx: '23.2.1', devkit: '23.2.1', edge: 'create-nx-workspace@latest', byDefault: true },
  { major: 23, nx: '23.3.2', devkit: '23.3.2', edge: 'newest', byDefault: false },
  { major: 24, nx: '24.0.0', devkit: '24.0.0', edge: 'oldest', byDefault: false },
  { major: 24, nx: NX_VERSION, devkit: NX_DEVKIT_VERSION, edge: 'newest', byDefault: true },
];

/**
 * The releases to run: the default ones, or all with `E2E_NX_EDGES=1`; `E2E_NX_MAJORS=22` (or `23,24`)
 * keeps some majors, e.g. for a CI that spreads the matrix over runs. An unknown major is an error, not a
 * silently empty matrix.
 */
export function selectedNxLines(
  env: string | undefined = process.env.E2E_NX_MAJORS,
  edges: string | undefined = process.env.E2E_NX_EDGES,
): NxLine[] {
  const lines = edges === '1' || edges === 'true' ? NX_LINES : NX_LINES.filter((l) => l.byDefault);
  if (!env?.trim()) return lines;
  const majors = env.split(',').map((m) => Number(m.trim()));
  const unknown = majors.filter((m) => !NX_LINES.some((l) => l.major === m));
  if (unknown.length) {
    throw new Error(
      `E2E_NX_MAJORS=${env}: unknown Nx major ${unknown.join(', ')}; use some of ${[...new Set(NX_LINES.map((l) => l.major))].join(', ')}`,
    );
  }
  return lines.filter((l) => majors.includes(l.major));
}
