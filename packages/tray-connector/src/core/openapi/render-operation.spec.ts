import * as fs from 'fs';
import * as path from 'path';
import { findOperations } from '../connector/connector-operations';
import { generateSchemas } from '../build/schema/generate-schemas';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import type { ImportedOperation, ImportedParameter } from './operations';
import { dslPath, outputWrapper, renderOperation } from './render-operation';

function param(name: string, location: ImportedParameter['in'], schema: object, extra: Partial<ImportedParameter> = {}): ImportedParameter {
  return {
    name,
    in: location,
    key: name,
    required: location === 'path',
    schema,
    explode: location === 'query',
    style: location === 'query' ? 'form' : 'simple',
    ...extra,
  };
}

function operation(extra: Partial<ImportedOperation> = {}): ImportedOperation {
  return {
    name: 'update_pet',
    title: 'Update a pet',
    description: 'Updates a pet.',
    method: 'put',
    path: '/pets/{petId}/owners/{petId_type}',
    operationId: 'updatePet',
    tags: [],
    parameters: [
      param('petId', 'path', { type: 'integer' }, { description: 'The pet.' }),
      param('petId_type', 'path', { type: 'string' }),
      param('limit', 'query', { type: 'integer', format: 'int32', maximum: 100 }, { description: 'How many.' }),
      param('tags', 'query', { type: 'array', items: { type: 'string' } }, { required: true }),
      param('ids', 'query', { type: 'array', items: { type: 'string' } }, { explode: false }),
      param('filter', 'query', { type: 'object', properties: { a: { type: 'string' } } }, { style: 'deepObject', explode: true }),
      param('X-Request-ID', 'header', { type: 'string', format: 'uuid' }, { required: true }),
      param('session', 'cookie', { type: 'string' }),
    ],
    body: {
      kind: 'json',
      mediaType: 'application/json',
      required: true,
      key: 'body',
      schema: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', description: 'Its name.' }, status: { type: 'string', enum: ['available', 'sold'] } },
      },
    },
    response: {
      kind: 'json',
      status: '200',
      mediaType: 'application/json',
      schema: { type: 'object', properties: { id: { type: 'integer' } } },
    },
    notes: [],
    ...extra,
  };
}

