export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Each suite creates a real Nx workspace and runs npm and nx in it: minutes, not seconds.
  // (testTimeout and maxWorkers are root-only jest options; the setup file sets the timeout per test file.)
  setupFilesAfterEnv: ['<rootDir>/src/support/timeout.ts'],
  // Once per run: pack the plugin, start the shared local registry; workspace templates are installed
  // once per run on first use (src/support/workspace-template.ts), and removed with the registry by the teardown.
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
};
