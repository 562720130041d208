import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * One config, two projects:
 * - `unit`: `*.spec.ts` beside the code in libs/ and apps/ (`npm run test:unit`)
 * - `e2e`:  `test/**\/*.e2e-spec.ts`, which boot whole Nest apps (`npm run test:e2e`)
 * `npm test` runs both.
 */
export default defineConfig({
  plugins: [
    // SWC instead of esbuild: esbuild cannot emit decorator metadata, which Nest's DI needs.
    swc.vite({
      tsconfigFile: false,
      module: { type: 'es6' },
      jsc: {
        target: 'es2023',
        keepClassNames: true,
        parser: { syntax: 'typescript', decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          useDefineForClassFields: false,
        },
      },
    }),
  ],
  resolve: {
    alias: [{ find: /^@atrium\/([^/]+)$/, replacement: `${root}libs/$1/src/index.ts` }],
  },
  test: {
    environment: 'node',
    pool: 'forks',
    // The machine has 2 cores. E2E files isolate themselves (own database/schema, own Redis
    // key prefix: see test/support/test-databases.ts), so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    setupFiles: [`${root}test/support/setup.ts`],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
        },
      },
    ],
  },
});
