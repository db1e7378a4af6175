// The documentation's own checks (links, the generated reference): plain node, seconds.
module.exports = {
  displayName: 'docs',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.spec.js'],
};
