import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrayConnectorError } from '../errors';
import { useSchemaServer } from './__fixtures__/schema-server';
import { convertSwagger2, SWAGGER2_MAX_DEPTH } from './convert-swagger2';
import { ImportBudgetError } from './import-budget';
import { planImport } from './import-plan';
import { loadOpenApi } from './load-spec';

const BOMBS = path.join(__dirname, '__fixtures__', 'bombs');
const swagger2 = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  swagger: '2.0',
  info: { title: 'x', version: '1' },
  paths,
  ...extra,
});

describe('convertSwagger2', () => {
  const requests: string[] = [];
  const server = useSchemaServer((req) => requests.push(req.url ?? ''));

  it('never fetches or reads anything: remote and file $refs given to it directly reach no server and no file', async () => {
    const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-s2o-')), 'secret.json');
    fs.writeFileSync(secret, JSON.stringify({ type: 'string', description: 'TOP-SECRET-VALUE' }));
    const doc = swagger2({
      '/x': {
        get: {
          parameters: [{ $ref: `http://127.0.0.1:${server.port()}/param.json` }],
          responses: { 200: { description: 'ok', schema: { $ref: `http://127.0.0.1:${server.port()}/schema.json` } } },
        },
        post: { responses: { 200: { description: 'ok', schema: { $ref: secret } } } },
      },
      '/y': { $ref: `http://127.0.0.1:${server.port()}/path-item.json` },
    });
    const outcome = await convertSwagger2(doc, 'spec.json').then(
      (converted) => JSON.stringify(converted),
      (e: Error) => e.message,
    );
    expect(requests).toEqual([]);
    expect(outcome).not.toContain('TOP-SECRET-VALUE');
    fs.rmSync(path.dirname(secret), { recursive: true, force: true });
  });

  it('refuses, before converting, a document that expands to too many objects (shared YAML aliases counted at each use)', async () => {
    // 12 levels of 10 properties each referring to the level below: about 10^12 objects once expanded.
    let level: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 12; i++) {
      const below = level;
      level = { type: 'object', properties: Object.fromEntries('abcdefghij'.split('').map((k) => [k, below])) };
    }
    const doc = swagger2({ '/bomb': { get: { responses: { 200: { description: 'ok', schema: level } } } } });
    await expect(convertSwagger2(doc, 'bomb.yaml')).rejects.toThrow(
      '--spec bomb.yaml: the Swagger 2.0 document expands to more than 2000000 objects before conversion (a YAML alias bomb?): it is not converted.',
    );
  });

  it('refuses a document nested deeper than the converter may recurse', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < SWAGGER2_MAX_DEPTH + 10; i++) schema = { type: 'array', items: schema };
    const doc = swagger2({ '/deep': { get: { responses: { 200: { description: 'ok', schema } } } } });
    await expect(convertSwagger2(doc, 'deep.json')).rejects.toThrow(TrayConnectorError);
    await expect(convertSwagger2(doc, 'deep.json')).rejects.toThrow(`nests deeper than ${SWAGGER2_MAX_DEPTH} levels`);
  });

  it('ends the YAML alias bomb written as Swagger 2.0 before conversion, and the $ref bomb in the import budget', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-s2o-bomb-'));
    try {
      const alias = fs
        .readFileSync(path.join(BOMBS, 'alias-bomb.yaml'), 'utf8')
        .replace('openapi: 3.0.3', "swagger: '2.0'")
        .replace('components:\n  schemas:\n', 'definitions:\n')
        .replace(/^ {4}L/gm, '  L')
        .replace('"200": {description: ok, content: {application/json: {schema: *L12}}}', '"200": {description: ok, schema: *L12}');
      fs.writeFileSync(path.join(dir, 'alias.yaml'), alias);
      await expect(loadOpenApi(path.join(dir, 'alias.yaml'))).rejects.toThrow(/expands to more than 2000000 objects before conversion/);

      const ref = JSON.parse(
        fs.readFileSync(path.join(BOMBS, 'ref-bomb.json'), 'utf8').replace(/#\/components\/schemas\//g, '#/definitions/'),
      );
      const bomb = swagger2(
        {
          '/bomb': {
            post: {
              operationId: 'postBomb',
              parameters: [{ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/L12' } }],
              responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/L12' } } },
            },
          },
        },
        { definitions: ref.components.schemas },
      );
      fs.writeFileSync(path.join(dir, 'ref.json'), JSON.stringify(bomb));
      const doc = await loadOpenApi(path.join(dir, 'ref.json'));
      expect(() =>
        planImport(doc, { connectorName: 'bomb', authType: 'BombAuth', baseUrlEnv: 'BOMB_BASE_URL', newConnector: true }),
      ).toThrow(ImportBudgetError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
