// Shared jest settings for every project of this workspace.
const path = require('path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/__fixtures__/'],
  modulePathIgnorePatterns: [path.join(__dirname, 'dist')],
  moduleNameMapper: {
    '^tray-connector$': path.join(__dirname, 'packages/tray-connector/src/index.ts'),
    '^tray-api-emulator$': path.join(__dirname, 'packages/tray-api-emulator/src/index.ts'),
  },
};
