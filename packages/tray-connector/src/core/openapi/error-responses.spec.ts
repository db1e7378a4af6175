import { errorBodies, errorShapes } from './error-responses';

const json = (schema: unknown) => ({ description: 'e', content: { 'application/json': { schema } } });

describe('errorBodies (issue 29.2)', () => {
  it('lists every declared error answer with a JSON schema, explicit codes first, then classes, then default', () => {
    const a = { type: 'object' };
    const b = { type: 'string' };
    expect(
      errorBodies({
        default: { description: ' Anything else. ', content: { 'application/problem+json': { schema: a } } },
        '5xx': json(b),
        404: json(a),
        200: json(a),
        409: { description: 'text', content: { 'text/plain': { schema: b } } },
        410: { description: 'none' },
      }),
    ).toEqual([
      { status: '404', schema: a, description: 'e' },
      { status: '5XX', schema: b, description: 'e' },
      { status: 'default', schema: a, description: 'Anything else.' },
    ]);
  });
});

describe('errorShapes (issue 29.2)', () => {
  it('takes only declared text (or scalar code) properties, by fixed names: never a guess from a property of any name', () => {
    expect(
      errorShapes({
        400: json({ properties: { message: { type: 'object' }, reason: { oneOf: [{ type: 'string' }, { type: 'null' }] } } }),
        401: json({ properties: { why: { type: 'string' }, 'message ': { type: 'string' } } }),
        402: json({ type: 'string' }),
        403: { description: 'no content' },
        '2XX': json({ properties: { message: { type: 'string' } } }),
        600: json({ properties: { message: { type: 'string' } } }),
      }),
    ).toEqual([{ status: '400', message: [['reason']] }]);
  });

  it('survives hostile documents: cycles, non-objects, inherited names', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { error: cyclic, message: { type: 'string' } };
    expect(errorShapes({ default: json(cyclic) })).toEqual([{ status: 'default', message: [['message'], ['error', 'message']] }]);
    for (const garbage of [
      null,
      'x',
      1,
      [],
      { 404: null },
      { 404: { content: 'x' } },
      { 404: json(null) },
      { 404: json({ properties: 'x' }) },
    ])
      expect(errorShapes(garbage)).toEqual([]);
    expect(errorShapes({ 500: json({ properties: { constructor: { type: 'string' }, toString: { type: 'string' } } }) })).toEqual([]);
  });
});
