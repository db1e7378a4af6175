import { compareOperations, propertyPath, type OperationSchemas } from './compatibility';

/** A Tray-shaped object schema (what the build writes: additionalProperties false, advanced [], $schema). */
function object(properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Record<string, unknown> {
  return {
    type: 'object',
    properties,
    additionalProperties: false,
    required,
    $schema: 'http://json-schema.org/draft-07/schema#',
    advanced: [],
  };
}

const INPUT = object({ id: { type: 'string' }, limit: { type: 'number' }, status: { type: 'string', enum: ['open', 'closed'] } }, ['id']);
const OUTPUT = object({ id: { type: 'string' }, email: { type: 'string' }, kind: { type: 'string', enum: ['person', 'company'] } }, [
  'id',
  'email',
  'kind',
]);

function op(overrides: Partial<OperationSchemas> = {}): OperationSchemas {
  return { name: 'get_contact', title: 'Get contact', description: 'By id', inputSchema: INPUT, outputSchema: OUTPUT, ...overrides };
}

/** A deep copy of `schema` changed by `edit`. */
function edited(schema: unknown, edit: (s: any) => void): any {
  const copy = JSON.parse(JSON.stringify(schema));
  edit(copy);
  return copy;
}

function compareInput(edit: (s: any) => void, from: unknown = INPUT) {
  return compareOperations([op({ inputSchema: from })], [op({ inputSchema: edited(from, edit) })]);
}
function compareOutput(edit: (s: any) => void, from: unknown = OUTPUT) {
  return compareOperations([op({ outputSchema: from })], [op({ outputSchema: edited(from, edit) })]);
}
const brief = (diffs: { path: string; reason: string; breaking: boolean }[]) => diffs.map((d) => `${d.path}: ${d.reason}`);

describe('compareOperations', () => {
  it('finds nothing when only key order and $schema differ', () => {
    const reordered = {
      advanced: [],
      required: ['id'],
      additionalProperties: false,
      properties: { ...(INPUT.properties as object) },
      type: 'object',
    };
    const result = compareOperations([op()], [op({ inputSchema: reordered })]);
    expect(result).toEqual({ inSync: true, differences: [], breaking: [], truncated: false });
  });

  describe('operations', () => {
    it('an operation removed is breaking; a new operation is drift only', () => {
      const removed = compareOperations([op(), op({ name: 'list_contacts' })], [op()]);
      expect(removed.breaking).toEqual([
        { operation: 'list_contacts', path: '$', reason: 'operation removed (deployed, not in the build)', breaking: true },
      ]);
      const added = compareOperations([op()], [op(), op({ name: 'list_contacts' })]);
      expect(added.inSync).toBe(false);
      expect(added.breaking).toEqual([]);
      expect(added.differences).toEqual([
        { operation: 'list_contacts', path: '$', reason: 'new operation (in the build, not deployed)', breaking: false },
      ]);
    });

    it('title and description changes (of the operation or inside a schema) are drift, not breaking', () => {
      const result = compareOperations(
        [op()],
        [
          op({
            title: 'Fetch contact',
            description: 'By its id',
            inputSchema: edited(INPUT, (s) => (s.properties.id.description = 'The id')),
          }),
        ],
      );
      expect(result.breaking).toEqual([]);
      expect(brief(result.differences)).toEqual([
        '$.title: changed from "Get contact" to "Fetch contact"',
        '$.description: changed from "By id" to "By its id"',
        '$.inputSchema.properties.id.description: added: "The id"',
      ]);
    });
  });

  describe('inputs: accepting less is breaking, accepting more is not', () => {
    it('a new required property is breaking; a new optional property is not', () => {
      const required = compareInput((s) => {
        s.properties.region = { type: 'string' };
        s.required.push('region');
      });
      expect(brief(required.breaking)).toEqual(['$.inputSchema.required: new required property "region"']);
      const optional = compareInput((s) => (s.properties.region = { type: 'string' }));
      expect(optional.breaking).toEqual([]);
      expect(brief(optional.differences)).toEqual(['$.inputSchema.properties.region: added: {"type":"string"}']);
    });

    it('an optional property made required is breaking; a required one made optional is not', () => {
      expect(brief(compareInput((s) => s.required.push('limit')).breaking)).toEqual([
        '$.inputSchema.required: new required property "limit"',
      ]);
      const relaxed = compareInput((s) => (s.required = []));
      expect(relaxed.breaking).toEqual([]);
      expect(relaxed.inSync).toBe(false);
    });

    it('a property removed is breaking', () => {
      const result = compareInput((s) => delete s.properties.limit);
      expect(result.breaking).toEqual([
        {
          operation: 'get_contact',
          path: '$.inputSchema.properties.limit',
          reason: 'input property "limit" removed: a request that sends it is refused',
          breaking: true,
        },
      ]);
      // The drift at the same path is the breaking difference itself, not listed twice.
      expect(result.differences).toHaveLength(1);
    });

    it('a narrower type is breaking; a wider one is not', () => {
      expect(brief(compareInput((s) => (s.properties.limit.type = 'integer')).breaking)).toEqual([
        '$.inputSchema.properties.limit.type: narrower type: was number, now integer',
      ]);
      const union = edited(INPUT, (s) => (s.properties.id.type = ['string', 'number']));
      expect(brief(compareInput((s) => (s.properties.id.type = 'string'), union).breaking)).toEqual([
        '$.inputSchema.properties.id.type: narrower type: was string|number, now string',
      ]);
      expect(compareInput((s) => (s.properties.id.type = ['string', 'number'])).breaking).toEqual([]);
      expect(
        compareInput(
          (s) => (s.properties.limit.type = 'number'),
          edited(INPUT, (s) => (s.properties.limit.type = 'integer')),
        ).breaking,
      ).toEqual([]);
      expect(compareInput((s) => delete s.properties.limit.type).breaking).toEqual([]);
      expect(
        brief(
          compareInput(
            (s) => (s.properties.limit.type = 'number'),
            edited(INPUT, (s) => delete s.properties.limit.type),
          ).breaking,
        ),
      ).toEqual(['$.inputSchema.properties.limit.type: narrower type: was any type, now number']);
    });

    it('a narrower enum is breaking; a wider enum, or none, is not', () => {
      expect(brief(compareInput((s) => (s.properties.status.enum = ['open'])).breaking)).toEqual([
        '$.inputSchema.properties.status.enum: narrower enum: no longer accepts "closed"',
      ]);
      expect(brief(compareInput((s) => (s.properties.id.enum = ['a', 'b'])).breaking)).toEqual([
        '$.inputSchema.properties.id.enum: narrower enum: now only "a", "b"',
      ]);
      expect(compareInput((s) => s.properties.status.enum.push('archived')).breaking).toEqual([]);
      expect(compareInput((s) => delete s.properties.status.enum).breaking).toEqual([]);
      expect(compareInput((s) => s.properties.status.enum.reverse()).breaking).toEqual([]);
    });

    it('a new or different format is breaking; a format removed is not', () => {
      expect(brief(compareInput((s) => (s.properties.id.format = 'email')).breaking)).toEqual([
        '$.inputSchema.properties.id.format: narrower format: none became "email"',
      ]);
      const withFormat = edited(INPUT, (s) => (s.properties.id.format = 'uuid'));
      expect(brief(compareInput((s) => (s.properties.id.format = 'email'), withFormat).breaking)).toEqual([
        '$.inputSchema.properties.id.format: narrower format: "uuid" became "email"',
      ]);
      expect(compareInput((s) => delete s.properties.id.format, withFormat).breaking).toEqual([]);
    });

    it('applies inside nested objects, array items and alternatives', () => {
      const nested = object({ filter: object({ tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } }, []) }, []);
      expect(brief(compareInput((s) => (s.properties.filter.properties.tags.items.enum = ['a']), nested).breaking)).toEqual([
        '$.inputSchema.properties.filter.properties.tags.items.enum: narrower enum: no longer accepts "b"',
      ]);
      const alternativesSchema = object(
        { target: { oneOf: [object({ id: { type: 'string' } }), object({ email: { type: 'string' } })] } },
        [],
      );
      expect(brief(compareInput((s) => s.properties.target.oneOf.pop(), alternativesSchema).breaking)).toEqual([
        '$.inputSchema.properties.target.oneOf: narrower oneOf: 1 alternative(s) no longer accepted',
      ]);
      expect(compareInput((s) => s.properties.target.oneOf.push({ type: 'string' }), alternativesSchema).breaking).toEqual([]);
      expect(
        brief(compareInput((s) => (s.properties.target.oneOf[1].properties.email.format = 'email'), alternativesSchema).breaking),
      ).toEqual(['$.inputSchema.properties.target.oneOf[1].properties.email.format: narrower format: none became "email"']);
    });
  });

  describe('outputs: giving less or different is breaking, giving more is not', () => {
    it('a property removed is breaking; a new property is not', () => {
      expect(brief(compareOutput((s) => delete s.properties.email).breaking)).toEqual([
        '$.outputSchema.properties.email: output property "email" removed',
      ]);
      const added = compareOutput((s) => {
        s.properties.phone = { type: 'string' };
        s.required.push('phone');
      });
      expect(added.breaking).toEqual([]);
      expect(brief(added.differences)).toEqual([
        '$.outputSchema.properties.phone: added: {"type":"string"}',
        '$.outputSchema.required: changed from ["id","email","kind"] to ["id","email","kind","phone"]',
      ]);
    });

    it('a property made optional is breaking; an optional one made required is not', () => {
      expect(brief(compareOutput((s) => (s.required = ['id', 'kind'])).breaking)).toEqual([
        '$.outputSchema.required: output property "email" made optional: it may no longer be given',
      ]);
      expect(
        compareOutput(
          (s) => (s.required = ['id', 'email', 'kind']),
          edited(OUTPUT, (s) => (s.required = ['id'])),
        ).breaking,
      ).toEqual([]);
    });

    it('a type changed is breaking; a narrower output type is not', () => {
      expect(brief(compareOutput((s) => (s.properties.id.type = 'number')).breaking)).toEqual([
        '$.outputSchema.properties.id.type: type changed: was string, now number',
      ]);
      expect(brief(compareOutput((s) => (s.properties.id.type = ['string', 'null'])).breaking)).toEqual([
        '$.outputSchema.properties.id.type: type changed: was string, now string|null',
      ]);
      expect(brief(compareOutput((s) => delete s.properties.id.type).breaking)).toEqual([
        '$.outputSchema.properties.id.type: type changed: was string, now any type',
      ]);
      const nullable = edited(OUTPUT, (s) => (s.properties.id.type = ['string', 'null']));
      expect(compareOutput((s) => (s.properties.id.type = 'string'), nullable).breaking).toEqual([]);
      const number = edited(OUTPUT, (s) => (s.properties.id.type = 'number'));
      expect(compareOutput((s) => (s.properties.id.type = 'integer'), number).breaking).toEqual([]);
    });

    it('an enum widened is breaking; a narrower enum is not', () => {
      expect(brief(compareOutput((s) => s.properties.kind.enum.push('bot')).breaking)).toEqual([
        '$.outputSchema.properties.kind.enum: enum widened: may now give "bot"',
      ]);
      expect(brief(compareOutput((s) => delete s.properties.kind.enum).breaking)).toEqual([
        '$.outputSchema.properties.kind.enum: enum widened: was only "person", "company", now any value',
      ]);
      expect(compareOutput((s) => (s.properties.kind.enum = ['person'])).breaking).toEqual([]);
      expect(compareOutput((s) => (s.properties.email.enum = ['a@b.c'])).breaking).toEqual([]);
    });

    it('applies inside array items and alternatives', () => {
      const list = object({ items: { type: 'array', items: object({ id: { type: 'string' }, name: { type: 'string' } }) } });
      expect(brief(compareOutput((s) => delete s.properties.items.items.properties.name, list).breaking)).toEqual([
        '$.outputSchema.properties.items.items.properties.name: output property "name" removed',
      ]);
      const alternativesSchema = object({ owner: { oneOf: [{ type: 'string' }, { type: 'number' }] } });
      expect(brief(compareOutput((s) => s.properties.owner.oneOf.push({ type: 'null' }), alternativesSchema).breaking)).toEqual([
        '$.outputSchema.properties.owner.oneOf: oneOf widened: 1 new alternative(s) may be given',
      ]);
      expect(compareOutput((s) => s.properties.owner.oneOf.pop(), alternativesSchema).breaking).toEqual([]);
    });
  });

  describe('literal types (issue 28.1: the build writes a one-literal type as {"type":"string","const":"a"})', () => {
    const lits = (values: string[]) => (values.length === 1 ? { type: 'string', const: values[0] } : { type: 'string', enum: values });
    const input = (mode: unknown) => object({ mode }, []);
    const output = (single: unknown) => object({ single });
    const inputBreaks = (from: unknown, to: unknown) =>
      brief(compareOperations([op({ inputSchema: input(from) })], [op({ inputSchema: input(to) })]).breaking);
    const outputBreaks = (from: unknown, to: unknown) =>
      brief(compareOperations([op({ outputSchema: output(from) })], [op({ outputSchema: output(to) })]).breaking);

    it('the review\'s repro: mode?: "a"|"b" -> "a" and single: "only" -> "only"|"other" are breaking', () => {
      const result = compareOperations(
        [op({ inputSchema: input(lits(['a', 'b'])), outputSchema: output(lits(['only'])) })],
        [op({ inputSchema: input(lits(['a'])), outputSchema: output(lits(['only', 'other'])) })],
      );
      expect(brief(result.breaking)).toEqual([
        '$.inputSchema.properties.mode.const: narrower const: no longer accepts "b"',
        '$.outputSchema.properties.single.enum: enum widened: may now give "other"',
      ]);
    });

    it('an input: enum -> const, string -> const and const a -> const b narrow it; const -> enum or string widen it', () => {
      expect(inputBreaks(lits(['a', 'b']), lits(['a']))).toEqual([
        '$.inputSchema.properties.mode.const: narrower const: no longer accepts "b"',
      ]);
      expect(inputBreaks({ type: 'string' }, lits(['a']))).toEqual(['$.inputSchema.properties.mode.const: narrower const: now only "a"']);
      expect(inputBreaks(lits(['a']), lits(['b']))).toEqual(['$.inputSchema.properties.mode.const: narrower const: no longer accepts "a"']);
      expect(inputBreaks(lits(['a']), lits(['a', 'b']))).toEqual([]);
      expect(inputBreaks(lits(['a']), { type: 'string' })).toEqual([]);
      expect(inputBreaks({ type: 'boolean', const: true }, { type: 'boolean' })).toEqual([]);
      expect(inputBreaks({ type: 'boolean' }, { type: 'boolean', const: true })).toEqual([
        '$.inputSchema.properties.mode.const: narrower const: now only true',
      ]);
    });

    it('an output: const -> enum, const -> string and const a -> const b widen it; narrowing to a const does not', () => {
      expect(outputBreaks(lits(['only']), lits(['only', 'other']))).toEqual([
        '$.outputSchema.properties.single.enum: enum widened: may now give "other"',
      ]);
      expect(outputBreaks(lits(['only']), { type: 'string' })).toEqual([
        '$.outputSchema.properties.single.const: const widened: was only "only", now any value',
      ]);
      expect(outputBreaks(lits(['only']), lits(['other']))).toEqual([
        '$.outputSchema.properties.single.const: const widened: may now give "other"',
      ]);
      expect(outputBreaks(lits(['a', 'b']), lits(['a']))).toEqual([]);
      expect(outputBreaks({ type: 'string' }, lits(['a']))).toEqual([]);
    });
  });

  describe('every other keyword the build writes', () => {
    it("bounds: a tighter input bound or a looser output bound is breaking, a bound's opposite move is not", () => {
      const n = (extra: object) => object({ n: { type: 'integer', ...extra } }, []);
      const inputBreaks = (a: object, b: object) =>
        brief(compareOperations([op({ inputSchema: n(a) })], [op({ inputSchema: n(b) })]).breaking);
      const outputBreaks = (a: object, b: object) =>
        brief(compareOperations([op({ outputSchema: n(a) })], [op({ outputSchema: n(b) })]).breaking);
      expect(inputBreaks({ minimum: 0 }, { minimum: 1 })).toEqual(['$.inputSchema.properties.n.minimum: narrower minimum: was 0, now 1']);
      expect(inputBreaks({}, { maxLength: 3 })).toEqual(['$.inputSchema.properties.n.maxLength: narrower maxLength: was none, now 3']);
      expect(inputBreaks({ maximum: 5 }, { maximum: 9 })).toEqual([]);
      expect(inputBreaks({ multipleOf: 4 }, { multipleOf: 2 })).toEqual([]);
      expect(inputBreaks({ multipleOf: 2 }, { multipleOf: 4 })).toEqual([
        '$.inputSchema.properties.n.multipleOf: narrower multipleOf: was 2, now 4',
      ]);
      expect(inputBreaks({}, { pattern: '^a' })).toEqual(['$.inputSchema.properties.n.pattern: narrower pattern: none became "^a"']);
      expect(outputBreaks({ maxItems: 3 }, {})).toEqual(['$.outputSchema.properties.n.maxItems: maxItems widened: was 3, now none']);
      expect(outputBreaks({ minimum: 1 }, { minimum: 0 })).toEqual(['$.outputSchema.properties.n.minimum: minimum widened: was 1, now 0']);
      expect(outputBreaks({ minimum: 0 }, { minimum: 1 })).toEqual([]);
      expect(outputBreaks({ format: 'date-time' }, {})).toEqual([
        '$.outputSchema.properties.n.format: format changed: "date-time" became none',
      ]);
    });

    it('tuples are compared position by position, records by their value schema', () => {
      const tuple = (items: unknown[], extra: object = {}) =>
        object({ t: { type: 'array', items, minItems: items.length, maxItems: items.length, ...extra } }, []);
      expect(
        brief(
          compareOperations(
            [op({ inputSchema: tuple([{ type: 'string' }, { type: 'number' }]) })],
            [op({ inputSchema: tuple([{ type: 'string' }, { type: 'integer' }]) })],
          ).breaking,
        ),
      ).toEqual(['$.inputSchema.properties.t.items[1].type: narrower type: was number, now integer']);
      const record = (value: unknown) => object({ r: { type: 'object', additionalProperties: value } }, []);
      expect(
        brief(
          compareOperations([op({ outputSchema: record({ type: 'number' }) })], [op({ outputSchema: record({ type: 'string' }) })])
            .breaking,
        ),
      ).toEqual(['$.outputSchema.properties.r.additionalProperties.type: type changed: was number, now string']);
      expect(brief(compareOperations([op({ inputSchema: record(true) })], [op({ inputSchema: record(false) })]).breaking)).toEqual([
        '$.inputSchema.properties.r.additionalProperties: accepts nothing here any more',
      ]);
    });

    it('alternatives are matched by what they accept, not by position (TypeScript may reorder a union)', () => {
      const union = (...alternatives: unknown[]) => object({ u: { oneOf: alternatives } }, []);
      const s = { type: 'string' };
      const o = object({ a: { type: 'string' } });
      expect(compareOperations([op({ inputSchema: union(s, o) })], [op({ inputSchema: union(o, s) })]).breaking).toEqual([]);
      expect(compareOperations([op({ inputSchema: object({ u: s }, []) })], [op({ inputSchema: union(o, s) })]).breaking).toEqual([]);
      expect(brief(compareOperations([op({ outputSchema: object({ u: s }, []) })], [op({ outputSchema: union(o, s) })]).breaking)).toEqual([
        '$.outputSchema.properties.u.oneOf[0].type: type changed: was string, now object',
      ]);
    });

    it('fails closed where it cannot compare: too deep, or too many alternatives to try within its budget', () => {
      let deep: any = { type: 'string' };
      for (let i = 0; i < 100; i++) deep = { type: 'array', items: deep };
      const deeper = edited(deep, (s) => {
        let node = s;
        while (node.items) node = node.items;
        node.type = 'number';
      });
      const result = compareOperations([op({ inputSchema: deep })], [op({ inputSchema: deeper })]);
      expect(result.breaking.map((d) => d.reason)).toEqual(['nested deeper than 64 levels: not compared, counted as breaking']);
      let wide: any = { type: 'string' };
      for (let i = 0; i < 12; i++)
        wide = { anyOf: Array.from({ length: 16 }, (_, k) => (k === 0 ? wide : { type: 'number', const: k + i * 100 })) };
      const wider = edited(wide, (s) => (s.anyOf[0].anyOf[0].anyOf[0].x = 1));
      const costly = compareOperations([op({ inputSchema: wide })], [op({ inputSchema: wider })]);
      expect(costly.breaking.length).toBeGreaterThan(0);
    });
  });

  describe('drift', () => {
    it('lists every other difference with its JSON path, breaking ones first', () => {
      const result = compareOperations(
        [op()],
        [
          op({
            inputSchema: edited(INPUT, (s) => {
              s.advanced = ['limit'];
              s.properties.status.enumLabels = ['Open', 'Closed'];
            }),
            outputSchema: edited(OUTPUT, (s) => delete s.properties.email),
          }),
        ],
      );
      expect(result.differences.map((d) => [d.path, d.breaking])).toEqual([
        ['$.outputSchema.properties.email', true],
        ['$.inputSchema.advanced', false],
        ['$.inputSchema.properties.status.enumLabels', false],
      ]);
      expect(result.differences[1].reason).toBe('changed from [] to ["limit"]');
    });

    it('quotes keys that are not plain names, and keeps hostile keys and values as data', () => {
      expect(propertyPath('$', 'a b')).toBe('$["a b"]');
      expect(propertyPath('$', '"]\n$x')).toBe('$["\\"]\\n$x"]');
      const hostile = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"x\\ny":{"type":"string"}}}');
      const result = compareOperations([op({ outputSchema: hostile })], [op({ outputSchema: { type: 'object', properties: {} } })]);
      expect(brief(result.breaking)).toEqual([
        '$.outputSchema.properties.__proto__: output property "__proto__" removed',
        '$.outputSchema.properties["x\\ny"]: output property "x\\ny" removed',
      ]);
      expect(({} as Record<string, unknown>).type).toBeUndefined();
    });

    it('stays within its budgets: a count of differences and a depth', () => {
      const wide = object(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`p${i}`, { type: 'string' }])), []);
      const result = compareOperations([op({ inputSchema: object({}, []) })], [op({ inputSchema: wide })], { maxDifferences: 10 });
      expect(result.differences).toHaveLength(10);
      expect(result.truncated).toBe(true);
      const removedEverywhere = object(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`p${i}`, { type: 'string' }])));
      const many = compareOperations([op({ outputSchema: removedEverywhere })], [op({ outputSchema: object({}, []) })]);
      expect(many.differences).toHaveLength(200);
      expect(many.breaking).toHaveLength(200);
      expect(many.truncated).toBe(true);
      let deep: any = { type: 'string' };
      for (let i = 0; i < 5000; i++) deep = { items: deep };
      const deepResult = compareOperations([op({ outputSchema: deep })], [op({ outputSchema: { items: {} } })]);
      expect(deepResult.inSync).toBe(false);
      expect(deepResult.differences.length).toBeGreaterThan(0);
    });

    it('compares non-object schemas (null, booleans) as values', () => {
      const result = compareOperations([op({ inputSchema: null })], [op({ inputSchema: true })]);
      expect(brief(result.differences)).toEqual(['$.inputSchema: changed from null to true']);
      expect(result.breaking).toEqual([]);
    });
  });
});
