import type { Config } from 'jest';

const config: Config = {
  projects: [
    '<rootDir>/packages/tray-connector',
    '<rootDir>/packages/tray-api-emulator',
    '<rootDir>/e2e/tray-connector-e2e',
  ],
};

export default config;
