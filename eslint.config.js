// ESLint: typescript-eslint's type-aware recommended rules over the sources, tests, benchmarks and scripts
// (`npm run lint`; CI fails on any finding). The program comes from tsconfig.test.json. Each rule changed from the
// recommended set says why in one line.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/types is a fixture project, type-checked against the built package by test/types.test.ts.
  { ignores: ['dist/', 'build/', 'build-asan/', 'prebuilds/', 'node_modules/', 'coverage/', 'test/types/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // Unused parameters that start with _ are deliberate: an override that ignores what its base passes it.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests build async sources and callbacks (an async generator, an onEpochEnd) that have nothing to await.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Plain JavaScript has no type annotations, so values from JSON, child processes and dynamic imports are `any`
    // by construction there: the no-unsafe-* rules would flag every use. The TypeScript code keeps them all.
    files: ['**/*.js', '**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
