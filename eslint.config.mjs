// ESLint (flat config): TypeScript rules for the sources, and @nx/eslint-plugin's nx-plugin-checks on the plugin's
// manifests (package.json, generators.json, executors.json, migrations.json): every implementation, schema and
// migration version they name must exist. Formatting is Prettier's job (eslint-config-prettier turns the style rules off).
import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';
import prettier from 'eslint-config-prettier';

export default [
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'tmp/**',
      'coverage/**',
      '.nx/**',
      '**/.tray/**',
      'packages/*/src/generators/*/files/**',
      '**/__fixtures__/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      // Unused arguments kept for a signature start with an underscore.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Specs change often and in parallel; a leftover import is worth a warning, not a failed build.
    files: ['**/*.spec.ts', 'e2e/**/*.ts'],
    rules: {
      // Tests assert what they dereference.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Identifier splitting matches control characters on purpose.
    files: ['packages/tray-connector/src/core/text-case.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.js'],
    rules: {
      // Node scripts (tools/, jest.preset.js) are CommonJS.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // src/core/ is Tray logic without Nx: it never imports nx or @nx/* (DESIGN.md).
    files: ['packages/tray-connector/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['nx', 'nx/*', '@nx/*'],
              message: 'src/core/ must not depend on Nx; put Nx glue in executors/, generators/ or plugin/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'packages/tray-connector/package.json',
      'packages/tray-connector/generators.json',
      'packages/tray-connector/executors.json',
      'packages/tray-connector/migrations.json',
    ],
    languageOptions: { parser: jsoncParser },
    rules: {
      '@nx/nx-plugin-checks': ['error', { tsConfig: 'packages/tray-connector/tsconfig.lib.json' }],
    },
  },
  prettier,
];
