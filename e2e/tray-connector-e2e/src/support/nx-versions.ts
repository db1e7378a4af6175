import { NX_DEVKIT_VERSION, NX_VERSION } from './workspace';

/** One Nx release line the plugin supports (peerDependencies of packages/tray-connector/package.json). */
export interface NxLine {
  major: number;
  nx: string;
  devkit: string;
}

/**
 * The newest release of each supported major (`npm view nx versions`), as the e2e matrix installs them.
 * 24 is the one this repo is developed with (its @nx/devkit's newest release is 24.0.0).
 */
export const NX_LINES: NxLine[] = [
  { major: 22, nx: '22.7.12', devkit: '22.7.12' },
  { major: 23, nx: '23.3.2', devkit: '23.3.2' },
  { major: 24, nx: NX_VERSION, devkit: NX_DEVKIT_VERSION },
];

/**
 * The lines to run: all by default; `E2E_NX_MAJORS=22` (or `23,24`) picks some, e.g. for a CI that
 * spreads the matrix over runs. An unknown major is an error, not a silently empty matrix.
 */
export function selectedNxLines(env: string | undefined = process.env.E2E_NX_MAJORS): NxLine[] {
  if (!env?.trim()) return NX_LINES;
  const majors = env.split(',').map((m) => Number(m.trim()));
  const unknown = majors.filter((m) => !NX_LINES.some((l) => l.major === m));
  if (unknown.length) {
    throw new Error(`E2E_NX_MAJORS=${env}: unknown Nx major ${unknown.join(', ')}; use some of ${NX_LINES.map((l) => l.major).join(', ')}`);
  }
  return NX_LINES.filter((l) => majors.includes(l.major));
}
