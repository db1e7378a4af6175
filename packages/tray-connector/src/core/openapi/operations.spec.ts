import type { OpenApiDocument } from './load-spec';
import { collectOperations, operationName } from './operations';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const doc = (paths: Record<string, unknown>): OpenApiDocument => ({ openapi: '3.0.3', info: { title: 'T', version: '1' }, paths });
const ok = { '200': { description: 'ok', ...json({ type: 'object', properties: { id: { type: 'string' } } }) } };

describe('operationName', () => {
  it('snake_cases the operationId, or method + path without one', () => {
    expect(operationName('listPets', 'get', '/pets')).toBe('list_pets');
    expect(operationName('Pets.Create-One', 'post', '/pets')).toBe('pets_create_one');
    expect(operationName(undefined, 'get', '/pets/{petId}/photos')).toBe('get_pets_by_pet_id_photos');
    expect(operationName('2fa-enable', 'post', '/x')).toBe('op_2fa_enable');
  });
});

describe('collectOperations', () => {
  it('keeps document order and resolves name collisions deterministically', () => {
    const d = doc({
      '/a': { get: { operationId: 'getThing', responses: ok }, post: { operationId: 'get-thing', responses: ok } },
      '/b': { get: { operationId: 'get_thing', responses: ok } },
    });
    const names = collectOperations(d).operations.map((o) => o.name);
    expect(names).toEqual(['get_thing', 'get_thing_2', 'get_thing_3']);
    expect(collectOperations(d).operations.map((o) => o.name)).toEqual(names);
  });

  it('takes title from summary and description from description, either may be missing', () => {
    const d = doc({
      '/a': { get: { operationId: 'a', summary: 'Get an A', description: 'Long text', responses: ok } },
      '/b': { get: { operationId: 'listAllBs', responses: ok } },
    });
    const [a, b] = collectOperations(d).operations;
    expect([a.title, a.description]).toEqual(['Get an A', 'Long text']);
    expect([b.title, b.description]).toEqual(['List all bs', '']);
  });

  it('filters by globs on operationId, name or path, and by tag', () => {
    const d = doc({
      '/pets': {
        get: { operationId: 'listPets', tags: ['pets'], responses: ok },
        post: { operationId: 'createPet', tags: ['pets'], responses: ok },
      },
      '/store/orders/{id}': { get: { operationId: 'getOrder', tags: ['store'], responses: ok } },
    });
    expect(collectOperations(d, { operations: ['list*'] }).operations.map((o) => o.name)).toEqual(['list_pets']);
    expect(collectOperations(d, { operations: ['/store/**'] }).operations.map((o) => o.name)).toEqual(['get_order']);
    expect(collectOperations(d, { operations: ['create_pet'] }).operations.map((o) => o.name)).toEqual(['create_pet']);
    const byTag = collectOperations(d, { tags: ['st*'] });
    expect(byTag.operations.map((o) => o.name)).toEqual(['get_order']);
    expect(byTag.filteredOut).toBe(2);
  });

  it('merges path-level and operation-level parameters and keeps input keys unique', () => {
    const d = doc({
      '/things/{id}': {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer' }, description: 'path level' },
        ],
        get: {
          operationId: 'getThing',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer' }, description: 'operation level' },
            { name: 'id', in: 'header', schema: { type: 'string' } },
            { name: 'Accept', in: 'header', schema: { type: 'string' } },
            { name: 'tags', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } },
            { name: 'session', in: 'cookie', schema: { type: 'string' } },
          ],
          responses: ok,
        },
      },
    });
    const [op] = collectOperations(d).operations;
    expect(op.parameters.map((p) => [p.in, p.name, p.key, p.required])).toEqual([
      ['path', 'id', 'id', true],
      ['query', 'limit', 'limit', false],
      ['query', 'tags', 'tags', false],
      ['header', 'id', 'id_header', false],
      ['cookie', 'session', 'session', false],
    ]);
    expect(op.parameters[1].description).toBe('operation level');
    expect(op.parameters[2]).toMatchObject({ explode: false, style: 'form' });
    expect(op.notes).toEqual([expect.stringContaining('header parameter Accept is set by the runtime')]);
  });

  it('takes a JSON body, else form or text, multipart and binary files (issue 29.4); a multipart body without parts is skipped with the reason', () => {
    const d = doc({
      '/json': {
        post: {
          operationId: 'json',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } }, 'application/xml': {} } },
          responses: ok,
        },
      },
      '/vnd': {
        post: {
          operationId: 'vnd',
          requestBody: { content: { 'application/vnd.api+json': { schema: { type: 'object' } } } },
          responses: ok,
        },
      },
      '/form': {
        post: {
          operationId: 'form',
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
          responses: ok,
        },
      },
      '/text': { put: { operationId: 'text', requestBody: { content: { 'text/plain': { schema: { type: 'string' } } } }, responses: ok } },
      '/upload': {
        post: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } }, responses: ok },
      },
      '/raw': { post: { operationId: 'raw', requestBody: { content: { 'application/octet-stream': {} } }, responses: ok } },
    });
    const { operations, skipped } = collectOperations(d);
    expect(operations.map((o) => [o.name, o.body?.kind, o.body?.required])).toEqual([
      ['json', 'json', true],
      ['vnd', 'json', false],
      ['form', 'form', false],
      ['text', 'text', false],
      ['raw', 'file', false],
    ]);
    expect(operations[0].notes).toEqual([
      'request body sent as application/json; also accepted by the API but not offered: application/xml',
    ]);
    expect(skipped).toEqual([
      {
        method: 'POST',
        path: '/upload',
        operationId: 'upload',
        reason: 'a multipart/form-data body without declared properties: its parts are unknown',
      },
    ]);
  });

  it('takes the first 2xx response; empty, text and file responses', () => {
    const d = doc({
      '/a': {
        get: {
          operationId: 'a',
          responses: {
            '201': { description: 'c', ...json({ type: 'string' }) },
            '200': { description: 'o', ...json({ type: 'object' }) },
            default: {},
          },
        },
      },
      '/b': { delete: { operationId: 'b', responses: { '204': { description: 'gone' } } } },
      '/c': { get: { operationId: 'c', responses: { '200': { description: 't', content: { 'text/csv': {} } } } } },
      '/d': { get: { operationId: 'd', responses: { '200': { description: 'f', content: { 'application/pdf': {} } } } } },
      '/e': { get: { operationId: 'e', responses: { '404': { description: 'no' } } } },
    });
    const { operations, skipped } = collectOperations(d);
    expect(operations.map((o) => [o.name, o.response.kind, o.response.status])).toEqual([
      ['a', 'json', '200'],
      ['b', 'none', '204'],
      ['c', 'text', '200'],
      ['e', 'none', 'none'],
    ]);
    expect(skipped).toEqual([
      { method: 'GET', path: '/d', operationId: 'd', reason: expect.stringContaining('the 200 response is application/pdf') },
    ]);
  });

  it("lists methods Tray's http DSL cannot send, and notes callbacks", () => {
    const d = doc({
      '/a': { head: { operationId: 'headA', responses: ok }, post: { operationId: 'sub', callbacks: { onEvent: {} }, responses: ok } },
    });
    const { operations, skipped } = collectOperations(d);
    expect(skipped).toEqual([
      { method: 'HEAD', path: '/a', operationId: 'headA', reason: expect.stringContaining("not a method Tray's http DSL can send") },
    ]);
    expect(operations[0].notes).toEqual(['callbacks (onEvent) are not imported: a Tray operation makes one request']);
  });

  it('imports multipart bodies: binary properties are file parts, the rest fields; a required list of files is refused (29.4)', () => {
    const multipart = (schema: object, encoding?: object) => ({
      post: { operationId: 'up', requestBody: { required: true, content: { 'multipart/form-data': { schema, encoding } } }, responses: ok },
    });
    const d = doc({
      '/a': multipart(
        {
          type: 'object',
          required: ['file', 'name'],
          properties: {
            file: { type: 'string', format: 'binary' },
            image: { type: 'string', contentMediaType: 'image/png' },
            name: { type: 'string' },
            meta: { type: 'object' },
            many: { type: 'array', items: { type: 'string', format: 'binary' } },
          },
        },
        { file: { headers: { 'X-Part': { schema: { type: 'string' } } } } },
      ),
      '/b': multipart({
        type: 'object',
        required: ['many'],
        properties: { many: { type: 'array', items: { type: 'string', format: 'binary' } } },
      }),
      '/c': { delete: { requestBody: { content: { 'application/octet-stream': {} } }, responses: ok } },
      '/d': { put: { requestBody: { content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } }, responses: ok } },
      '/e': { put: { requestBody: { content: { 'application/xml': { schema: { type: 'object' } } } }, responses: ok } },
    });
    const { operations, skipped } = collectOperations(d);
    expect(operations.map((o) => [o.path, o.body?.kind, o.body?.mediaType])).toEqual([
      ['/a', 'multipart', 'multipart/form-data'],
      ['/d', 'file', 'image/*'],
    ]);
    expect(operations[0].body).toMatchObject({ files: ['file', 'image'], required: true });
    expect(Object.keys(operations[0].body!.schema.properties)).toEqual(['file', 'image', 'name', 'meta']);
    expect(operations[0].body!.schema.required).toEqual(['file', 'name']);
    expect(operations[0].notes).toEqual([
      'optional multipart part "many" (a list of files) is left out: Tray\'s http DSL sends one file per part',
      "multipart encoding headers are not sent: Tray's http DSL writes each part's headers itself",
    ]);
    expect(skipped.map((s) => [s.path, s.reason])).toEqual([
      ['/b', 'multipart part "many" is a list of files, which Tray\'s http DSL cannot send (one file per part)'],
      ['/c', expect.stringMatching(/^a DELETE with a application\/octet-stream body/)],
      ['/e', expect.stringMatching(/^request body application\/xml is not supported by the importer/)],
    ]);
  });

  it("finds the API's error words by the error responses' schemas: codes, classes, default, nested and listed (29.2)", () => {
    const error = (schema: object) => ({ description: 'e', content: { 'application/problem+json': { schema } } });
    const d = doc({
      '/a': {
        get: {
          responses: {
            ...ok,
            default: error({ type: 'object', properties: { status: { type: 'integer' }, err: { type: 'string' } } }),
            '4XX': error({ allOf: [{ properties: { code: { type: 'string' } } }, { properties: { message: { type: 'string' } } }] }),
            '404': error({
              type: 'object',
              properties: { error: { type: 'object', properties: { message: { type: 'string' }, code: { type: 'integer' } } } },
            }),
            '422': error({
              properties: { errors: { type: 'array', items: { properties: { title: { type: 'string' }, detail: { type: 'string' } } } } },
            }),
            '500': error({ type: 'object', properties: { count: { type: 'integer' } } }),
            '503': { description: 'text', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
    });
    expect(collectOperations(d).operations[0].errors).toEqual([
      { status: '404', message: [['error', 'message']], code: ['error', 'code'] },
      {
        status: '422',
        message: [
          ['errors', 0, 'detail'],
          ['errors', 0, 'title'],
        ],
      },
      { status: '4XX', message: [['message']], code: ['code'] },
      { status: 'default', message: [['err']] },
    ]);
  });
});
