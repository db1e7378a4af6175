import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findOperations, operationSchemaSources } from './connector-operations';
import { TrayConnectorError, ValidationError } from '../errors';

describe('findOperations', () => {
  let dir: string;
  const write = (rel: string, text = '') => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-ops-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds folders directly under src/ that hold operation.json, sorted, with Tray type names', () => {
    for (const op of ['list_contacts', 'get-deal']) {
      write(`src/${op}/operation.json`, '{}');
      write(`src/${op}/input.ts`);
      write(`src/${op}/output.ts`);
    }
    write('src/get-deal/response.ts');
    write('src/helpers/util.ts'); // no operation.json: not an operation
    write('src/nested/deeper/operation.json', '{}'); // not directly under src/
    const ops = findOperations(dir);
    expect(ops.map((o) => o.folder)).toEqual(['get-deal', 'list_contacts']);
    expect(ops[0]).toMatchObject({
      typePrefix: 'GetDeal',
      inputType: 'GetDealInput',
      outputType: 'GetDealOutput',
      responseType: 'GetDealResponse',
    });
    expect(ops[0].responseFile).toBe(path.join(dir, 'src/get-deal/response.ts'));
    expect(ops[1].responseFile).toBeUndefined();
    expect(operationSchemaSources(ops[0]).map((s) => `${s.kind}:${s.type}`)).toEqual([
      'input:GetDealInput',
      'output:GetDealOutput',
      'response:GetDealResponse',
    ]);
    expect(operationSchemaSources(ops[1]).map((s) => s.kind)).toEqual(['input', 'output']);
  });

  it('reports every missing input.ts/output.ts and bad operation.json at once', () => {
    write('src/a_op/operation.json', '{}');
    write('src/a_op/input.ts');
    write('src/b_op/operation.json', '[1]');
    write('src/b_op/output.ts');
    write('src/c_op/operation.json', '{oops');
    write('src/c_op/input.ts');
    write('src/c_op/output.ts');
    try {
      findOperations(dir);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const problems = (e as ValidationError).problems;
      expect(problems).toEqual([
        `${path.join(dir, 'src/a_op/output.ts')} is missing: operation "a_op" needs it to export type AOpOutput`,
        `${path.join(dir, 'src/b_op/operation.json')}: must be a JSON object`,
        `${path.join(dir, 'src/b_op/input.ts')} is missing: operation "b_op" needs it to export type BOpInput`,
        expect.stringContaining(`${path.join(dir, 'src/c_op/operation.json')}: not valid JSON`),
      ]);
    }
  });

  it('names the missing src folder', () => {
    expect(() => findOperations(dir)).toThrow(TrayConnectorError);
    expect(() => findOperations(dir)).toThrow(`${path.join(dir, 'src')} not found`);
  });

  it('accepts a connector without operations', () => {
    write('src/Auth.ts');
    expect(findOperations(dir)).toEqual([]);
  });
});
