import type { Config } from 'jest';

const config: Config = {
  // One temp folder for the whole run, removed at the end even when tests fail (tools/jest/temp-root.js).
  globalSetup: '<rootDir>/tools/jest/global-setup.js',
  globalTeardown: '<rootDir>/tools/jest/global-teardown.js',
  // Unit tests first, so results show within seconds; the e2e suites (minutes each) after them.
  testSequencer: '<rootDir>/tools/jest/unit-first-sequencer.js',
  // The slowest test files, printed at the end of every run.
  reporters: ['default', ['<rootDir>/tools/jest/slowest-suites-reporter.js', { count: 10 }]],
  projects: [
    '<rootDir>/packages/tray-connector',
    '<rootDir>/packages/tray-api-emulator',
    '<rootDir>/e2e/tray-connector-e2e',
    '<rootDir>/tools/docs',
  ],
};

export default config;
