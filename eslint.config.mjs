// Lint rules that protect Temporal's guarantees: workflow code must stay deterministic
// (no Node built-ins, no I/O libraries) and no promise may float unawaited.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);
const ioModules = [
  'pg',
  '@electric-sql/*',
  'openai',
  'pino',
  'yaml',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code and the pure domain it imports run inside Temporal's deterministic sandbox.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts', 'playbooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ioModules, message: 'Workflow code must not do I/O: call an activity instead.' },
            {
              group: ['**/activities/*', '**/store/*', '**/temporal/*', '../config'],
              allowTypeImports: true,
              message: 'Workflows may import activity types only (import type).',
            },
          ],
        },
      ],
    },
  },
);
