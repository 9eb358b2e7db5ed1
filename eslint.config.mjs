import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The globals Node gives a script. Listed here rather than taken from the `globals` package, which is
 * not a dependency; keep it to what Node 20 defines.
 */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Blob',
    'Buffer',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'crypto',
    'fetch',
    'FormData',
    'Headers',
    'performance',
    'process',
    'queueMicrotask',
    'Request',
    'Response',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename'].map((name) => [name, 'readonly']),
);

/** Time and randomness come in from the caller: the domain decides the same way given the same input. */
const clockMessage =
  'libs/domain is pure: take the time as an argument (`now`) or from the event (`recordedAt`).';
const randomMessage = 'libs/domain is pure: take ids and random values as arguments from the caller.';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tools/**'] },
  eslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // no-unsafe-* stay on (recommendedTypeChecked): JSON from the database, YAML, HTTP bodies and the wire is
    // typed where it enters (a row interface, `unknown` and a narrowing function, a validated parse).
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Scripts, the demo and test loaders: plain JavaScript run by Node. Not type-aware (they are outside
    // tsconfig.json); ESLint's recommended rules catch undefined names and unused code.
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
  },
  {
    // The domain is pure: no I/O, no framework, no clock, no randomness. Its specs are the caller and may
    // read the clock to build their input.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process', 'net', 'os', 'crypto'],
              message: 'libs/domain is pure: do I/O in an adapter (libs/infra) and pass the result in.',
            },
            {
              group: ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', '@kubernetes/*', 'simple-git'],
              message:
                'libs/domain has no framework or I/O dependency: define a port and implement it in an adapter.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: clockMessage },
        { object: 'Math', property: 'random', message: randomMessage },
        { object: 'globalThis', property: 'process', message: 'libs/domain is pure: pass configuration in.' },
        { object: 'globalThis', property: 'crypto', message: randomMessage },
        { object: 'performance', property: 'now', message: clockMessage },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'libs/domain is pure: read the environment in the app and pass the values in.',
        },
        { name: 'crypto', message: randomMessage },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: clockMessage },
        { selector: "CallExpression[callee.name='Date']", message: clockMessage },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
