import { spawnSync } from 'node:child_process'
import { symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type Page } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from './chromium.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const E2E_DIR = path.join(ROOT, 'e2e')

/** Builds apps/dashboard/dist when it is missing or stale (the collector serves it at `/`). */
export function ensureDashboardBuilt(): void {
  const result = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('./scripts/ensure-install.mjs'); process.exit(m.ensureDashboardBuilt() ? 0 : 1)",
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  )
  if (result.status !== 0) throw new Error('the dashboard build failed')
}

/** The parent run's reporter settings are not the child's. */
function withoutReporterEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { PLAYWRIGHT_JSON_OUTPUT_NAME: _json, ...rest } = env
  return rest
}

/** Opens the dashboard served by the collector and enters the read key, as a user would. */
export async function signIn(page: Page, readKey: string): Promise<void> {
  await page.goto(`${process.env.E2E_COLLECTOR_URL}/`)
  await page.getByLabel('Read key').fill(readKey)
  await page.getByRole('button', { name: 'Open the dashboard' }).click()
  await expect(page.getByRole('heading', { name: 'Sessions', exact: true })).toBeVisible()
}

/**
 * Runs an exported script (a file already written) with e2e's Playwright and Chromium, from its folder (a
 * node_modules link there lets it import @playwright/test). Returns the exit status and the output.
 */
export async function runExportedScript(file: string): Promise<{ status: number | null; output: string }> {
  const dir = path.dirname(file)
  await symlink(path.join(E2E_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir').catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    },
  )
  const executablePath = chromiumPath()
  await writeFile(
    path.join(dir, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test'
export default defineConfig({
  testDir: '.',
  testMatch: ${JSON.stringify(path.basename(file))},
  timeout: 30_000,
  reporter: 'list',
  outputDir: './results',
  use: { launchOptions: { args: ${JSON.stringify(LAUNCH_ARGS)}${executablePath ? `, executablePath: ${JSON.stringify(executablePath)}` : ''} } },
})
`,
  )
  const result = spawnSync(
    path.join(E2E_DIR, 'node_modules/.bin/playwright'),
    ['test', '-c', 'playwright.config.ts'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...withoutReporterEnv(process.env), FORCE_COLOR: '0' },
      timeout: 120_000,
    },
  )
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` }
}
