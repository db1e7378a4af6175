const { removeRunTempRoot } = require('./temp-root');

module.exports = async function globalTeardown() {
  removeRunTempRoot();
};
