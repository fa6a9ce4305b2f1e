import { defineConfig } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from './lib/chromium.js'

const executablePath = chromiumPath()

/** Real Chromium (Debian's /usr/bin/chromium, or $SIGHTLINE_CHROMIUM) against a real collector and database. */
export default defineConfig({
  testDir: '.',
  testMatch: '*.e2e.ts',
  globalSetup: './lib/globalSetup.ts',
  timeout: 60_000,
  workers: 1,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  outputDir: '../test-results/e2e',
  use: {
    launchOptions: { args: LAUNCH_ARGS, ...(executablePath ? { executablePath } : {}) },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
})
