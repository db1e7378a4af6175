import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FORMAT_NOTICE_FILES, formatNotice } from './format-notice';

describe('formatNotice', () => {
  it('says before Nx formats a large import with Prettier, naming the config and --skipFormat', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.prettierrc', '{ "singleQuote": true }');
    const notice = formatNotice(tree, 6116);
    expect(notice).toMatch(/^Formatting the 6,116 files of this import with Prettier \(\.prettierrc\):/);
    expect(notice).toContain('--skipFormat');
  });

  it('finds Prettier configured in package.json or a prettier.config file', () => {
    const inPackage = createTreeWithEmptyWorkspace();
    inPackage.write('package.json', JSON.stringify({ name: 'ws', prettier: { useTabs: true } }));
    expect(formatNotice(inPackage, 1000)).toContain('(package.json "prettier")');
    const configFile = createTreeWithEmptyWorkspace();
    configFile.write('prettier.config.mjs', 'export default {};');
    expect(formatNotice(configFile, 1000)).toContain('(prettier.config.mjs)');
  });

  it('says nothing for a small import, or where Prettier is not configured', () => {
    const tree = createTreeWithEmptyWorkspace();
    expect(formatNotice(tree, 6116)).toBeUndefined();
    tree.write('.prettierrc', '{}');
    expect(formatNotice(tree, FORMAT_NOTICE_FILES)).toBeUndefined();
    expect(formatNotice(tree, FORMAT_NOTICE_FILES + 1)).toBeDefined();
  });
});
