export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Each suite creates a real Nx workspace and runs npm and nx in it.
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/src/support/global-setup.ts',
};
