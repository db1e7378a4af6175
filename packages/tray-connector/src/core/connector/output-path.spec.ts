import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { checkOutputPath } from './output-path';

describe('checkOutputPath', () => {
  let ws: string;
  let dir: string;
  beforeEach(() => {
    ws = tempDir('tc-output-path-');
    dir = path.join(ws, 'connectors/acme');
    writeFiles(dir, { 'connector.json': '{}', 'package.json': '{}', 'tsconfig.json': '{}', 'src/a.ts': '' });
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it.each(['.tray/connector.zip', '.tray/sub/x.ZIP', 'out/acme.zip', 'acme.zip', 'README.zip', 'src.zip'])(
    'accepts %s in the connector folder',
    (rel) => {
      expect(() => checkOutputPath(path.join(dir, rel), dir)).not.toThrow();
    },
  );

  it('accepts a path elsewhere in the workspace', () => {
    expect(() => checkOutputPath(path.join(ws, 'dist/connectors/acme.zip'), dir)).not.toThrow();
  });

  it.each(['package.json', 'connector.json', 'README.md', 'tsconfig.json', '.tray/connector', '.tray/connector.zip.bak'])(
    'refuses %s: not a .zip',
    (rel) => {
      expect(() => checkOutputPath(path.join(dir, rel), dir)).toThrow(`outputPath ${path.join(dir, rel)} must end in .zip`);
    },
  );

  it('refuses README.md at the workspace root', () => {
    expect(() => checkOutputPath(path.join(ws, 'README.md'), dir)).toThrow('must end in .zip');
  });

  it.each([
    ['src/connector.zip', 'src'],
    ['src/op/deep/x.zip', 'src'],
    ['tsconfig.json/x.zip', 'tsconfig.json'],
    ['tsconfig.spec.json/x.zip', 'tsconfig.spec.json'],
    ['package.json/x.zip', 'package.json'],
    ['connector.json/x.zip', 'connector.json'],
    ['jest.config.js/x.zip', 'jest.config.js'],
  ])('refuses %s: inside a source input of the connector', (rel, source) => {
    expect(() => checkOutputPath(path.join(dir, rel), dir)).toThrow(
      `outputPath ${path.join(dir, rel)} is inside ${path.join(dir, source)}, a source of the connector`,
    );
  });

  it('sees through a symlinked folder (.tray -> src)', () => {
    fs.symlinkSync(path.join(dir, 'src'), path.join(dir, '.tray'));
    expect(() => checkOutputPath(path.join(dir, '.tray/connector.zip'), dir)).toThrow('a source of the connector');
  });

  it.each(['src/x.zip', 'src/op/deep/x.zip', 'connector.json/x.zip'])(
    'refuses %s of another connector (issue 28 minor), also through a symlink',
    (rel) => {
      const other = path.join(ws, 'connectors/other');
      writeFiles(other, { 'connector.json': '{}', 'src/a.ts': '' });
      const source = path.join(other, rel.split('/')[0]);
      expect(() => checkOutputPath(path.join(other, rel), dir)).toThrow(
        `outputPath ${path.join(other, rel)} is inside ${source}, a source of the connector in ${other}`,
      );
      fs.symlinkSync(path.join(other, 'src'), path.join(ws, 'out-link'));
      expect(() => checkOutputPath(path.join(ws, 'out-link/x.zip'), dir)).toThrow(`a source of the connector in ${other}`);
      expect(() => checkOutputPath(path.join(other, '.tray/elsewhere.zip'), dir)).not.toThrow();
    },
  );

  it('refuses an existing folder', () => {
    fs.mkdirSync(path.join(dir, '.tray/connector.zip'), { recursive: true });
    expect(() => checkOutputPath(path.join(dir, '.tray/connector.zip'), dir)).toThrow('is a folder');
  });
});
