const { createRunTempRoot, removeRunTempRoot } = require('./temp-root');

module.exports = async function globalSetup() {
  createRunTempRoot();
  // Also when jest is stopped before its teardown runs (an error in another global setup, Ctrl-C).
  process.once('exit', () => removeRunTempRoot());
};
