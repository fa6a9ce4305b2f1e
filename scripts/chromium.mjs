// Finds a Chromium for browser tests: $SIGHTLINE_CHROMIUM (or $CHROMIUM_PATH), then Debian's /usr/bin/chromium,
// then Playwright's own download. Returns null when there is none.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

export const CHROMIUM_HELP = [
  'No Chromium found for the browser tests. Any one of these fixes it:',
  '  - Debian/Ubuntu:  sudo apt-get install -y chromium          (gives /usr/bin/chromium)',
  "  - Playwright's:   npx playwright install chromium            (needs access to Playwright's download host)",
  '  - your own:       SIGHTLINE_CHROMIUM=/path/to/chrome npm test',
].join('\n')

export function findChromium() {
  for (const name of ['SIGHTLINE_CHROMIUM', 'CHROMIUM_PATH']) {
    const value = process.env[name]
    if (value) {
      if (!existsSync(value)) throw new Error(`${name}=${value} does not exist`)
      return value
    }
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  try {
    const require = createRequire(import.meta.url)
    const { chromium } = require('playwright-core')
    const path = chromium.executablePath()
    if (path && existsSync(path)) return path
  } catch {}
  return null
}
