import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        // Browser SDK: pure logic and a DOM implementation (happy-dom, per file); no database.
        test: {
          name: 'sdk',
          include: ['packages/sdk/src/**/*.test.ts', 'apps/dashboard/src/**/*.test.ts'],
        },
      },
      {
        // @sightline/playwright: the test process's pure logic (summaries, matchers, options); e2e/ drives a browser.
        test: { name: 'playwright', include: ['packages/playwright/src/**/*.test.ts'] },
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
          // The dashboard's tests are pure (no database): in the sdk project.
          exclude: ['**/node_modules/**', 'apps/dashboard/**'],
          globalSetup: ['apps/collector/test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
