// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Lint rules. The project-specific ones state the layers' arrows (docs/architecture.md): adapters
 * use the public core (`../index.js`) and the adapter kit (`../kit/index.js`), never the core's
 * internals; stores use the public core and its contracts (ports, errors, types) only; the signing
 * engine (`src/jws`) uses nothing of the core but its value types (it throws its own JwsError).
 * test/lint/layers.test.ts proves each rule fails on a deliberate violation.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'bench/results/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // As tsconfig.json: a class imported for a decorated constructor's parameter type is a value
    // (Nest injects by it), so consistent-type-imports must not turn it into a type import.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a string union instead of an enum.' },
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly (no export *).' },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!index\\.js$|kit/index\\.js$)',
              message: 'Adapters import the public core (../index.js) and the kit (../kit/index.js) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/jws/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The engine knows no manager, pipeline, adapter, store or flask error: only the
              // core's value types. It throws its own JwsError, mapped in src/engine-boundary.ts.
              regex: '^\\.\\./(?!types\\.js$)',
              message: 'The signing engine (src/jws) imports nothing of the core but ../types.js (it throws JwsError).',
            },
          ],
        },
      ],
    },
  },
  {
    // A second engine one folder down (WebCrypto) shares the engine's own modules (../*.js) and
    // keeps the same rule towards the core: nothing but its value types.
    files: ['src/jws/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(?!types\\.js$)',
              message: 'The signing engine (src/jws) imports nothing of the core but ../types.js (it throws JwsError).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/stores/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!index\\.js$|ports\\.js$|errors\\.js$|types\\.js$)',
              message: 'Stores import the public core (../index.js) and its contracts (ports, errors, types) only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The examples are what people copy: they import the package by its public names only.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '/src/', message: "Import 'jwt-extended' or 'jwt-extended/<subpath>', as an app would." },
          ],
        },
      ],
    },
  },
  {
    // The example page's script runs in the browser, as a module, with no build step.
    files: ['examples/**/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['document', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
  },
);
