// Lint: type-aware rules everywhere; machines/ must stay pure (docs/architecture.md §9.3: no Node builtins,
// no execa/SQLite, no engine code), and no promise may float.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'vitest.config.ts', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // one typed program for src and tests (tsconfig.test.json includes both): building a second one for src alone doubled the lint's type-checking
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // steps implement an async interface; a probe with nothing to await is still async
      '@typescript-eslint/require-await': 'off',
    },
  },
  // plain-JS fixture processes (e.g. test/unit/copy/fixtures/*.mjs) are outside every tsconfig
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly' } } },
  {
    files: ['src/engine/**', 'src/store/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['machines/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto'],
              message: 'machines/ is pure: no Node builtins.',
            },
            { group: ['execa', 'better-sqlite3'], message: 'machines/ is pure: no processes, no SQL.' },
            { group: ['**/src/**'], message: 'machines/ must not import engine or any src/ code.' },
          ],
        },
      ],
    },
  },
);
