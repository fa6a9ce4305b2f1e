/**
 * Where the SDK spends main-thread time: one variant (V=core|replay, default core) through the same
 * interaction as the overhead benchmark, with the CDP sampling profiler, printing the SDK frames with the
 * most inclusive time. Offsets are columns in the minified dist/script/sdk.js (build first).
 *
 *   V=core npx tsx bench/sdk-overhead/profile.ts
 */
import { chromium } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { startServer } from './server.js'
import { readyCheck, siteKey } from './variants.js'

const assets = await loadAssets()
const server = await startServer(assets)
const browser = await chromium.launch({
  executablePath: chromiumPath() ?? '/usr/bin/chromium',
  args: LAUNCH_ARGS,
})
const page = await (await browser.newContext()).newPage()
const cdp = await page.context().newCDPSession(page)
const variant = (process.env.V ?? 'core') as 'core'
await page.goto(`${server.origin}/page.html?v=${variant}&key=${siteKey(variant, 9)}`, { waitUntil: 'load' })
await page.waitForFunction(readyCheck(variant))
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
await cdp.send('Profiler.start')
await interact(page, 20)
const { profile } = await cdp.send('Profiler.stop')
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const deltas = profile.timeDeltas ?? []
const self = new Map<string, number>()
const incl = new Map<string, number>()
profile.samples!.forEach((id, i) => {
  const dt = deltas[i] ?? 0
  const f = byId.get(id)!.callFrame
  if (f.url.includes('sdk'))
    self.set(
      `${f.functionName || '(anon)'}:${f.columnNumber}`,
      (self.get(`${f.functionName || '(anon)'}:${f.columnNumber}`) ?? 0) + dt,
    )
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame
    if (!cf.url.includes('sdk')) continue
    const k = `${cf.functionName || '(anon)'}:${cf.columnNumber}`
    if (!seen.has(k)) {
      incl.set(k, (incl.get(k) ?? 0) + dt)
      seen.add(k)
    }
  }
})
let total = 0
for (const v of self.values()) total += v
console.log('SDK self ms', (total / 1000).toFixed(1))
console.log('top inclusive (SDK frames):')
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 14))
  console.log((v / 1000).toFixed(1).padStart(7), k)
await browser.close()
await server.close()
