import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The published packages resolve through their exports maps to a compiled dist/. Inside
// the repo every @tessera/* import means the package's TypeScript source instead, so
// in-process tests run against src/ with no build. Keep in step with the `paths` of
// tsconfig.json. The globalSetup still builds dist/ (incrementally, packages and demo):
// tests that start the real `tessera` binary, the demo or the bench's servers, build the
// Next.js example or pack the packages run the compiled code a user gets.
const packages = fileURLToPath(new URL('./packages/', import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tessera\/core\/adapter$/, replacement: `${packages}core/src/adapter.ts` },
      {
        find: /^@tessera\/(core|password|store-sqlite|store-redis|store-postgres|hono|web|express|fastify|testing)$/,
        replacement: `${packages}$1/src/index.ts`,
      },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'e2e/**/*.test.ts',
      'consumer/**/*.test.ts',
    ],
    globalSetup: ['test-support/build-packages.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