describe('renderOperation', () => {
  it('writes operation.json from name, summary and description', () => {
    const { files } = renderOperation(operation(), 'PetsAuth');
    expect(JSON.parse(files['operation.json'])).toEqual({ name: 'update_pet', title: 'Update a pet', description: 'Updates a pet.' });
  });

  it('builds the request from the parameters as data: the shared helper serializes them, no code per parameter', () => {
    const handler = renderOperation(operation(), 'PetsAuth').files['handler.ts'];
    expect(dslPath(operation()).path).toBe('/pets/:petId/owners/:petId_type');
    expect(handler).toContain("const PATH = '/pets/{petId}/owners/{petId_type}';");
    expect(handler).toContain("const DSL_PATH = '/pets/:petId/owners/:petId_type';");
    expect(handler).toContain('.put(DSL_PATH)');
    expect(handler).toContain("import { withParameters, json, type HttpParameter } from '../http-parameters';");
    expect(handler).toContain('const r = withParameters(request, DSL_PATH, PATH, input, PARAMETERS);');
    expect(handler).toContain("name: 'filter',\n\t\tin: 'query',\n\t\tkey: 'filter',\n\t\tstyle: 'deepObject',\n\t\texplode: true");
    expect(handler).toContain('return r.withBodyAsJson(json(input.body));');
    expect(handler).toContain(
      "OperationHandlerError.apiError('PUT /pets/{petId}/owners/{petId_type} failed with HTTP ' + response.getStatusCode(), {",
    );
    expect(handler).toContain('.parseWithBodyAsJson()');
    expect(handler).not.toContain('${');
  });

  it('sends optional, form and text bodies and no body', () => {
    const body = { kind: 'json' as const, mediaType: 'application/json', required: false, key: 'body', schema: { type: 'object' } };
    expect(renderOperation(operation({ body }), 'A').files['handler.ts']).toContain(
      'input.body === undefined ? r.withoutBody() : r.withBodyAsJson(json(input.body))',
    );
    expect(renderOperation(operation({ body: { ...body, kind: 'form', required: true } }), 'A').files['handler.ts']).toContain(
      'r.withBodyAsFormUrlEncoded(json(input.body))',
    );
    expect(
      renderOperation(operation({ body: { ...body, kind: 'text', required: true, schema: { type: 'string' } } }), 'A').files['handler.ts'],
    ).toContain('r.withBodyAsText(input.body)');
    const plain = renderOperation(operation({ parameters: [], body: undefined, path: '/pets' }), 'A').files['handler.ts'];
    expect(plain).toContain('.handleRequest((_ctx, _input, request) => request.withoutBody())');
  });

  it('gives a DELETE body its Content-Length (Node never chunks a DELETE body)', () => {
    const body = { kind: 'json' as const, mediaType: 'application/json', required: true, key: 'body', schema: { type: 'object' } };
    const handler = renderOperation(operation({ method: 'delete', body }), 'A').files['handler.ts'];
    expect(handler).toContain("r.addHeader('Content-Length', byteLength(json(input.body))).withBodyAsJson(json(input.body))");
    expect(handler).toContain("import { withParameters, json, byteLength, type HttpParameter } from '../http-parameters';");
  });

  it('adds an API key in the query string from the auth', () => {
    const handler = renderOperation(operation(), 'A', { apiKeyQuery: 'api_key' }).files['handler.ts'];
    expect(handler).toContain(
      "withParameters(request, DSL_PATH, PATH, input, PARAMETERS, [['api_key', ctx.auth?.user.access_token ?? '']])",
    );
    const test = renderOperation(operation(), 'A', { apiKeyQuery: 'api_key' }).files['handler.test.ts'];
    expect(test).toContain("&api_key=')).toBe(true);");
  });

  it('wraps responses that are not objects (Tray operations return objects), maps text and empty responses', () => {
    const list = operation({ response: { kind: 'json', status: '200', schema: { type: 'array', items: { type: 'string' } } } });
    expect(outputWrapper(list)).toBe('items');
    expect(renderOperation(list, 'A').files['output.ts']).toContain('items: Array<string>;');
    expect(renderOperation(list, 'A').files['handler.ts']).toContain(
      "OperationHandlerResult.success({ items: body as unknown as UpdatePetOutput['items'] })",
    );
    expect(outputWrapper(operation({ response: { kind: 'json', status: '200', schema: {} } }))).toBe('value');
    expect(
      outputWrapper(operation({ response: { kind: 'json', status: '200', schema: { allOf: [{ type: 'object' }, { properties: {} }] } } })),
    ).toBeUndefined();
    const text = renderOperation(operation({ response: { kind: 'text', status: '200', mediaType: 'text/csv' } }), 'A').files;
    expect(text['output.ts']).toContain('text: string;');
    expect(text['handler.ts']).toContain('.parseWithBodyAsText((body) => OperationHandlerResult.success({ text: body }))');
    const none = renderOperation(operation({ response: { kind: 'none', status: '204' } }), 'A').files;
    expect(none['output.ts']).toContain('export type UpdatePetOutput = Record<string, never>;');
    expect(none['handler.ts']).toContain('.parseWithoutBody(() => OperationHandlerResult.success({}))');
  });

  it('writes a test that checks the request and an error answer, with a typed sample input', () => {
    const test = renderOperation(operation(), 'A').files['handler.test.ts'];
    expect(test).toContain('const input: UpdatePetInput = {');
    // Every parameter, optional ones too, with the exact request line and headers (22.2).
    expect(test).toContain(
      "expect(request.url).toBe('/pets/1/owners/petId_type%20x%201?limit=1&tags=tags%201&ids=ids%201&filter[a]=a%201');",
    );
    expect(test).toContain("expect(request.headers['x-request-id']).toBe('3c5e4a2d-ad3a-48e9-8e2d-eff986f62387');");
    expect(test).toContain("expect(request.headers['cookie']).toBe('session=session%201');");
    expect(test).toContain('expect(JSON.parse(request.body)).toEqual(input.body);');
    // No error schema declared: the failure carries the status alone (29.2).
    expect(test).toContain("const ERROR_MESSAGE = 'PUT /pets/{petId}/owners/{petId_type} failed with HTTP 500';");
    expect(test).toContain('expect(output.isFailure && output.error.message).toBe(ERROR_MESSAGE);');
  });

  it("reads the API's words from the declared error answers and tests that they reach the failure (29.2)", () => {
    const errors = [{ status: '404', message: [['error', 'message']], code: ['error', 'code'] }];
    const { files } = renderOperation(operation({ errors }), 'A');
    expect(files['handler.ts']).toContain("import { apiErrorMessage, type ErrorShape } from '../api-error';");
    expect(files['handler.ts']).toContain("const LABEL = 'PUT /pets/{petId}/owners/{petId_type}';");
    expect(files['handler.ts']).toContain('.withJsonErrorHandling((body) =>');
    expect(files['handler.ts']).toContain(
      'OperationHandlerError.apiError(apiErrorMessage(LABEL, response.getStatusCode(), body, ERRORS), {',
    );
    expect(files['handler.test.ts']).toContain('reply.status = 404;');
    expect(files['handler.test.ts']).toContain(
      "const ERROR_MESSAGE = 'PUT /pets/{petId}/owners/{petId_type} failed with HTTP 404: The stand-in refuses (1) (code stand_in_code)';",
    );
    expect(files['handler.test.ts']).toContain("message: 'The stand-in\\u0007 refuses\\n(1)'");
    // A text answer: Tray's runtime hands no error body to the handler, so the words cannot be read (noted).
    const text = renderOperation(operation({ errors, response: { kind: 'text', status: '200' } }), 'A');
    expect(text.files['handler.ts']).not.toContain('apiErrorMessage');
    expect(text.files['handler.test.ts']).toContain("const ERROR_MESSAGE = 'PUT /pets/{petId}/owners/{petId_type} failed with HTTP 500';");
    expect(text.notes).toContain(
      "the error answers' words are not read: Tray's runtime hands error bodies to a handler only when it parses the response as JSON, and this one is text",
    );
  });

  it('types every declared error answer in output.ts, once per schema, and reads the error answer as that type (29.2)', () => {
    const problem = {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'object', properties: { message: { type: 'string' }, code: { type: 'integer' } } } },
    };
    const brief = { type: 'object', properties: { message: { type: 'string', description: 'What went wrong.' } } };
    const errorBodies = [
      { status: '404', schema: problem, description: 'No such pet.' },
      { status: '4XX', schema: brief },
      { status: 'default', schema: problem, description: 'Any other failure.' },
    ];
    const errors = [{ status: '404', message: [['error', 'message']], code: ['error', 'code'] }];
    const { files } = renderOperation(operation({ errors, errorBodies }), 'A');
    const output = files['output.ts'];
    // The schema 404 and default share is written once.
    expect(output).toContain(
      '/**\n * No such pet.\n * Any other failure.\n *\n * The body of an error answer of PUT /pets/{petId}/owners/{petId_type} (HTTP 404, default), as the document declares it.\n */\n' +
        'export type UpdatePetError404 = {\n\terror: {\n\t\tmessage?: string;\n\t\tcode?: Integer;\n\t};\n};\n',
    );
    expect(output).toContain(
      '/**\n * The body of an error answer of PUT /pets/{petId}/owners/{petId_type} (HTTP 4XX), as the document declares it.\n */\n' +
        'export type UpdatePetError4XX = {\n\t/**\n\t * What went wrong.\n\t */\n\tmessage?: string;\n};\n',
    );
    expect(output).toContain('export type UpdatePetError = UpdatePetError404 | UpdatePetError4XX;\n');
    expect(output.match(/^export type \w+/gm)).toEqual([
      'export type UpdatePetOutput',
      'export type UpdatePetError',
      'export type UpdatePetError404',
      'export type UpdatePetError4XX',
    ]);
    // The handler reads the error answer as the type: an author sees what it carries.
    const handler = files['handler.ts'];
    expect(handler).toContain("import { UpdatePetOutput, type UpdatePetError } from './output';");
    expect(handler).toContain('.withJsonErrorHandling((answer) => {');
    expect(handler).toContain('\t\t\t\t\t\tconst body = answer as unknown as UpdatePetError;\n');
    expect(handler).toContain('OperationHandlerError.apiError(apiErrorMessage(LABEL, response.getStatusCode(), body, ERRORS), {');
    // One error schema: the type is the body's own.
    const one = renderOperation(operation({ errors, errorBodies: [{ status: 'default', schema: brief }] }), 'A').files['output.ts'];
    expect(one).toContain('(HTTP default), as the document declares it.\n */\nexport type UpdatePetError = {\n');
    expect(one).not.toContain('UpdatePetErrorDefault');
  });

  it('never names a shared schema of output.ts like an error type of the file (29.2)', () => {
    const pet = {
      type: 'object',
      title: 'Update pet error',
      properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } },
    };
    const response = { kind: 'json' as const, status: '200', schema: { type: 'object', properties: { x: pet, y: pet } } };
    const errorBodies = [{ status: '400', schema: { type: 'object', properties: { message: { type: 'string' } } } }];
    const output = renderOperation(operation({ response, errorBodies }), 'A').files['output.ts'];
    expect(output.match(/^(export )?type \w+/gm)).toEqual([
      'export type UpdatePetOutput',
      'export type UpdatePetError',
      'type UpdatePetErrorType',
    ]);
  });

  it('sends multipart parts and file bodies from FileReferences, and tests the bytes the stand-in receives (29.4)', () => {
    const schema = {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, note: { type: 'string' } },
    };
    const body = { kind: 'multipart' as const, mediaType: 'multipart/form-data', required: true, key: 'body', schema, files: ['file'] };
    const multipart = renderOperation(operation({ body }), 'A').files;
    expect(multipart['input.ts']).toContain("import type { FileReference } from '@trayio/cdk-dsl/connector/operation/OperationHandler';");
    expect(multipart['input.ts']).toContain('\t\tfile: FileReference;\n');
    expect(multipart['input.ts']).toContain('\t\tnote?: string;\n');
    expect(multipart['handler.ts']).toContain('return r.withBodyAsMultipart(multipart(input.body, FILE_PARTS));');
    expect(multipart['handler.ts']).toMatch(/const FILE_PARTS: readonly string\[\] = \[\s*'file'\s*\];/);
    expect(multipart['handler.test.ts']).toContain('copy.body.file.url = process.env[BASE_URL_ENV] + FILE_PATH;');
    expect(multipart['handler.test.ts']).toContain("expect(partBytes(request.raw, 'file').equals(FILE_BYTES)).toBe(true);");
    expect(multipart['handler.test.ts']).toContain("expect(partBytes(request.raw, 'note').toString('utf8')).toBe('note 1');");
    const file = renderOperation(operation({ body: { ...body, kind: 'file', mediaType: 'application/pdf', schema: {} } }), 'A').files;
    expect(file['input.ts']).toContain('\tbody: FileReference;');
    const binary = renderOperation(operation({ body: { ...body, kind: 'file', schema: { type: 'string', format: 'binary' } } }), 'A');
    expect(binary.files['input.ts']).not.toContain('@format binary');
    expect(file['handler.ts']).toContain("return r.withContentType('application/pdf').withBodyAsFile(input.body);");
    expect(file['handler.test.ts']).toContain("expect(request.headers['content-type']).toBe('application/pdf');");
    expect(file['handler.test.ts']).toContain('expect(request.raw.equals(FILE_BYTES)).toBe(true);');
  });

  it('tests that every request carries the credential of the test context, as the scheme sends it (29.3)', () => {
    const check = (sent: { via: 'bearer' | 'header' | 'query' | 'cookie' | 'basic'; name?: string }) =>
      renderOperation(operation(), 'A', { sent }).files['handler.test.ts'];
    expect(check({ via: 'bearer' })).toContain('.then(({ output, ctx }) => {');
    expect(check({ via: 'bearer' })).toContain(
      "expect(request.headers['authorization']).toBe('Bearer ' + (ctx.auth?.user.access_token ?? ''));",
    );
    expect(check({ via: 'header', name: 'X-Key' })).toContain("expect(request.headers['x-key']).toBe(ctx.auth?.user.access_token ?? '');");
    expect(check({ via: 'query', name: 'key' })).toContain(
      "expect(new URL(request.url ?? '', 'http://stand-in').searchParams.get('key')).toBe(ctx.auth?.user.access_token ?? '');",
    );
    expect(check({ via: 'cookie', name: 's id' })).toContain(
      "expect(request.headers['cookie']).toContain('s%20id=' + encodeURIComponent(ctx.auth?.user.access_token ?? ''));",
    );
    // The cookie parameters join the auth's cookie in one header.
    expect(check({ via: 'cookie', name: 's id' })).toContain("expect(request.headers['cookie']).toContain('session=session%201');");
    expect(check({ via: 'basic' })).toContain(
      "expect(request.headers['authorization']).toBe('Basic ' + Buffer.from((ctx.auth?.user.username ?? '') + ':' + (ctx.auth?.user.password ?? '')).toString('base64'));",
    );
    expect(renderOperation(operation(), 'A').files['handler.test.ts']).toContain('.then(({ output }) => {');
  });

  it('is deterministic', () => {
    expect(renderOperation(operation(), 'A')).toEqual(renderOperation(operation(), 'A'));
  });

  it("gives input.ts/output.ts that Tray's schema build turns into schemas with descriptions, formats, enums and required", () => {
    const dir = tempDir('tc-openapi-render-');
    try {
      const { files } = renderOperation(operation(), 'A');
      writeFiles(dir, {
        'src/update_pet/operation.json': files['operation.json'],
        'src/update_pet/input.ts': files['input.ts'],
        'src/update_pet/output.ts': files['output.ts'],
      });
      const schemas = generateSchemas(findOperations(dir));
      const input = JSON.parse(schemas.find((s) => s.kind === 'input')!.json);
      expect([...input.required].sort()).toEqual(['X-Request-ID', 'body', 'petId', 'petId_type', 'tags']);
      expect(input.properties.petId).toMatchObject({ type: 'integer', description: 'The pet.\n\nPath parameter `petId`.' });
      expect(input.properties.limit).toMatchObject({ type: 'integer', format: 'int32', maximum: 100 });
      expect(input.properties['X-Request-ID']).toMatchObject({ type: 'string', format: 'uuid' });
      expect(input.properties.body.properties.name).toMatchObject({ type: 'string', description: 'Its name.' });
      expect(input.properties.body.properties.status).toMatchObject({ enum: ['available', 'sold'], enumLabels: ['Available', 'Sold'] });
      expect(fs.existsSync(path.join(dir, 'src/update_pet/input.json'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
