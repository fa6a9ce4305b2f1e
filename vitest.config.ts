import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        // Browser SDK: pure logic and a DOM implementation (happy-dom, per file); no database.
        test: { name: 'sdk', include: ['packages/sdk/src/**/*.test.ts'] },
      },
      {
        // Collector, schema, CLI: a real PostgreSQL (DATABASE_URL or an embedded 18), see globalSetup.
        test: {
          name: 'server',
          include: [
            'packages/schema/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
          ],
          globalSetup: ['apps/collector/test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
