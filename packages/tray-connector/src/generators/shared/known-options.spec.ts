import * as fs from 'fs';
import * as path from 'path';
import type { Tree } from '@nx/devkit';
import { createWorkspaceTree } from '../__fixtures__/tree';

const PACKAGE_ROOT = path.resolve(__dirname, '../../..');
const generatorsJson: { generators: Record<string, { factory: string; schema: string }> } = JSON.parse(
  fs.readFileSync(path.join(PACKAGE_ROOT, 'generators.json'), 'utf8'),
);
type Generator = (tree: Tree, options: object) => Promise<unknown>;

/** A plausible full set of options for each generator (what a user might type), to which one typo is added. */
const VALID: Record<string, Record<string, unknown>> = {
  init: { skipInstall: true },
  new: { name: 'acme-crm', skipInstall: true },
  operation: { name: 'list_contacts', project: 'acme-crm' },
  import: { spec: 'openapi.yaml', skipInstall: true },
  'ci-workflow': { provider: 'github' },
};

/** Every generator generators.json lists refuses an option its schema lacks, naming the nearest one, and writes nothing. */
describe.each(Object.entries(generatorsJson.generators))('tray-connector:%s refuses unknown options', (name, entry) => {
  const schema = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, entry.schema), 'utf8'));
  const known = Object.keys(schema.properties).find((k) => /[A-Z]/.test(k)) ?? Object.keys(schema.properties)[0];
  const typo = known.toLowerCase();

  it(`--${typo} (for --${known}) and a leftover positional argument`, async () => {
    const generator = require(path.join(PACKAGE_ROOT, entry.factory)).default as Generator;
    const tree = createWorkspaceTree();
    const changesBefore = tree.listChanges().length;
    await expect(generator(tree, { ...VALID[name], [typo]: true })).rejects.toThrow(
      `Unknown option --${typo} for tray-connector:${name}: did you mean --${known}?`,
    );
    await expect(generator(tree, { ...VALID[name], _: ['extra'] })).rejects.toThrow(
      `Unexpected argument extra for tray-connector:${name}: options are given as --name=value`,
    );
    expect(tree.listChanges().length).toBe(changesBefore);
  });
});
