import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', 'data/', 'drizzle/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflows are replayed deterministically in a sandbox: no I/O, no Node built-ins, no clocks or
    // randomness of their own, and only type imports of the code that does I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'Workflows cannot use Node built-ins.' },
            {
              regex: '^(fs|path|os|http|https|net|crypto|child_process|stream|url|util|worker_threads|dns|zlib)$',
              message: 'Workflows cannot use Node built-ins.',
            },
            {
              regex: '^\\.\\./(activities|db|api|worker|emit|temporal-server)(/|$)',
              allowTypeImports: true,
              message: 'Workflows may only import types from activities, db, api, worker and emit.',
            },
            {
              regex: '^(better-sqlite3|drizzle-orm|undici|express|pino)',
              message: 'Workflows do no I/O.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time (new Date() is replay-safe inside workflows).' },
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
);
