import { planErrorTypes, renderErrorTypes } from './error-types';
import type { ImportedOperation } from './operations';
import { namedTypes, schemaToType, type TypeWalk } from './schema-to-typescript';

function operation(errorBodies: ImportedOperation['errorBodies']): ImportedOperation {
  return {
    name: 'get_site',
    title: 'Get a site',
    description: '',
    method: 'get',
    path: '/sites/{id}',
    tags: [],
    parameters: [],
    response: { kind: 'none', status: '204' },
    errorBodies,
    notes: [],
  };
}

describe('error types (29.2)', () => {
  const text = { type: 'object', properties: { message: { type: 'string' } } };
  const coded = { type: 'object', required: ['code'], properties: { code: { type: 'integer' } } };

  it('names one type per error body schema after its first status, and the union after the operation', () => {
    const walk: TypeWalk = { mode: 'output', notes: [] };
    const op = operation([
      { status: '404', schema: text },
      { status: '5XX', schema: coded },
      { status: 'default', schema: text },
    ]);
    const plan = planErrorTypes(op, 'GetSite', walk)!;
    expect(plan.name).toBe('GetSiteError');
    expect(plan.types.map((t) => [t.name, t.statuses])).toEqual([
      ['GetSiteError404', ['404', 'default']],
      ['GetSiteError5XX', ['5XX']],
    ]);
    const declarations = renderErrorTypes(op, plan, walk).text;
    expect(declarations).toContain(
      '/**\n * The body of an error answer of GET /sites/{id}, by status (404, default: GetSiteError404; 5XX: GetSiteError5XX).\n */\n' +
        'export type GetSiteError = GetSiteError404 | GetSiteError5XX;\n',
    );
    expect(declarations).toContain('export type GetSiteError5XX = {\n\tcode: Integer;\n};\n');
    // The integer of an error body is declared with the file's other named types.
    expect(namedTypes(walk)).toContain('type Integer = number & {};');
  });

  it('writes nothing without a declared JSON error body, and keeps its names from shared schemas of the file', () => {
    expect(planErrorTypes(operation([]), 'GetSite', { mode: 'output', notes: [] })).toBeUndefined();
    expect(planErrorTypes(operation(undefined), 'GetSite', { mode: 'output', notes: [] })).toBeUndefined();
    const walk: TypeWalk = { mode: 'output', notes: [] };
    planErrorTypes(operation([{ status: 'default', schema: text }]), 'GetSite', walk);
    const shared = {
      ...coded,
      title: 'Get site error',
      properties: { code: { type: 'integer' }, more: { type: 'string', description: 'x'.repeat(40) } },
    };
    schemaToType({ type: 'object', properties: { a: shared, b: shared } }, walk);
    expect(namedTypes(walk)).toMatch(/^type GetSiteErrorType = /m);
  });
});
