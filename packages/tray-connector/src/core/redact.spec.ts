import fc from 'fast-check';
import { tokenEchoForms, tokenEchoPage } from 'tray-api-emulator';
import { describeBody, describeResponseBody, hasTokenShape, maskedSnippet, redact, redactHeaders, secretForms, truncate } from './redact';

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 1907), numRuns: Number(process.env.FC_RUNS ?? 50) };

/** Characters tokens are made of: token characters, punctuation an encoder escapes, and some beyond ASCII. */
const tokenChar = fc.constantFrom(
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=:!*()\'"<>&%#@\\'.split(''),
  'é',
  'ß',
  '€',
  '\u2028',
  '😀',
);
const tokenArb = fc.array(tokenChar, { minLength: 10, maxLength: 48 }).map((chars) => chars.join(''));

/** Every encoded form the emulator's echo fault writes (the fault is what tests deploy against). */
const ENCODINGS = Object.keys(tokenEchoForms('x'));

/** The base64 of the token inside a longer base64 text that is independent of what surrounds it (see secretForms). */
function innerBase64(text: string, token: string): string[] {
  return secretForms(token).filter((f) => f.length >= 8 && text.includes(f));
}

describe('redact', () => {
  it('masks every occurrence of each secret and the credential of an Authorization header', () => {
    expect(redact('token abcd1234 and again abcd1234', ['abcd1234'])).toBe('token *** and again ***');
    expect(redact('Authorization: Bearer zzz.yyy')).toBe('Authorization: Bearer ***');
    expect(redact('{"authorization":"bearer Q1w2E3"}')).toBe('{"authorization":"bearer ***"}');
  });
  it('masks auth headers whatever their value', () => {
    expect(redactHeaders({ Authorization: 'Bearer s3cr3t', 'X-Trace': 'id s3cr3t', Accept: 'json' }, ['s3cr3t'])).toEqual({
      Authorization: '***',
      'X-Trace': 'id ***',
      Accept: 'json',
    });
  });
  it('truncates long text and says how much was cut', () => {
    expect(truncate('abcdef', 4)).toBe('abcd… (2 more characters)');
    expect(truncate('abc', 4)).toBe('abc');
  });
  it('describes JSON, text and buffers on one line', () => {
    expect(describeBody({ message: 'bad', token: 'tok-1234' }, ['tok-1234'])).toBe('{"message":"bad","token":"***"}');
    expect(describeBody(Buffer.from('line1\n  line2'))).toBe('line1 line2');
    expect(describeBody(undefined)).toBe('');
  });
  it("masks the secret's encoded forms: URL-encoded, base64, base64url, and inside a longer base64 text at any alignment", () => {
    const secret = 'tok/eu+5ecret=2222?';
    const texts = [
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      ...['Bearer ', 'user:', 'ab', 'a'].map((prefix) => Buffer.from(`${prefix}${secret}"}`).toString('base64')),
    ];
    for (const text of texts) {
      const out = redact(`echo ${text} end`, [secret]);
      expect(out).toContain('***');
      // no 12-character run of the encoded secret survives
      for (let i = 0; i + 12 <= text.length; i++) {
        const piece = text.slice(i, i + 12);
        if (secretForms(secret).some((f) => f.includes(piece))) expect(out).not.toContain(piece);
      }
    }
  });
  it("masks hex (either case), HTML entities (decimal, hex, named), \\uXXXX, \\xNN and JSON's \\/, also mixed", () => {
    const token = 'tok/EU+s3cret&x';
    const forms = tokenEchoForms(token);
    const extra = [
      'tok&#x2F;EU&#43;s3cret&amp;x',
      'tok&sol;EU&plus;s3cret&amp;x',
      '\\x74\\x6F\\x6b/EU+s3cret&x',
      'tok\\/EU%2bs3cret%26x',
      Buffer.from(token)
        .toString('hex')
        .replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
      '&#0116;&#X6F;k/EU+s3cret&x',
    ];
    for (const text of [...Object.values(forms), ...extra]) {
      const out = redact(`before ${text} after`, [token]);
      expect({ text, out }).toEqual({ text, out: expect.stringMatching(/^before .*\*\*\*.* after$/) });
      expect(out).not.toContain(text);
    }
  });
  it('masks token= values (query strings, env lines), JSON "...token" values and URL-encoded Bearer values, and leaves prose alone', () => {
    expect(redact('GET /x?a=1&access_token=s3cr3t&b=2')).toBe('GET /x?a=1&access_token=***&b=2');
    expect(redact('TRAY_API_TOKEN=abc123 next')).toBe('TRAY_API_TOKEN=*** next');
    expect(redact('{"apiToken": "v1", "refresh_token":"v2"}')).toBe('{"apiToken": "***", "refresh_token":"***"}');
    expect(redact('Authorization=Bearer%20abc.def')).toBe('Authorization=Bearer%20***');
    expect(redact('Basic dXNlcjpwYXNz')).toBe('Basic ***');
    expect(redact('NO TOKEN: set TRAY_API_TOKEN_US; the token from TRAY_API_TOKEN_EU was refused')).toBe(
      'NO TOKEN: set TRAY_API_TOKEN_US; the token from TRAY_API_TOKEN_EU was refused',
    );
  });
  it('leaves Bearer/Basic followed by an ordinary word alone: a connector named inject-basic keeps its version', () => {
    const line = 'inject-basic 1.0.0: 1 operation, 2.1 kB (2150 bytes), sha256 ab12 -> connectors/inject-basic/.tray/connector.zip';
    expect(redact(line, ['emulator-token-us'])).toBe(line);
    expect(redact('eu: deploying inject-bearer 2.3.4 (Basic 1.2.3 plan); Bearer of bad news; Basic auth is off')).toBe(
      'eu: deploying inject-bearer 2.3.4 (Basic 1.2.3 plan); Bearer of bad news; Basic auth is off',
    );
    // ...but a word with a token's shape, or a configured token, is masked
    expect(redact('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe('Bearer ***');
    expect(redact('Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0')).toBe('Bearer ***');
    expect(redact('Bearer plainword', ['plainword'])).toBe('Bearer ***');
    expect(hasTokenShape('1.0.0:')).toBe(false);
    expect(hasTokenShape('dXNlcjpwYXNz')).toBe(true);
  });
  it('shows a non-JSON body only as a short masked snippet, and never the cut half of a secret at its end', () => {
    const token = 'Zq8/x+Lm=tok3n-Value';
    const page = `<html>${'<p>padding</p>'.repeat(2000)}${tokenEchoPage(token)}</html>`;
    const shown = describeResponseBody(page, [token]);
    expect(shown.startsWith('(not JSON) <html><p>padding</p>')).toBe(true);
    expect(shown.length).toBeLessThan(260);
    expect(describeResponseBody('{"message":"fine"}', [token])).toBe('{"message":"fine"}');
    // a body cut inside an encoded token: the cut part is dropped, not shown
    const cut = `${'x'.repeat(16 * 1024 - 20)}${tokenEchoForms(token).htmlDecimal}`;
    const snippet = maskedSnippet(cut, [token], 100_000);
    expect(snippet).not.toMatch(/&#\d+;/);
  });

  describe('property: no encoded form of a random token survives; ordinary text is untouched', () => {
    it('masks the token in every encoding the echo fault writes, alone or inside text', () => {
      fc.assert(
        fc.property(
          tokenArb,
          fc.constantFrom(...ENCODINGS),
          fc.string({ maxLength: 20 }),
          fc.string({ maxLength: 20 }),
          (token, enc, pre, post) => {
            const encoded = tokenEchoForms(token)[enc];
            const out = redact(`${pre} ${encoded} ${post}`, [token]);
            expect(out).not.toContain(encoded);
            for (const inner of innerBase64(encoded, token)) expect(out).not.toContain(inner);
          },
        ),
        FC,
      );
    });
    it('masks every form in the emulator echo page, as describeResponseBody shows it', () => {
      fc.assert(
        fc.property(tokenArb, (token) => {
          const shown = describeResponseBody(tokenEchoPage(token), [token], 100_000);
          for (const encoded of Object.values(tokenEchoForms(token))) {
            const flat = encoded.replace(/\s+/g, ' ').trim();
            expect(shown).not.toContain(flat);
            for (const inner of innerBase64(flat, token)) expect(shown).not.toContain(inner);
          }
        }),
        FC,
      );
    });
    it('leaves ordinary text (words, versions, Bearer/Basic followed by words, connector names) as it is', () => {
      const word = fc.stringMatching(/^[a-z][a-z-]{0,11}$/);
      const piece = fc.oneof(
        word,
        fc.constantFrom('Bearer', 'Basic', 'bearer', 'basic', 'inject-basic', 'x-bearer', 'NO TOKEN', 'token', '->', '(', ')', ':'),
        fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`),
        fc.nat(100_000).map(String),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 30 }), tokenArb, (pieces, token) => {
          const text = pieces.join(' ');
          fc.pre(!text.includes(token));
          expect(redact(text, [token])).toBe(text);
        }),
        FC,
      );
    });
  });
});
