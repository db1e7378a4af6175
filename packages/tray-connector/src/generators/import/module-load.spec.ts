// What `nx g tray-connector:import` loads before it starts: neither TypeScript (about 150 ms to load) nor the zip
// writer (archiver and lodash, about 60 ms), which only the project graph's library analysis and the build need.
const mockLoaded: string[] = [];
jest.mock('typescript', () => {
  mockLoaded.push('typescript');
  return jest.requireActual('typescript');
});
jest.mock('archiver', () => {
  mockLoaded.push('archiver');
  return jest.requireActual('archiver');
});

describe('the import generator module', () => {
  it('loads neither TypeScript nor archiver until they are needed', () => {
    const { importGenerator } = require('./generator');
    expect(typeof importGenerator).toBe('function');
    expect(mockLoaded).toEqual([]);
  });

  it('still loads them where they are needed: the library analysis and the zip', () => {
    const { readWorkspaceAliases } = require('../../core/connector/workspace-libraries');
    readWorkspaceAliases(__dirname);
    expect(mockLoaded).toContain('typescript');
  });
});
