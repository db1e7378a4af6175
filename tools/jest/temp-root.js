// Jest globalSetup/globalTeardown for the whole test run (root jest.config.ts): every temp folder a
// test makes (os.tmpdir(): unit fixtures, e2e workspaces, Nx's own temp files) goes into one folder
// of this run, removed at the end, whether tests passed or failed, so no /tmp/tray-* or /tmp/tc-*
// folder is left behind. E2E_KEEP_WORKSPACE=1 keeps it (its path is printed) to look into a failure.
const fs = require('fs');
const os = require('os');
const path = require('path');

const ENV = 'TRAY_CONNECTOR_TEST_TMP';

function createRunTempRoot(env = process.env) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tray-connector-test-run-'));
  env[ENV] = root;
  // os.tmpdir() reads these on every call, in this process and in the workers and commands it starts.
  env.TMPDIR = root;
  env.TMP = root;
  env.TEMP = root;
  return root;
}

function removeRunTempRoot(env = process.env) {
  const root = env[ENV];
  if (!root || !path.basename(root).startsWith('tray-connector-test-run-')) return;
  if (env.E2E_KEEP_WORKSPACE) {
    process.stderr.write(`\nE2E_KEEP_WORKSPACE is set: this run's temp folders are kept in ${root}\n`);
    return;
  }
  fs.rmSync(root, { recursive: true, force: true });
}

module.exports = { ENV, createRunTempRoot, removeRunTempRoot };
