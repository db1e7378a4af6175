// The layout is the architecture (ARCHITECTURE.md): these checks keep it true as the code grows.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '../../..');
const CORE = path.join(__dirname, 'core');
/** Longest function, method or arrow function allowed in shipped sources (DESIGN.md: a function reads on one screen). */
const MAX_FUNCTION_LINES = 120;
const PACKAGE_SOURCES = [path.join(__dirname), path.join(REPO, 'packages/tray-api-emulator/src')];

/** Source files (no specs, no fixtures, no templates) under `dir`. */
function sourceFiles(dir: string, withSpecs = false): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__' && entry.name !== 'files' && entry.name !== 'node_modules')
        out.push(...sourceFiles(full, withSpecs));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && (withSpecs || !entry.name.endsWith('.spec.ts'))) {
      out.push(full);
    }
  }
  return out.sort();
}

/** The project files `file` imports (relative imports only), resolved to their .ts path. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets: string[] = [];
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), ref.fileName);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
    if (found) targets.push(found);
  }
  return targets;
}

/** The concept a core file belongs to: its first folder under core/, or 'basics' at the root. */
function conceptOf(file: string): string {
  const rel = path.relative(CORE, file).split(path.sep);
  return rel.length === 1 ? 'basics' : rel[0];
}

// Who may import whom inside core/: imports only go down the layers.
const MAY_IMPORT: Record<string, readonly string[]> = {
  basics: ['basics'],
  connector: ['connector', 'basics'],
  build: ['build', 'connector', 'basics'],
  'tray-api': ['tray-api', 'basics'],
  deploy: ['deploy', 'tray-api', 'connector', 'basics'],
  openapi: ['openapi', 'connector', 'basics'],
};

describe('architecture', () => {
  it('core/ holds one folder per concept and at most 6 basics at its root', () => {
    const entries = fs.readdirSync(CORE, { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory() && e.name !== '__fixtures__').map((e) => e.name);
    expect(folders.sort()).toEqual(
      Object.keys(MAY_IMPORT)
        .filter((c) => c !== 'basics')
        .sort(),
    );
    const rootSources = entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'));
    expect(rootSources.length).toBeLessThanOrEqual(6);
  });

  it('each concept folder says what it owns and what it may import', () => {
    for (const concept of Object.keys(MAY_IMPORT).filter((c) => c !== 'basics')) {
      const readme = path.join(CORE, concept, 'README.md');
      expect(fs.existsSync(readme) ? readme : `missing ${readme}`).toBe(readme);
      expect(fs.readFileSync(readme, 'utf8')).toMatch(/may import/i);
    }
  });

  // Specs may reach further (an integration test of a layer builds through the one above it).
  it('imports in core/ only go down the layers', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(CORE)) {
      const from = conceptOf(file);
      for (const target of localImports(file)) {
        if (!target.startsWith(CORE + path.sep)) {
          if (!target.includes(`${path.sep}__fixtures__${path.sep}`))
            wrong.push(`${path.relative(CORE, file)} -> ${target} (outside core/)`);
          continue;
        }
        const to = conceptOf(target);
        if (!target.includes(`${path.sep}__fixtures__${path.sep}`) && !MAY_IMPORT[from].includes(to)) {
          wrong.push(`${path.relative(CORE, file)} (${from}) -> ${path.relative(CORE, target)} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the toolchain is on one Nx version: nx, @nx/devkit, @nx/js and @nx/eslint-plugin, as installed', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const names = ['nx', '@nx/devkit', '@nx/js', '@nx/eslint-plugin'];
    const declared = names.map((name) => pkg.devDependencies[name]);
    expect(new Set(declared).size).toBe(1);
    const installed = names.map(
      (name) => JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version,
    );
    expect(installed).toEqual(declared);
  });

  it('SECURITY.md names only tests that exist', () => {
    const text = fs.readFileSync(path.join(REPO, 'SECURITY.md'), 'utf8');
    const named = [...text.matchAll(/`((?:core|bin|generators|executors|e2e)\/[^`\s]+\.spec\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    const where = (spec: string) => (spec.startsWith('e2e/') ? path.join(REPO, spec) : path.join(__dirname, spec));
    expect(named.filter((spec) => !fs.existsSync(where(spec)))).toEqual([]);
  });

  it('core/ never imports Nx', () => {
    const nx = sourceFiles(CORE, true).filter((file) =>
      ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.some((ref) => /^(nx|@nx\/)/.test(ref.fileName)),
    );
    expect(nx).toEqual([]);
  });

  it('no import circles in either package', () => {
    const cycles: string[] = [];
    for (const root of PACKAGE_SOURCES) {
      const files = sourceFiles(root);
      const edges = new Map(files.map((f) => [f, localImports(f).filter((t) => files.includes(t))]));
      const state = new Map<string, 'open' | 'done'>();
      const stack: string[] = [];
      const visit = (file: string): void => {
        state.set(file, 'open');
        stack.push(file);
        for (const next of edges.get(file) ?? []) {
          if (state.get(next) === 'open') {
            cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(root, f)).join(' -> '));
          } else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(file, 'done');
      };
      for (const file of files) if (!state.has(file)) visit(file);
    }
    expect(cycles).toEqual([]);
  });

  it('ARCHITECTURE.md names only folders that exist, and stays short', () => {
    const text = fs.readFileSync(path.join(REPO, 'ARCHITECTURE.md'), 'utf8');
    const named = [...text.matchAll(/`((?:packages|e2e|tools)\/[^`\s]*\/)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((folder) => !fs.existsSync(path.join(REPO, folder)))).toEqual([]);
    expect(text.split('\n').length).toBeLessThan(200);
  });

  // A function reads on one screen: a longer one becomes named steps (DESIGN.md).
  it(`no function, method or arrow function longer than ${MAX_FUNCTION_LINES} lines in the shipped sources of either package`, () => {
    const files = PACKAGE_SOURCES.flatMap((root) => sourceFiles(root));
    expect(files.length).toBeGreaterThan(50);
    const tooLong = files.flatMap((file) =>
      functionLengths(file)
        .filter((f) => f.lines > MAX_FUNCTION_LINES)
        .map((f) => `${path.relative(REPO, file)}:${f.line} ${f.name} (${f.lines} lines)`),
    );
    expect(tooLong).toEqual([]);
  });

  it('measures functions with the TypeScript parser (every kind, nested ones on their own)', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'arch-')), 'x.ts');
    fs.writeFileSync(
      file,
      `export function outer() {\n${body(3)}\n  const inner = () => {\n${body(4)}\n  };\n}\n` +
        `class K {\n  method() {\n${body(2)}\n  }\n  get size() {\n    return 1;\n  }\n}\n` +
        `const expr = function () {\n  return '}\\n}\\n';\n};\n`,
    );
    expect(functionLengths(file).map((f) => [f.name, f.lines])).toEqual([
      ['outer', 11],
      ['inner', 6],
      ['method', 4],
      ['size', 3],
      ['expr', 3],
    ]);
  });
});

/** Every function-like node of `file` with its name (or `<kind>`), first line and length in lines (from its first token to its end). */
function functionLengths(file: string): { name: string; line: number; lines: number }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ name: functionName(node), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) || ts.isPrivateIdentifier(node.name)))
    return node.name.text;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    if (ts.isIdentifier(parent.name)) return parent.name.text;
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return `<${ts.SyntaxKind[node.kind]}>`;
}
