const { createRunTempRoot, removeRunTempRoot } = require('./temp-root');

module.exports = async function globalSetup() {
  createRunTempRoot();
  // No install script a test runs reports usage over the network (@scarf/scarf, a dependency of Tray's
  // packages, reports each install to scarf.sh): the commands every test starts inherit this.
  process.env.SCARF_ANALYTICS = 'false';
  // Also when jest is stopped before its teardown runs (an error in another global setup, Ctrl-C).
  process.once('exit', () => removeRunTempRoot());
};
