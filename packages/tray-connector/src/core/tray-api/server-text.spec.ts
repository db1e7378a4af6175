import fc from 'fast-check';
import { secretForms } from '../redact';
import { ServerHandle, serverJson, serverText } from './server-text';

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 2804), numRuns: Number(process.env.FC_RUNS ?? 200) };

const tokenArb = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{12,40}$/);
const CONTROLS = [
  '\u001b[2J',
  '\u001b]0;t\u0007',
  '\u001bP$q\u001b\\',
  '\u009b1m',
  '\r',
  '\u0007',
  '\u0000',
  '\u202e',
  '\u2067',
  '\u200e',
  '\u061c',
  '\u2028',
  '\n',
  '\u0085',
];
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** The token as a server may echo it (the forms redact.ts knows). */
const echoArb = (token: string) =>
  fc.constantFrom(
    token,
    Buffer.from(token).toString('hex'),
    Buffer.from(token).toString('hex').toUpperCase(),
    Buffer.from(token).toString('base64'),
    Buffer.from(token).toString('base64url'),
    Buffer.from(`Bearer ${token}`).toString('base64'),
    encodeURIComponent(token),
    [...token].map((c) => `&#${c.charCodeAt(0)};`).join(''),
    [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
  );

describe('ServerText: a server field as it may be shown (issue 28.2, 28.4)', () => {
  it('property: masks every encoded form of every token in play and leaves no control character, bidi mark or line separator', () => {
    fc.assert(
      fc.property(
        tokenArb.chain((token) =>
          fc.tuple(
            fc.constant(token),
            fc.array(fc.oneof(fc.constantFrom(...CONTROLS), fc.string({ maxLength: 6 }), echoArb(token)), { maxLength: 8 }),
            echoArb(token),
          ),
        ),
        ([token, pieces, echo]) => {
          const shown = serverText([...pieces, echo].join(''), ['other-token-0000', token]);
          expect(UNPRINTABLE.test(shown)).toBe(false);
          for (const form of secretForms(token).filter((f) => f.length >= 8))
            expect({ form, leaked: shown.includes(form) }).toEqual({ form, leaked: false });
        },
      ),
      FC,
    );
  });

  it('shows control characters as \\uXXXX and leaves plain words as they are', () => {
    expect(serverText('Deployed', [])).toBe('Deployed');
    expect(serverText('a\u001b[2Jb\u0007\u009b\u202e', [])).toBe('a\\u001b[2Jb\\u0007\\u009b\\u202e');
    expect(serverText(42, [])).toBe('42');
    expect(serverText({ no: 'object' }, [])).toBe('');
    expect(serverText('x'.repeat(3000), [])).toMatch(/^x{2000}… \(1000 more characters\)$/);
  });

  it('a ServerHandle gives its raw value only URL-encoded for a request path: printed, interpolated or stringified it is its ServerText', () => {
    const raw = 'dep-\u001b[2J tok-secret-123456';
    const handle = new ServerHandle(raw, serverText(raw, ['tok-secret-123456']));
    expect(handle.forRequestPath()).toBe(encodeURIComponent(raw));
    expect([String(handle), `${handle}`, JSON.stringify({ handle })]).toEqual([
      'dep-\\u001b[2J ***',
      'dep-\\u001b[2J ***',
      JSON.stringify({ handle: 'dep-\\u001b[2J ***' }),
    ]);
    expect(Object.values(handle)).not.toContain(raw);
  });

  it('serverJson makes every string of a schema ServerText, keys included, and keeps numbers, booleans and null', () => {
    const schema = {
      type: 'object',
      properties: { 'a\u001b[1m': { enum: ['tok-secret-123456', 1, true, null] } },
      ['__proto__']: { x: 1 },
    };
    const json = serverJson(JSON.parse(JSON.stringify(schema)), ['tok-secret-123456']) as { properties: unknown };
    expect(json.properties).toEqual({ 'a\\u001b[1m': { enum: ['***', 1, true, null] } });
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
  });
});
