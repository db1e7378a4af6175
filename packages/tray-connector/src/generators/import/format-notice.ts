import { readJson, type Tree } from '@nx/devkit';

/** Above this many written files, formatting them is slow enough to say so first. */
export const FORMAT_NOTICE_FILES = 500;

/** Prettier's configuration files, as Prettier looks for them at the workspace root. */
const PRETTIER_FILES = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.cjs',
  '.prettierrc.mjs',
  '.prettierrc.ts',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.cjs',
  'prettier.config.mjs',
  'prettier.config.ts',
];

/** Where the workspace configures Prettier: a config file at its root, or a `prettier` key in its package.json. */
function prettierConfig(tree: Tree): string | undefined {
  const file = PRETTIER_FILES.find((name) => tree.exists(name));
  if (file) return file;
  try {
    if (tree.exists('package.json') && readJson<{ prettier?: unknown }>(tree, 'package.json').prettier !== undefined)
      return 'package.json "prettier"';
  } catch {
    // An unreadable package.json is Nx's to report, not this notice's.
  }
  return undefined;
}

/**
 * The line said before Nx formats a large import: with Prettier configured, Nx formats every file the import wrote,
 * one by one (about 5 ms a file on 2 cores: half a minute for GitHub's 6,116), which is most of the import's time.
 * Nothing to say for a small import or a workspace without Prettier.
 */
export function formatNotice(tree: Tree, files: number): string | undefined {
  if (files <= FORMAT_NOTICE_FILES) return undefined;
  const config = prettierConfig(tree);
  if (!config) return undefined;
  return `Formatting the ${files.toLocaleString('en-US')} files of this import with Prettier (${config}): Nx formats them one by one, about half a minute for 6,000 files on 2 cores. --skipFormat leaves them as the importer writes them (tabs); \`nx format:write\` formats them later.`;
}
