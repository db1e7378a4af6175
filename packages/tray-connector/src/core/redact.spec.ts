import { describeBody, redact, redactHeaders, secretForms, truncate } from './redact';

describe('redact', () => {
  it('masks every occurrence of each secret and any bearer value', () => {
    expect(redact('token abcd1234 and again abcd1234', ['abcd1234'])).toBe('token *** and again ***');
    expect(redact('Authorization: Bearer zzz.yyy')).toBe('Authorization: Bearer ***');
    expect(redact('{"h":"bearer Q1w2E3"}')).toBe('{"h":"bearer ***"}');
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
});
