// Lint: the recommended rules of ESLint and typescript-eslint over the Worker, its tests
// and the benches. Svelte components are left to svelte-check when the console grows.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['web/.svelte-kit/', 'web/build/', 'web/src/lib/paraglide/', 'web/src/lib/api-schema.d.ts', '.wrangler/', '**/.wrangler/', '.tocsin/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.serviceworker } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers loosely; domain code has no `any`.
    files: ['**/*.test.ts', 'worker/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
