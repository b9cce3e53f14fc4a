// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'public/js/**', 'node_modules/**', 'coverage/**', '.relais/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts only.' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Pages and public routes read through their domain's query modules, never a Mongoose model
    // (types may be imported).
    files: ['server/web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/*.model.js', '**/*.models.js', '**/sla/policy.js'], allowTypeImports: true, message: 'server/web/ reads through the domain query modules (e.g. tickets/ticket.queries.ts), not Mongoose models.' }] },
      ],
    },
  },
  {
    files: ['server/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
