// Checks the relative links (and #anchors) of the repository's markdown files, and that the markdown a package
// ships (its README, its docs/) links only to files the package itself ships: inside an installed package
// (node_modules/tray-connector) a link to ../../docs or ../tray-api-emulator leads nowhere.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { minimatch } = require('minimatch');

const REPO_ROOT = path.resolve(__dirname, '../..');
/** Vendored third-party documents, kept as published. */
const IGNORED = [/(^|\/)__fixtures__\//, /^e2e\/tray-connector-e2e\/fixtures\//];

/** The markdown files git tracks (or would track: new, not ignored), relative posix paths. */
function markdownFiles(root = REPO_ROOT) {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\n').filter(Boolean))].filter(
    (f) => !IGNORED.some((re) => re.test(f)) && fs.existsSync(path.join(root, f)),
  );
}

/** Markdown with fenced code blocks and inline code blanked out (links there are examples, not links). */
function withoutCode(text) {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (m) => ' '.repeat(m.length));
}

/** GitHub's anchor of a heading text: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, (_m, inner) => inner.replace(/[<>]/g, ''))
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor of a markdown text: its headings (duplicates get -1, -2...) and explicit `<a id="...">`. */
function anchors(text) {
  const seen = new Map();
  const out = new Set();
  const plain = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of plain.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of plain.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** The link targets of a markdown text: inline links and images, and reference definitions. */
function linkTargets(text) {
  const plain = withoutCode(text);
  const targets = [];
  for (const m of plain.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
  for (const m of plain.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push(m[1]);
  return targets;
}

const isExternal = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/**
 * Broken relative links of `files` (relative to `root`): a target file or folder that does not exist, or an
 * #anchor its markdown file does not have. When `allowed(fromFile, resolvedFile)` is given, a link it refuses
 * is reported too (with its reason).
 */
function brokenLinks(files, { root = REPO_ROOT, allowed } = {}) {
  const problems = [];
  const anchorCache = new Map();
  const anchorsOf = (abs) => {
    if (!anchorCache.has(abs)) anchorCache.set(abs, anchors(fs.readFileSync(abs, 'utf8')));
    return anchorCache.get(abs);
  };
  for (const file of files) {
    const abs = path.join(root, file);
    for (const target of linkTargets(fs.readFileSync(abs, 'utf8'))) {
      if (isExternal(target)) continue;
      const [rawPath, anchor] = target.split('#');
      const decoded = decodeURIComponent(rawPath);
      const resolved = decoded ? path.resolve(path.dirname(abs), decoded) : abs;
      const where = `${file}: link ${target}`;
      if (!fs.existsSync(resolved)) {
        problems.push(`${where}: ${path.relative(root, resolved)} does not exist`);
        continue;
      }
      if (allowed) {
        const refusal = allowed(file, path.relative(root, resolved).split(path.sep).join('/'));
        if (refusal) problems.push(`${where}: ${refusal}`);
      }
      if (anchor !== undefined && anchor !== '' && resolved.endsWith('.md') && !anchorsOf(resolved).has(decodeURIComponent(anchor))) {
        problems.push(`${where}: ${path.relative(root, resolved)} has no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** Every file under `dir` (relative to `root`, posix), without node_modules. */
function filesUnder(dir, root = REPO_ROOT) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules') return [];
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? filesUnder(rel, root) : [rel];
  });
}

/**
 * What a package's build ships, from its project.json build `assets` (the @nx/js:tsc form: a glob, or
 * { input, glob, ignore, output }): a map from each shipped source file (relative to the repository root) to
 * its path in the package.
 */
function shippedAssets(projectRoot, root = REPO_ROOT) {
  const project = JSON.parse(fs.readFileSync(path.join(root, projectRoot, 'project.json'), 'utf8'));
  const shipped = new Map();
  for (const asset of project.targets.build.options.assets ?? []) {
    const spec = typeof asset === 'string' ? { input: path.posix.dirname(asset), glob: path.posix.basename(asset), output: '.' } : asset;
    for (const file of filesUnder(spec.input, root)) {
      const rel = path.posix.relative(spec.input, file);
      if (!minimatch(rel, spec.glob, { dot: true }) || (spec.ignore ?? []).some((g) => minimatch(file, g, { dot: true }))) continue;
      const base = typeof asset === 'string' ? '' : spec.output;
      const packaged = path.posix.normalize(
        path.posix.join(typeof asset === 'string' ? path.posix.relative(projectRoot, spec.input) : base, rel),
      );
      shipped.set(file, packaged);
    }
  }
  return shipped;
}

module.exports = { markdownFiles, brokenLinks, shippedAssets, anchors, slug, linkTargets, REPO_ROOT };
