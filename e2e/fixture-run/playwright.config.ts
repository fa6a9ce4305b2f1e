import { defineConfig } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../lib/chromium.js'

const executablePath = chromiumPath()

/**
 * Run by fixture.e2e.ts only (its own process, JSON report): specs written the way a user of
 * `@sightline/playwright/test` writes them, against the e2e collector and demo site.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['json'], ['./stepReporter.ts']],
  outputDir: process.env.FIXTURE_RUN_OUTPUT ?? '../../test-results/fixture-run',
  use: { launchOptions: { args: LAUNCH_ARGS, ...(executablePath ? { executablePath } : {}) } },
})
