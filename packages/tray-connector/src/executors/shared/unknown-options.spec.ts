import * as fc from 'fast-check';
import { TrayConnectorError } from '../../core/errors';
import { assertKnownOptions, findUnknownOptions, nearestOption } from './unknown-options';

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 2727), numRuns: Number(process.env.FC_RUNS ?? 200) };

const DEPLOY = ['regions', 'zipPath', 'wait', 'dryRun', 'allowMissingTokens', 'shareWith', 'timeoutSeconds', 'apiUrls'];

describe('nearestOption', () => {
  it.each([
    ['dryrun', 'dryRun'],
    ['DRYRUN', 'dryRun'],
    ['dry-run', 'dryRun'],
    ['region', 'regions'],
    ['sharewith', 'shareWith'],
    ['zipPth', 'zipPath'],
    ['timeoutSecond', 'timeoutSeconds'],
  ])('%s -> %s', (given, expected) => {
    expect(nearestOption(given, DEPLOY)).toBe(expected);
  });

  it.each(['explain', 'parallel', 'x', 'skipNxCache'])('suggests nothing for %s, which is close to no option', (given) => {
    expect(nearestOption(given, DEPLOY)).toBeUndefined();
  });
});

describe('assertKnownOptions', () => {
  it('refuses --dryrun naming --dryRun, in the words the docs quote', () => {
    expect(() => assertKnownOptions({ dryrun: true, regions: ['us'] }, DEPLOY, 'tray-connector:deploy')).toThrow(
      new TrayConnectorError('Unknown option --dryrun for tray-connector:deploy: did you mean --dryRun?'),
    );
  });

  it('refuses --explain (which Nx 23 passes on to the executor) and says it is an Nx flag', () => {
    expect(() => assertKnownOptions({ explain: true }, DEPLOY, 'tray-connector:deploy')).toThrow(
      /^Unknown option --explain for tray-connector:deploy \(--explain is a flag of Nx's own commands/,
    );
  });

  it('refuses leftover positional arguments', () => {
    expect(() => assertKnownOptions({ _: ['eu'] }, DEPLOY, 'tray-connector:deploy')).toThrow(
      'Unexpected argument eu for tray-connector:deploy: options are given as --name=value',
    );
    expect(() => assertKnownOptions({ _: [] }, DEPLOY, 'tray-connector:deploy')).not.toThrow();
  });

  it('lists every unknown option at once', () => {
    expect(() => assertKnownOptions({ dryrun: true, regoins: 'eu', wait: false }, DEPLOY, 'tray-connector:deploy')).toThrow(
      'Unknown option --dryrun for tray-connector:deploy: did you mean --dryRun?\n' +
        'Unknown option --regoins for tray-connector:deploy: did you mean --regions?\n' +
        'Nothing was done: fix these options of tray-connector:deploy.',
    );
  });

  it('takes every known option, a dashed spelling of one, and an option left undefined', () => {
    expect(() =>
      assertKnownOptions({ ...Object.fromEntries(DEPLOY.map((k) => [k, 1])), 'dry-run': true, other: undefined }, DEPLOY, 'x'),
    ).not.toThrow();
  });

  it('shows a hostile option name as quoted text, cut, without control characters', () => {
    const name = '\u001b[31mevil\nline\u2028' + 'x'.repeat(200);
    let message = '';
    try {
      assertKnownOptions({ [name]: 1 }, DEPLOY, 'tray-connector:deploy');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Unknown option "\\u001b\[31mevil\\nline\?x+" \(cut\) for tray-connector:deploy$/);
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
  });
});

describe('findUnknownOptions (property-based)', () => {
  const known = fc.uniqueArray(fc.stringMatching(/^[a-z][A-Za-z]{0,15}$/), { minLength: 1, maxLength: 12 });

  it('finds nothing in any subset of the known options', () => {
    fc.assert(
      fc.property(known, fc.func(fc.boolean()), (names, keep) => {
        const options = Object.fromEntries(names.filter((_n, i) => keep(i)).map((n) => [n, true]));
        expect(findUnknownOptions(options, names)).toEqual([]);
      }),
      FC,
    );
  });

  it('finds exactly the names no known option spells, and suggests only known options', () => {
    fc.assert(
      fc.property(known, fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 6 }), (names, extra) => {
        const options: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, 1]));
        for (const e of extra) Object.defineProperty(options, e, { value: 'x', enumerable: true, configurable: true, writable: true });
        const unknown = findUnknownOptions(options, names);
        const spelled = (k: string) =>
          names.includes(k) || names.includes(k.replace(/[-_]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()));
        expect(unknown.map((u) => u.name).sort()).toEqual(
          Object.keys(options)
            .filter((k) => !spelled(k))
            .sort(),
        );
        for (const u of unknown) if (u.suggestion !== undefined) expect(names).toContain(u.suggestion);
      }),
      FC,
    );
  });

  it('never lets a mistyped known option through, and names it when only its case or one letter is off', () => {
    fc.assert(
      fc.property(known, fc.nat(), fc.nat(), (names, which, at) => {
        const target = names[which % names.length];
        if (target.length < 3) return;
        const i = at % target.length;
        const typo = target.slice(0, i) + (target[i] === 'q' ? 'z' : 'q') + target.slice(i + 1);
        if (names.includes(typo) || names.some((n) => n.toLowerCase() === typo.toLowerCase())) return;
        const [u] = findUnknownOptions({ [typo]: true }, names);
        expect(u.name).toBe(typo);
        expect(u.suggestion).toBeDefined();
        expect(names).toContain(u.suggestion);
        const upper = target.toUpperCase();
        if (names.filter((n) => n.toLowerCase() === target.toLowerCase()).length === 1 && upper !== target)
          expect(findUnknownOptions({ [upper]: true }, names)[0]?.suggestion).toBe(target);
      }),
      FC,
    );
  });
});
