const fs = require('fs');
const os = require('os');
const path = require('path');
const { markdownFiles, brokenLinks, shippedAssets, anchors } = require('./links');

const PACKAGES = ['packages/tray-connector', 'packages/tray-api-emulator'];

describe('links of the documentation', () => {
  it('every relative link (and #anchor) of every markdown file of the repository leads somewhere', () => {
    const files = markdownFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'packages/tray-connector/README.md', 'docs/benchmarks.md']));
    expect(brokenLinks(files)).toEqual([]);
  });

  it.each(PACKAGES)('the markdown %s ships links only to files it ships (links work inside the installed package)', (pkg) => {
    const shipped = shippedAssets(pkg);
    const shippedMarkdown = [...shipped.keys()].filter((f) => f.endsWith('.md'));
    expect(shippedMarkdown).toContain(`${pkg}/README.md`);
    const problems = brokenLinks(shippedMarkdown, {
      allowed: (_from, to) =>
        shipped.has(to) ? undefined : `${to} is not in the package (project.json build assets): link it by URL, or ship it`,
    });
    expect(problems).toEqual([]);
  });

  describe('the checker itself', () => {
    let dir;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-links-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reports a missing file, a missing anchor and a link out of the package; ignores code and URLs', () => {
      fs.mkdirSync(path.join(dir, 'pkg'));
      fs.writeFileSync(path.join(dir, 'other.md'), '# Other\n');
      fs.writeFileSync(
        path.join(dir, 'pkg', 'README.md'),
        [
          '# Title: `deploy` (never cached)',
          '## Same',
          '## Same',
          '[ok](#title-deploy-never-cached) [dup](#same-1) [gone](missing.md) [bad](#nope) [out](../other.md#other)',
          '`[code](nowhere.md)` [web](https://example.com/x.md)',
          '```md',
          '[block](nowhere-either.md)',
          '```',
        ].join('\n'),
      );
      const problems = brokenLinks(['pkg/README.md'], {
        root: dir,
        allowed: (_from, to) => (to.startsWith('pkg/') ? undefined : `${to} is outside`),
      });
      expect(problems).toEqual([
        'pkg/README.md: link missing.md: pkg/missing.md does not exist',
        'pkg/README.md: link #nope: pkg/README.md has no heading with the anchor #nope',
        'pkg/README.md: link ../other.md#other: other.md is outside',
      ]);
    });

    it("makes GitHub's anchors", () => {
      expect([...anchors('# `nx g tray-connector:new <name>`\n## CI: GitHub & GitLab\n## A\n## A\n')]).toEqual([
        'nx-g-tray-connectornew-name',
        'ci-github--gitlab',
        'a',
        'a-1',
      ]);
    });
  });
});
