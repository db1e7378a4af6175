import * as path from 'path';
import { pathToFileURL } from 'url';
import { TrayConnectorError } from '../errors';
import { loadOpenApi, specPath } from './load-spec';

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('specPath', () => {
  it('takes paths relative to a folder and file: URLs', () => {
    expect(specPath('api/openapi.yaml', '/ws')).toBe(path.resolve('/ws', 'api/openapi.yaml'));
    expect(specPath(pathToFileURL('/tmp/a b.json').href, '/ws')).toBe('/tmp/a b.json');
  });
  it('refuses remote URLs and an empty value', () => {
    expect(() => specPath('https://example.com/openapi.json', '/ws')).toThrow('only local files are read');
    expect(() => specPath(' ', '/ws')).toThrow(TrayConnectorError);
  });
});

describe('loadOpenApi', () => {
  it('reads YAML and follows $refs into other local files (OpenAPI 3.1)', async () => {
    const doc = await loadOpenApi(path.join(FIXTURES, 'multi-file', 'openapi.yaml'));
    const op = doc.paths!['/things/{id}'].get;
    expect(op.parameters[0]).toMatchObject({ name: 'id', in: 'path', description: "The thing's id." });
    expect(op.responses['200'].content['application/json'].schema.properties.label).toEqual({ type: ['string', 'null'] });
  });
  it('refuses Swagger 2.0, saying how to convert it', async () => {
    await expect(loadOpenApi(path.join(FIXTURES, 'swagger2.json'))).rejects.toThrow(
      /is Swagger 2\.0, not OpenAPI 3.*npx swagger2openapi swagger2\.json -o openapi\.json/,
    );
  });
  it('refuses another openapi version, a missing file and an unresolvable $ref, naming the file', async () => {
    await expect(loadOpenApi(path.join(FIXTURES, 'not-openapi.json'))).rejects.toThrow(
      /not-openapi\.json could not be read as an OpenAPI document: Unsupported OpenAPI version: 2\.5\.0/,
    );
    await expect(loadOpenApi(path.join(FIXTURES, 'not-yaml.yaml'))).rejects.toThrow(
      /not-yaml\.yaml could not be read as an OpenAPI document: Error parsing /,
    );
    await expect(loadOpenApi(path.join(FIXTURES, 'nope.yaml'))).rejects.toThrow(/nope\.yaml does not exist/);
    await expect(loadOpenApi(path.join(FIXTURES, 'broken-ref.yaml'))).rejects.toThrow(/broken-ref\.yaml: a \$ref could not be resolved/);
  });
});
