import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const TARBALL_DIR = path.join(REPO_ROOT, 'tmp', 'e2e', 'tarballs');
export const DIST = {
  plugin: path.join(REPO_ROOT, 'dist', 'packages', 'tray-connector'),
  emulator: path.join(REPO_ROOT, 'dist', 'packages', 'tray-api-emulator'),
};
