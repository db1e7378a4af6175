import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { TrayConnectorError } from '../errors';
import { flattenTsconfig } from './tsconfig-flatten';

describe('flattenTsconfig', () => {
  let ws: string;
  const connector = () => path.join(ws, 'connectors/acme');
  const flat = () => JSON.parse(flattenTsconfig(connector()).toString('utf8'));
  beforeEach(() => (ws = tempDir('tc-tsconfig-')));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('keeps a standalone tsconfig.json byte for byte', () => {
    const text = '{\n  // Tray template\n  "compilerOptions": { "strict": true, "outDir": "./dist" }\n}\n';
    writeFiles(connector(), { 'tsconfig.json': text });
    expect(flattenTsconfig(connector()).toString('utf8')).toBe(text);
  });

  it('inlines a workspace base config: no extends, no workspace paths, own options win, paths rebased', () => {
    writeFiles(ws, {
      'tsconfig.base.json': `{
        // Nx workspace base
        "compilerOptions": {
          "target": "es2015", "module": "esnext", "strict": false, "esModuleInterop": true,
          "baseUrl": ".", "outDir": "dist/out-tsc", "typeRoots": ["node_modules/@types", "connectors/acme/types"],
          "paths": { "@acme/shared": ["libs/shared/src/index.ts"] }
        },
        "exclude": ["node_modules", "tmp"]
      }`,
      'connectors/acme/tsconfig.json': JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: { module: 'commonjs', strict: true, rootDir: './src', outDir: './dist' },
        include: ['src/**/*.ts'],
      }),
    });
    expect(flat()).toEqual({
      compilerOptions: {
        target: 'es2015',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        typeRoots: ['./types'],
        rootDir: './src',
        outDir: './dist',
      },
      include: ['src/**/*.ts'],
    });
  });

  it('follows chains, extends arrays and packages', () => {
    writeFiles(ws, {
      'node_modules/@tsconfig/strictest/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noImplicitReturns: true } }),
      'configs/a.json': JSON.stringify({ extends: './b', compilerOptions: { target: 'es2019', lib: ['es2019'] } }),
      'configs/b.json': JSON.stringify({ compilerOptions: { target: 'es5', skipLibCheck: true, declaration: true } }),
      'connectors/acme/tsconfig.json': JSON.stringify({
        extends: ['@tsconfig/strictest/tsconfig.json', '../../configs/a.json'],
        compilerOptions: { declaration: false },
      }),
    });
    expect(flat()).toEqual({
      compilerOptions: { strict: true, noImplicitReturns: true, target: 'es2019', skipLibCheck: true, declaration: false, lib: ['es2019'] },
    });
  });

  it("drops paths of the connector's own config that point outside it, keeps those inside", () => {
    writeFiles(ws, {
      'base.json': JSON.stringify({ compilerOptions: { strict: true } }),
      'connectors/acme/tsconfig.json': JSON.stringify({
        extends: '../../base.json',
        compilerOptions: { baseUrl: '.', paths: { '@shared': ['../../libs/shared/src/index.ts'], '~/*': ['src/*'] } },
      }),
    });
    expect(flat().compilerOptions).toEqual({ strict: true, baseUrl: '.', paths: { '~/*': ['src/*'] } });
  });

  it('drops workspace paths from a tsconfig.json without extends too', () => {
    writeFiles(connector(), {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          baseUrl: '../..',
          paths: { '@acme/shared': ['libs/shared/src/index.ts'], '~/*': ['connectors/acme/src/*'] },
        },
      }),
    });
    expect(flat()).toEqual({ compilerOptions: { strict: true, paths: { '~/*': ['./src/*'] } } });
    writeFiles(connector(), { 'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["src/*"] } } }' });
    expect(flattenTsconfig(connector()).toString()).toBe('{ "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["src/*"] } } }');
  });

  it('names the file for a missing or circular extends', () => {
    writeFiles(ws, { 'connectors/acme/tsconfig.json': JSON.stringify({ extends: '../../nope.json' }) });
    expect(() => flattenTsconfig(connector())).toThrow(
      `${path.join(connector(), 'tsconfig.json')}: "extends": "../../nope.json" not found`,
    );
    writeFiles(ws, {
      'connectors/acme/tsconfig.json': JSON.stringify({ extends: '../../loop.json' }),
      'loop.json': JSON.stringify({ extends: './connectors/acme/tsconfig.json' }),
    });
    expect(() => flattenTsconfig(connector())).toThrow(TrayConnectorError);
    expect(() => flattenTsconfig(connector())).toThrow('"extends" is circular');
  });
});
