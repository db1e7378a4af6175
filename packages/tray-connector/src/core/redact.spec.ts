import { describeBody, redact, redactHeaders, truncate } from './redact';

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
});
