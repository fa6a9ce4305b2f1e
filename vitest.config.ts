import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    globalSetup: ['apps/collector/test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
