#!/usr/bin/env node
// Copies a package's non-TypeScript assets (package.json, README, generators/executors
// manifests, schema.json files, generator templates) next to tsc's output in dist/.
// Usage: node tools/copy-assets.js <packageRoot> <outDir>
const fs = require('fs');
const path = require('path');

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: copy-assets.js <packageRoot> <outDir>');
  process.exit(1);
}

const TOP_LEVEL = ['package.json', 'README.md', 'LICENSE', 'generators.json', 'executors.json', 'migrations.json'];
for (const name of TOP_LEVEL) {
  const from = path.join(src, name);
  if (fs.existsSync(from)) copy(from, path.join(out, name));
}

walk(path.join(src, 'src'), false);

function walk(dir, inTemplates) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '__fixtures__' || entry.name === 'node_modules') continue;
      walk(from, inTemplates || entry.name === 'files');
      continue;
    }
    // schema.d.ts files describe executor/generator options: tsc does not emit .d.ts inputs, so ship them as they are.
    const isTs = entry.name.endsWith('.ts') && entry.name !== 'schema.d.ts';
    if (!inTemplates && (isTs || entry.name.endsWith('.spec.js'))) continue;
    copy(from, path.join(out, path.relative(src, from)));
  }
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
