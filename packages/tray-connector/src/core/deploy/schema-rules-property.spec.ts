import Ajv from 'ajv';
import fc from 'fast-check';
import { compareOperations } from './compatibility';

/**
 * The rules against a JSON Schema validator (Ajv) as the oracle, over generated schema pairs:
 * a value the deployed input accepted and the build's input refuses, or a value the build's output may
 * give and the deployed output did not promise, must come with a breaking difference. (The rules may
 * report more than the oracle proves: they fail closed on what they cannot compare.)
 */

/** Fixed seed in `npm test`; FC_RUNS / FC_SEED for a longer run on demand. */
const FC = { seed: Number(process.env.FC_SEED ?? 2808), numRuns: Number(process.env.FC_RUNS ?? 400) };

const ajv = new Ajv({ strict: false, validateFormats: false, allowUnionTypes: true });
const validators = new WeakMap<object, (value: unknown) => boolean>();
function accepts(schema: object, value: unknown): boolean {
  let validate = validators.get(schema);
  if (!validate) {
    const compiled = ajv.compile(schema);
    validate = (v: unknown) => compiled(v) as boolean;
    validators.set(schema, validate);
  }
  return validate(value);
}

type Schema = Record<string, unknown>;
const scalar = fc.constantFrom<unknown>('a', 'b', '', 'ab', 'ba', 0, 1, 2, 3, -1, 1.5, 4, true, false, null);
const small = fc.integer({ min: -1, max: 4 });

/** Keywords of a leaf schema, each maybe present: literals, types, bounds, patterns. */
const leaf: fc.Arbitrary<Schema> = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('string', 'number', 'integer', 'boolean', 'null', 'array', 'object'),
      fc.subarray(['string', 'number', 'null'], { minLength: 1 }),
    ),
    const: scalar,
    enum: fc.uniqueArray(scalar, { minLength: 1, maxLength: 4 }),
    minimum: small,
    maximum: small,
    exclusiveMinimum: small,
    exclusiveMaximum: small,
    multipleOf: fc.integer({ min: 1, max: 3 }),
    minLength: fc.integer({ min: 0, max: 2 }),
    maxLength: fc.integer({ min: 0, max: 2 }),
    pattern: fc.constantFrom('^a', 'b$', '^a*$'),
    format: fc.constantFrom('email', 'uri'),
  },
  { requiredKeys: [] },
);

const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record(
      {
        type: fc.constant('array'),
        items: fc.oneof(tie('node'), fc.array(tie('node'), { minLength: 1, maxLength: 3 })),
        additionalItems: fc.oneof(fc.boolean(), tie('node')),
        minItems: fc.integer({ min: 0, max: 2 }),
        maxItems: fc.integer({ min: 0, max: 3 }),
        uniqueItems: fc.boolean(),
      },
      { requiredKeys: ['type'] },
    ),
    fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3, noNullPrototype: true }),
        required: fc.subarray(['a', 'b', 'c']),
        // Outputs may give new properties (a rule, not a bug): the oracle's schemas say nothing of undeclared ones but a schema.
        additionalProperties: fc.oneof(fc.constant(true), tie('node')),
        minProperties: fc.integer({ min: 0, max: 2 }),
        maxProperties: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: ['type'] },
    ),
    // Tray's oneOf comes from TypeScript unions (anyOf): alternatives, not exclusive ones.
    fc.record({ anyOf: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
  ),
})).node;

/** The build's schema: another one, or the deployed one with some keywords taken from another, or dropped. */
const pairArb = schemaArb.chain((old) =>
  fc.tuple(
    fc.constant(old),
    fc.oneof(
      schemaArb,
      fc.tuple(schemaArb, fc.subarray(Object.keys(old)), fc.boolean()).map(([other, keys, drop]) => {
        const now: Schema = { ...old };
        for (const key of keys) {
          if (drop || !(key in other)) delete now[key];
          else now[key] = other[key];
        }
        return { ...other, ...now };
      }),
    ),
  ),
);

const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

const op = (side: 'inputSchema' | 'outputSchema', schema: Schema) => ({ name: 'op', inputSchema: {}, outputSchema: {}, [side]: schema });

describe('the breaking-change rules against a validator (property-based)', () => {
  it('an input value the deployed schema accepted and the build refuses is always reported as breaking', () => {
    fc.assert(
      fc.property(pairArb, fc.array(valueArb, { maxLength: 25 }), ([old, now], values) => {
        const lost = values.find((v) => accepts(old, v) && !accepts(now, v));
        if (lost === undefined) return;
        const result = compareOperations([op('inputSchema', old)], [op('inputSchema', now)]);
        expect({ lost, breaking: result.breaking.length > 0 }).toEqual({ lost, breaking: true });
      }),
      FC,
    );
  });

  it('an output value the build may give and the deployed schema did not promise is always reported as breaking', () => {
    fc.assert(
      fc.property(pairArb, fc.array(valueArb, { maxLength: 25 }), ([old, now], values) => {
        const gained = values.find((v) => accepts(now, v) && !accepts(old, v));
        if (gained === undefined) return;
        const result = compareOperations([op('outputSchema', old)], [op('outputSchema', now)]);
        expect({ gained, breaking: result.breaking.length > 0 }).toEqual({ gained, breaking: true });
      }),
      FC,
    );
  });

  it('the same schema on both sides is never breaking, whatever it holds', () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const copy = JSON.parse(JSON.stringify(schema));
        expect(compareOperations([op('inputSchema', schema)], [op('inputSchema', copy)]).inSync).toBe(true);
      }),
      FC,
    );
  });
});
