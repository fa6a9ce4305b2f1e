/**
 * A/B of SDK builds: the same interaction as the overhead benchmark, with no SDK and with each given
 * script-tag build served as /sdk.js, interleaved, and the median main-thread script time of each. On a
 * shared machine this is how a change is judged: the sampling profile (profile.ts) says where time goes,
 * only script time says whether a change saved any. Builds are files, e.g. a copy of dist/script/sdk.js
 * taken before a change, or a build with one capture module left out.
 *
 *   FILES=/tmp/before.js,packages/sdk/dist/script/sdk.js npx tsx bench/sdk-overhead/ab.ts
 *   AB_SECONDS=20 AB_REPS=5 FILES=… npx tsx bench/sdk-overhead/ab.ts
 */
import { readFileSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { enablePerformance, readTimes, timesBetween } from './metrics.js'
import { median } from './report.js'
import { startServer } from './server.js'
import { readyCheck, siteKey } from './variants.js'

const SECONDS = Number(process.env.AB_SECONDS ?? 20)
const REPS = Number(process.env.AB_REPS ?? 3)
const files = (process.env.FILES ?? '').split(',').filter(Boolean)
if (!files.length) throw new Error('FILES=a.js,b.js: the script-tag builds to compare')

const assets = await loadAssets()
const builds = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]))
const server = await startServer(assets)
const browser = await chromium.launch({
  executablePath: chromiumPath() ?? '/usr/bin/chromium',
  args: LAUNCH_ARGS,
})
const times = new Map<string, number[]>()
let run = 0
try {
  // Round -1 is a short warm-up of every build, not measured.
  for (let rep = -1; rep < REPS; rep++)
    for (const label of ['none', ...files]) {
      const variant = label === 'none' ? 'none' : 'core'
      if (variant === 'core') assets.sdk = builds.get(label)!
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      try {
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await enablePerformance(cdp, 'threadTicks')
        await page.goto(`${server.origin}/page.html?v=${variant}&key=${siteKey(variant, run++)}`, {
          waitUntil: 'load',
        })
        await page.waitForFunction(readyCheck(variant))
        await page.waitForTimeout(1_000)
        const before = await readTimes(cdp)
        await page.evaluate(() => window.__bench.start())
        await interact(page, rep < 0 ? 2 : SECONDS)
        const { scriptMs } = timesBetween(before, await readTimes(cdp))
        if (rep < 0) continue
        times.set(label, [...(times.get(label) ?? []), scriptMs])
        console.error(`${label}: ${scriptMs.toFixed(1)} ms`)
      } finally {
        await context.close()
      }
    }
} finally {
  await browser.close()
  await server.close()
}
const none = median(times.get('none') ?? [])
console.log(`script ms per ${SECONDS} s, median of ${REPS} (×: against no SDK)`)
for (const [label, v] of times)
  console.log(
    `${median(v).toFixed(1).padStart(8)}  ${(median(v) / none).toFixed(2)}×  ${label}  [${v.map((x) => x.toFixed(0)).join(' ')}]`,
  )
