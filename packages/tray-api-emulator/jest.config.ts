export default {
  displayName: 'tray-api-emulator',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // A deliberate 60 s limit per test instead of jest's 5 s (tools/jest/unit-timeout.js).
  setupFilesAfterEnv: ['<rootDir>/../../tools/jest/unit-timeout.js'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
