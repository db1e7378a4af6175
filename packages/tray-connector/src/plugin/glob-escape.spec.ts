import * as fc from 'fast-check';
import { escapeGlob, inexpressibleRoot, needsEscape } from './glob-escape';

// The glob engine of the installed Nx: the one its task hasher and output expansion use (test-only deep import).
const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };

/** Issue 28.7: a connector folder whose name holds glob characters must match itself, and only itself, in Nx's globs. */
describe('escapeGlob', () => {
  const folders = [
    'connectors/x[one]',
    'connectors/xo',
    'connectors/x[two]',
    'connectors/x{a,b}',
    'connectors/xa',
    'connectors/x*y',
    'connectors/x?y',
    'connectors/x\\y',
  ];
  const files = folders.map((f) => `${f}/src/a.ts`);

  it('an unescaped root matches other folders (the defect), an escaped one exactly its own files', () => {
    expect(matchGlobPaths(['connectors/x[one]/src/**/*'], files)).toEqual(files.map((f) => f === 'connectors/xo/src/a.ts'));
    for (const folder of folders) {
      expect([folder, matchGlobPaths([`${escapeGlob(folder)}/src/**/*`], files)]).toEqual([
        folder,
        files.map((f) => f.startsWith(`${folder}/`)),
      ]);
    }
  });

  it('any folder name without ( ) | ! matches itself and nothing else (property-based, fixed seed)', () => {
    const char = fc.constantFrom(...'ab-_.[]{}*?,\\ ^$+@#~%=:;\'"`'.split(''));
    const name = fc
      .array(char, { minLength: 1, maxLength: 8 })
      .map((cs) => cs.join(''))
      .filter((n) => n !== '.' && n !== '..');
    fc.assert(
      fc.property(name, name, (a, b) => {
        const paths = [`c/${a}/src/x.ts`, `c/${b}/src/x.ts`];
        expect(matchGlobPaths([`c/${escapeGlob(a)}/src/**/*`], paths)).toEqual([true, a === b]);
      }),
      { seed: 2728, numRuns: 300 },
    );
  });

  it('refuses what Nx cannot express, naming the folder', () => {
    expect(inexpressibleRoot('connectors/x(a|b)')).toMatch(/"connectors\/x\(a\|b\)" holds "\(".*rename the folder/);
    expect(inexpressibleRoot('connectors/x!')).toMatch(/holds "!"/);
    expect(inexpressibleRoot('connectors/x[one]')).toBeUndefined();
    expect(needsEscape('connectors/acme-crm')).toBe(false);
    expect(needsEscape('connectors/x[one]')).toBe(true);
  });
});
