import { enumLabel, toTraySchema } from './tray-schema';

describe('toTraySchema', () => {
  it('adds advanced to every node with properties and removes the per-property flag', () => {
    const schema = toTraySchema({
      type: 'object',
      properties: { a: { type: 'string', advanced: true }, b: { type: 'object', properties: { c: { type: 'number' } } } },
    });
    expect(JSON.stringify(schema)).toBe(
      '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"object","properties":{"c":{"type":"number"}},"advanced":[]}},"advanced":["a"]}',
    );
  });

  it('turns lookup keywords into lookup, without authRequired when absent', () => {
    const schema = toTraySchema({
      properties: {
        a: { type: 'string', lookupOperation: 'ddl', lookupInput: { x: 1 }, lookupAuthRequired: true },
        b: { type: 'string', lookupOperation: 'ddl2', lookupInput: {} },
        c: { type: 'string', lookupOperation: 'only-operation' },
      },
    });
    expect(JSON.stringify(schema.properties)).toBe(
      '{"a":{"type":"string","lookup":{"operation":"ddl","input":{"x":1},"authRequired":true}},' +
        '"b":{"type":"string","lookup":{"operation":"ddl2","input":{}}},"c":{"type":"string","lookupOperation":"only-operation"}}',
    );
  });

  it('splits enumLabels and generates missing ones', () => {
    const schema = toTraySchema({
      properties: {
        a: { enumLabels: 'One thing, Another', enum: ['a', 'b'] },
        b: { enum: ['HTTP_REQUEST', 'companyName', 2, true] },
      },
    }) as unknown as { properties: Record<string, { enumLabels: unknown }> };
    expect(schema.properties.a.enumLabels).toEqual(['One thing', 'Another']);
    expect(schema.properties.b.enumLabels).toEqual(['Http Request', 'Company Name', '2', 'true']);
    expect(enumLabel('pending_review')).toBe('Pending Review');
  });

  it('renames anyOf to oneOf at any depth below the root', () => {
    const schema = toTraySchema({ properties: { a: { items: { anyOf: [{ type: 'string' }, { type: 'number' }] } } } });
    expect(JSON.stringify(schema)).toBe('{"properties":{"a":{"items":{"oneOf":[{"type":"string"},{"type":"number"}]}}},"advanced":[]}');
  });

  it('merges allOf parts: arrays concatenated, objects merged, scalars overwritten', () => {
    const schema = toTraySchema({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' } },
      allOf: [
        { required: ['b'], properties: { b: { type: 'number', advanced: true } }, additionalProperties: false },
        { type: 'object', extra: [1] },
      ],
    });
    expect(JSON.stringify(schema)).toBe(
      '{"type":"object","required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"number"}},"additionalProperties":false,"extra":[1],"advanced":["b"]}',
    );
  });
});
