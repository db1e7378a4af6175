import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../__fixtures__/temp-connector';
import { GitIgnore } from './git-ignore';

describe('GitIgnore', () => {
  let ws: string;
  beforeEach(() => (ws = tempDir('tc-gitignore-')));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const ignored = (rules: GitIgnore, rel: string, dir = false) => rules.ignores(path.join(ws, rel), dir);

  it("applies the workspace root's .gitignore, every nested one on the way, and the deeper one last", () => {
    writeFiles(ws, {
      '.gitignore': '*.log\nsecrets/\n*.local.ts\n',
      'connectors/.gitignore': '!keep.log\n',
      'connectors/acme/.gitignore': 'scratch.ts\n',
      'connectors/acme/src/.gitignore': '!*.local.ts\ngenerated/\n',
      'connectors/acme/src/.nxignore': 'nx-only.ts\n',
    });
    const rules = GitIgnore.at(path.join(ws, 'connectors/acme/src'), ws);
    expect(ignored(rules, 'connectors/acme/src/a.log')).toBe(true);
    expect(ignored(rules, 'connectors/acme/src/keep.log')).toBe(false);
    expect(ignored(rules, 'connectors/acme/src/scratch.ts')).toBe(true);
    expect(ignored(rules, 'connectors/acme/src/dev.local.ts')).toBe(false);
    expect(ignored(rules, 'connectors/acme/src/generated', true)).toBe(true);
    expect(ignored(rules, 'connectors/acme/src/generated', false)).toBe(false);
    expect(ignored(rules, 'connectors/acme/src/secrets', true)).toBe(true);
    expect(ignored(rules, 'connectors/acme/src/nx-only.ts')).toBe(true);
    expect(ignored(rules, 'connectors/acme/src/handler.ts')).toBe(false);
  });

  it('is case-sensitive, as git and Nx are: *.ctx.json does not ignore test.ctx.JSON', () => {
    writeFiles(ws, { '.gitignore': '*.ctx.json\n' });
    const rules = GitIgnore.at(ws, ws);
    expect(ignored(rules, 'src/test.ctx.json')).toBe(true);
    expect(ignored(rules, 'src/test.ctx.JSON')).toBe(false);
  });

  it('takes the ignore file of each folder the walk enters, relative to that folder', () => {
    writeFiles(ws, { 'src/op/.gitignore': '/fixtures/*.json\n!fixtures/kept.json\n' });
    const rules = GitIgnore.at(path.join(ws, 'src'), ws).enter(path.join(ws, 'src/op'));
    expect(ignored(rules, 'src/op/fixtures/big.json')).toBe(true);
    expect(ignored(rules, 'src/op/fixtures/kept.json')).toBe(false);
    expect(ignored(rules, 'src/fixtures/big.json')).toBe(false);
  });

  it('reads only the folder itself when it is outside the workspace root', () => {
    const other = tempDir('tc-gitignore-other-');
    try {
      writeFiles(ws, { '.gitignore': '*.ts\n' });
      writeFiles(other, { '.gitignore': '*.md\n' });
      const rules = GitIgnore.at(other, ws);
      expect(rules.ignores(path.join(other, 'a.ts'), false)).toBe(false);
      expect(rules.ignores(path.join(other, 'a.md'), false)).toBe(true);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
