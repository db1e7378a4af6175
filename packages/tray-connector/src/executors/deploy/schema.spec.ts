import * as fs from 'fs';
import * as path from 'path';

const schema = require('./schema.json');
const declarations = fs.readFileSync(path.join(__dirname, 'schema.d.ts'), 'utf8');
const reference = fs.readFileSync(path.join(__dirname, '../../../docs/reference/executors.md'), 'utf8');

/** The rows of the generated reference's `tray-connector:deploy` options table (npm run docs), by option name. */
function readmeOptions(): Map<string, string> {
  const table = reference.split('## `tray-connector:deploy`')[1].split('\n## ')[0];
  const rows = table.split('\n').filter((l) => /^\| `\w+` \|/.test(l));
  return new Map(rows.map((row) => [/^\| `(\w+)`/.exec(row)![1], row]));
}

describe('tray-connector:deploy schema', () => {
  const options = Object.keys(schema.properties);

  it('declares every schema.json option in schema.d.ts and documents it in the reference options table', () => {
    const documented = readmeOptions();
    expect(options.filter((o) => !new RegExp(`\\n\\s+${o}\\?: `).test(declarations))).toEqual([]);
    expect(options.filter((o) => !documented.has(o))).toEqual([]);
    for (const o of options) expect(schema.properties[o].description).toBeTruthy();
  });

  it('gives the breaking-change options their documented defaults and types', () => {
    const documented = readmeOptions();
    expect(schema.properties.checkBreakingChanges).toMatchObject({
      default: true,
      oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['strict'] }],
    });
    expect(documented.get('checkBreakingChanges')).toContain('| `true` |');
    expect(declarations).toContain("checkBreakingChanges?: boolean | 'strict';");
    expect(schema.properties.allowBreakingChanges).toMatchObject({ type: 'boolean', default: false });
    expect(documented.get('allowBreakingChanges')).toContain('| `false` |');
    expect(schema.properties.connectivityTokenEnv.type).toBe('object');
    expect(Object.keys(schema.properties.connectivityTokenEnv.properties)).toEqual(['us', 'eu', 'apac']);
  });
});
