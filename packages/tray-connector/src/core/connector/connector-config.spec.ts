import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readConnectorConfig, toKebabCase, validateConnectorConfig } from './connector-config';
import { ValidationError } from '../errors';

describe('validateConnectorConfig', () => {
  const valid = { name: 'acme-crm', version: '1.0', title: 'Acme CRM' };

  it('accepts a valid connector.json', () => {
    expect(validateConnectorConfig(valid)).toEqual([]);
    expect(validateConnectorConfig({ ...valid, name: 'a1-b2', version: '12.34', tags: ['x'], isTrigger: false })).toEqual([]);
  });

  it('names every bad field at once', () => {
    const problems = validateConnectorConfig({ name: 'Acme CRM', version: '1', tags: 'x' });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('"name" must be kebab-case');
    expect(problems[0]).toContain('use "acme-crm"');
    expect(problems[1]).toContain('"version" must be "MAJOR.MINOR"');
    expect(problems[2]).toContain('"title" is missing');
    expect(problems[3]).toContain('"tags" must be an array');
  });

  it.each(['acme--crm', '-acme', 'acme-', 'acme_crm', 'acme/crm', '1acme', 'acme crm', '../x'])('refuses name %s', (name) => {
    expect(validateConnectorConfig({ ...valid, name })[0]).toContain('"name" must be kebab-case');
  });

  it.each(['1', '1.0.0', 'v1.0', '01.0', '1.x', ''])('refuses version %s', (version) => {
    expect(validateConnectorConfig({ ...valid, version })).toHaveLength(1);
  });

  it('refuses non-objects', () => {
    expect(validateConnectorConfig([])).toEqual(['must be a JSON object with "name", "version" and "title"']);
    expect(validateConnectorConfig(null)).toHaveLength(1);
  });
});

describe('toKebabCase', () => {
  it.each([
    ['AcmeCRM', 'acme-crm'],
    ['acme_crm', 'acme-crm'],
    ['Acme CRM v2', 'acme-crm-v2'],
    ['myHTTPConnector', 'my-http-connector'],
  ])('%s -> %s', (input, out) => expect(toKebabCase(input)).toBe(out));
});

describe('readConnectorConfig', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-config-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a valid file', () => {
    fs.writeFileSync(path.join(dir, 'connector.json'), JSON.stringify({ name: 'x', version: '1.0', title: 'X', extra: 1 }));
    expect(readConnectorConfig(dir)).toEqual({ name: 'x', version: '1.0', title: 'X', extra: 1 });
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => readConnectorConfig(dir)).toThrow(`${path.join(dir, 'connector.json')} not found`);
    fs.writeFileSync(path.join(dir, 'connector.json'), '{nope');
    expect(() => readConnectorConfig(dir)).toThrow('is not valid JSON');
  });

  it('throws a ValidationError naming the file and fields', () => {
    fs.writeFileSync(path.join(dir, 'connector.json'), JSON.stringify({ name: 'Bad Name', version: '1.0' }));
    try {
      readConnectorConfig(dir);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).file).toBe(path.join(dir, 'connector.json'));
      expect((e as ValidationError).problems).toHaveLength(2);
    }
  });
});
