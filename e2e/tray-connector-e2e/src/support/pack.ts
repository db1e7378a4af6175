import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DIST, REPO_ROOT, TARBALL_DIR } from './paths';

/**
 * Packs the built plugin (and emulator) with `npm pack`, the way a user receives them,
 * and returns the tarball paths. Builds first when dist/ is missing.
 */
export function packPackages(): { plugin: string; emulator: string } {
  if (!fs.existsSync(path.join(DIST.plugin, 'package.json')) || !fs.existsSync(path.join(DIST.emulator, 'package.json'))) {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  fs.rmSync(TARBALL_DIR, { recursive: true, force: true });
  fs.mkdirSync(TARBALL_DIR, { recursive: true });
  const pack = (dir: string) => {
    const out = execFileSync('npm', ['pack', dir, '--pack-destination', TARBALL_DIR, '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
    return path.join(TARBALL_DIR, filename);
  };
  return { plugin: pack(DIST.plugin), emulator: pack(DIST.emulator) };
}

export function tarballs(): { plugin: string; emulator: string } {
  const files = fs.existsSync(TARBALL_DIR) ? fs.readdirSync(TARBALL_DIR) : [];
  const find = (prefix: string) => {
    const f = files.find((n) => n.startsWith(prefix) && n.endsWith('.tgz'));
    if (!f) throw new Error(`no ${prefix}*.tgz in ${TARBALL_DIR}: the e2e global setup packs it`);
    return path.join(TARBALL_DIR, f);
  };
  return { plugin: find('tray-connector-'), emulator: find('tray-api-emulator-') };
}
