import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = {
  regex: '^(node:|(fs|path|os|http|https|net|crypto|child_process|stream|url|util|worker_threads|dns|zlib)$)',
  message: 'Node built-ins do not run in the workflow sandbox.',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', 'data/', 'dist/', 'drizzle/', 'bench/results/'] },
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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@temporalio/[a-z-]+/lib/',
              message: "Import the SDK's internals through src/shared/temporal-sdk.ts only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/temporal-sdk.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The bench's stand-ins for `@temporalio/workflow` re-export the module the alias hides.
    files: ['bench/shims/workflow-*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The contract is what workflows see: it imports nothing of Hookline outside itself, and no I/O.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_BUILTINS,
            { regex: '^\\.\\./', message: 'The contract imports nothing outside src/contract.' },
            {
              regex: '^(?!@temporalio/common$|zod$|\\./)',
              message: 'The contract depends on @temporalio/common and zod only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflows are replayed deterministically in a sandbox: no I/O, no Node built-ins, no clocks or
    // randomness of their own; they import the contract and the workflow SDK only, and the contract's
    // zod schemas as types only, so the bundle carries no zod.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_BUILTINS,
            {
              regex: '^\\.\\./(?!contract/)',
              message: 'Workflows import only the contract (src/contract).',
            },
            {
              regex: '^\\.\\./contract/(envelope|problem|event-data)$',
              allowTypeImports: true,
              message: 'The contract’s zod schemas stay out of the workflow bundle: import their types only.',
            },
            {
              regex: '^(?!@temporalio/(workflow|common)$|\\.)',
              message: 'Workflows depend on @temporalio/workflow and @temporalio/common only.',
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
