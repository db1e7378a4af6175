import fc from 'fast-check';
import { apiErrorMessage, type ErrorShape, fieldValue, MAX_WORDS, serverWords, shapeFor } from './files/api-error';

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 2029), numRuns: Number(process.env.FC_RUNS ?? 200) };

const SHAPES: ErrorShape[] = [
  { status: '404', message: [['error', 'message']], code: ['error', 'code'] },
  { status: '4XX', message: [['title'], ['detail']] },
  { status: 'default', message: [['err']], code: ['code'] },
];

// Anything that could break a log line, a terminal or a reader: controls, separators, bidi overrides, BOM.
// eslint-disable-next-line no-control-regex -- what must never reach a message
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

describe('apiErrorMessage (issue 29.2)', () => {
  it('carries the status and the words of the fields declared for it: the exact code, then the class, then default', () => {
    expect(apiErrorMessage('GET /sites', 404, { error: { message: 'Site not found', code: 'site_missing' } }, SHAPES)).toBe(
      'GET /sites failed with HTTP 404: Site not found (code site_missing)',
    );
    expect(apiErrorMessage('GET /sites', 422, { title: 'Invalid', detail: 'name is required' }, SHAPES)).toBe(
      'GET /sites failed with HTTP 422: Invalid: name is required',
    );
    expect(apiErrorMessage('GET /sites', 503, { status: 503, err: 'down for maintenance', code: 7 }, SHAPES)).toBe(
      'GET /sites failed with HTTP 503: down for maintenance (code 7)',
    );
    expect(shapeFor(404, SHAPES)?.status).toBe('404');
    expect(shapeFor(401, SHAPES)?.status).toBe('4XX');
    expect(shapeFor(500, SHAPES)?.status).toBe('default');
    expect(shapeFor(500, SHAPES.slice(0, 2))).toBeUndefined();
  });

  it('falls back to the status alone when nothing declared holds words (no body, other fields, objects, empty text)', () => {
    for (const body of [undefined, null, 'text', [], { message: 'undeclared' }, { err: { deep: 'x' } }, { err: '  \u0007 ' }])
      expect(apiErrorMessage('DELETE /x', 500, body, SHAPES)).toBe('DELETE /x failed with HTTP 500');
    expect(apiErrorMessage('DELETE /x', 500, { err: 'x' }, [])).toBe('DELETE /x failed with HTTP 500');
  });

  it('reads own properties only, and list indexes only in lists', () => {
    expect(fieldValue({}, ['constructor'])).toBeUndefined();
    expect(fieldValue({ a: ['x'] }, ['a', 0])).toBe('x');
    expect(fieldValue({ a: { 0: 'x' } }, ['a', 0])).toBeUndefined();
    expect(fieldValue(JSON.parse('{"__proto__": {"m": "own"}}'), ['__proto__', 'm'])).toBe('own');
  });

  it('keeps hostile server words to one bounded line without control characters (property)', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc.string({
        unit: fc.constantFrom('\u0000', '\u001b', '[31m', '\r\n', '\u2028', '\u202e', '\ufeff', '*/', '`${x}`', 'é', '😀', ' '),
        maxLength: 800,
      }),
      fc.integer(),
      fc.boolean(),
      fc.anything(),
    );
    fc.assert(
      fc.property(hostile, hostile, fc.constantFrom(404, 418, 500), (words, code, status) => {
        const message = apiErrorMessage(
          'GET /x',
          status,
          { error: { message: words, code }, title: words, detail: words, err: words, code },
          SHAPES,
        );
        expect(message.startsWith(`GET /x failed with HTTP ${status}`)).toBe(true);
        expect(message).not.toMatch(UNSAFE);
        expect(Array.from(message).length).toBeLessThanOrEqual(
          'GET /x failed with HTTP 404'.length + 2 * (MAX_WORDS + 2) + ' (code )'.length + 100,
        );
        const one = serverWords(words);
        if (one !== undefined) {
          expect(one).not.toMatch(UNSAFE);
          expect(Array.from(one).length).toBeLessThanOrEqual(MAX_WORDS);
          expect(one).toBe(one.trim());
        }
      }),
      FC,
    );
  });

  it('cuts long words at MAX_WORDS characters (not UTF-16 units) with an ellipsis', () => {
    const long = '😀'.repeat(MAX_WORDS + 10);
    const cut = serverWords(long)!;
    expect(Array.from(cut)).toHaveLength(MAX_WORDS);
    expect(cut.endsWith('…')).toBe(true);
    expect(serverWords('a\u0000b\u202ec\r\nd')).toBe('a b c d');
  });
});
