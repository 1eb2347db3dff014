// Lint: the recommended JavaScript and typescript-eslint rules (without type information, so
// `npm run lint` stays quick); formatting is Prettier's (.prettierrc.json), checked by the same script.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', 'data/', 'docs/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Control characters are matched on purpose: they are what the text cleaners remove.
      'no-control-regex': 'off',
      // Prettier wraps code at 120; long strings (user-facing wording, SQL) and regular expressions may run past it.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  // The workspace's browser script: plain JavaScript for the page, no build step.
  { files: ['src/web/assets/*.js'], languageOptions: { globals: { document: 'readonly', window: 'readonly' } } },
);
