// Jest 30 in native ESM mode: every @nestjs/* package and @kubernetes/client-node are ESM-only,
// and ts-jest in CommonJS mode cannot load them on Node 20 (see docs/adr/0001-toolchain.md).
const libs = [
  'domain',
  'infra',
  'render',
  'sources',
  'sandbox-cluster',
  'golang',
  'expr',
  'gotemplate',
  'notifications',
  'net',
  'rbac',
  'bench',
  'event-store',
  'queues',
  'kube',
  'runtime',
  'auth',
  'testing',
  'api-schemas',
];

/** @type {import('jest').Config} */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: Object.fromEntries(
    libs.flatMap((lib) => [
      [`^@berth/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`],
      [`^@berth/${lib}/(.*)$`, `<rootDir>/libs/${lib}/src/$1`],
    ]),
  ),
  testTimeout: 30000,
};
