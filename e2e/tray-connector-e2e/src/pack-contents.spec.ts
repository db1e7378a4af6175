import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DIST, REPO_ROOT } from './support/paths';

/** Files below `dir` (relative, posix), dotfiles included. */
function filesUnder(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

function packedFiles(dist: string): string[] {
  const out = execFileSync('npm', ['pack', dist, '--dry-run', '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [{ files }] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return files.map((f) => f.path);
}

// The packages build with @nx/js:tsc and its `assets` (project.json): what `npm pack` of dist/ holds is what users get.
describe('npm pack of the built packages', () => {
  it('tray-connector holds the manifests, its README, CHANGELOG and docs/ (what the README links to), every schema.json/schema.d.ts, every generator template (dotfiles too) and the compiled code', () => {
    const src = path.join(REPO_ROOT, 'packages', 'tray-connector');
    const packed = packedFiles(DIST.plugin);
    const sourceFiles = filesUnder(path.join(src, 'src')).map((f) => `src/${f}`);
    const expected = [
      'package.json',
      'README.md',
      // The guides and the reference the README links to, at the same relative paths as in the repository.
      'CHANGELOG.md',
      ...filesUnder(path.join(src, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      ...['generators.json', 'executors.json', 'migrations.json'].filter((f) => fs.existsSync(path.join(src, f))),
      ...sourceFiles.filter((f) => /\/files\//.test(f) && !f.includes('__fixtures__')),
      ...sourceFiles.filter((f) => /\/schema\.(json|d\.ts)$/.test(f)),
      ...sourceFiles
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.spec.ts') && !/\/(files|__fixtures__)\//.test(f))
        .map((f) => f.replace(/\.ts$/, '.js')),
    ];
    expect(expected.filter((f) => f.includes('/files/')).length).toBeGreaterThan(0);
    expect(expected).toContain('docs/reference/executors.md');
    expect(expected.filter((f) => !packed.includes(f))).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.spec.js') || f.includes('__fixtures__'))).toEqual([]);
    for (const manifest of ['generators.json', 'executors.json']) {
      const json = JSON.parse(fs.readFileSync(path.join(DIST.plugin, manifest), 'utf8')) as Record<
        string,
        Record<string, { schema: string }>
      >;
      for (const entry of Object.values(json.generators ?? json.executors)) {
        expect(packed).toContain(path.posix.normalize(entry.schema.replace(/^\.\//, '')));
      }
    }
  });

  it('tray-api-emulator holds its README, package.json with the bin, and the executable CLI', () => {
    const packed = packedFiles(DIST.emulator);
    const pkg = JSON.parse(fs.readFileSync(path.join(DIST.emulator, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['tray-api-emulator']).toBe('./src/cli.js');
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'src/cli.js', 'src/index.js', 'src/index.d.ts']));
    expect(fs.readFileSync(path.join(DIST.emulator, 'src', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
