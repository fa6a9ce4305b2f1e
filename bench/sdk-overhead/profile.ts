/**
 * Where the SDK spends main-thread time: one variant (V=core|replay, default core) through the same
 * interaction as the overhead benchmark, with the CDP sampling profiler. Prints, for the SDK's frames
 * mapped back to their source through dist/script/sdk.js.map (build first):
 * - self time per SDK function;
 * - time in what SDK functions call outside the SDK (browser built-ins such as getComputedStyle,
 *   JSON.stringify, the native fetch), per SDK caller and callee;
 * - inclusive time of the SDK's entry frames (a wrapper's inclusive time holds the page's own call).
 *
 *   V=core npx tsx bench/sdk-overhead/profile.ts
 *   PROFILE_SECONDS=30 V=core npx tsx bench/sdk-overhead/profile.ts
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { startServer } from './server.js'
import { readyCheck, siteKey } from './variants.js'

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 20)
const dist = fileURLToPath(new URL('../../packages/sdk/dist/script/', import.meta.url))

/** A minimal source map reader (one-line minified file): generated column → "file:line". */
function sourceMapOf(file: string): (column: number) => string {
  const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; mappings: string }
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const segments: [col: number, src: number, line: number][] = []
  const line = map.mappings.split(';')[0] ?? ''
  let col = 0
  let src = 0
  let srcLine = 0
  for (const seg of line.split(',')) {
    const values: number[] = []
    let shift = 0
    let acc = 0
    for (const ch of seg) {
      const d = B64.indexOf(ch)
      acc += (d & 31) << shift
      if (d & 32) shift += 5
      else {
        values.push(acc & 1 ? -(acc >>> 1) : acc >>> 1)
        acc = 0
        shift = 0
      }
    }
    if (!values.length) continue
    col += values[0]!
    if (values.length >= 4) {
      src += values[1]!
      srcLine += values[2]!
      segments.push([col, src, srcLine])
    }
  }
  return (column) => {
    let lo = 0
    let hi = segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (segments[mid]![0] <= column) lo = mid
      else hi = mid - 1
    }
    const s = segments[lo]
    if (!s) return '?'
    const name = (map.sources[s[1]] ?? '?').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+(src\/)?/, '')
    return `${name}:${s[2] + 1}`
  }
}
// Each script-tag file has its own map: replay-chunk frames read through sdk.js.map land on unrelated lines.
const whereCore = sourceMapOf(`${dist}sdk.js.map`)
const whereReplay = sourceMapOf(`${dist}sdk-replay.js.map`)

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
await interact(page, SECONDS)
const { profile } = await cdp.send('Profiler.stop')

type Frame = (typeof profile.nodes)[number]['callFrame']
const isSdk = (f: Frame) => /\/sdk(-replay)?\.js/.test(f.url)
const label = (f: Frame) =>
  isSdk(f)
    ? `${f.functionName || '(anon)'} ${(/sdk-replay\.js/.test(f.url) ? whereReplay : whereCore)(f.columnNumber)}`
    : `${f.functionName || '(native)'}`
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const deltas = profile.timeDeltas ?? []
const self = new Map<string, number>()
const callee = new Map<string, number>()
const incl = new Map<string, number>()
const add = (m: Map<string, number>, k: string, dt: number) => m.set(k, (m.get(k) ?? 0) + dt)
let sdkSelf = 0
let sdkCallees = 0
profile.samples!.forEach((id, i) => {
  const dt = deltas[i] ?? 0
  const f = byId.get(id)!.callFrame
  if (isSdk(f)) {
    sdkSelf += dt
    add(self, label(f), dt)
  } else {
    // Outside the SDK: charged to the nearest SDK caller, if that caller is the frame right above the
    // non-SDK frames (built-ins it called), not a page callback the SDK merely passed through.
    let cur = parent.get(id)
    const chain = [f]
    while (cur !== undefined && !isSdk(byId.get(cur)!.callFrame)) {
      chain.push(byId.get(cur)!.callFrame)
      cur = parent.get(cur)
    }
    if (cur !== undefined && chain.every((c) => !c.url || c.url.startsWith('native'))) {
      sdkCallees += dt
      add(callee, `${label(byId.get(cur)!.callFrame)} → ${label(chain[chain.length - 1]!)}`, dt)
    }
  }
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame
    if (!isSdk(cf)) continue
    const k = label(cf)
    if (!seen.has(k)) {
      add(incl, k, dt)
      seen.add(k)
    }
  }
})
const ms = (v: number) => (v / 1000).toFixed(1).padStart(7)
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${ms(v)}  ${k}`)
    .join('\n')
console.log(
  `${variant}, ${SECONDS} s: SDK self ${ms(sdkSelf)} ms, built-ins called by the SDK ${ms(sdkCallees)} ms`,
)
console.log(`\nself time (SDK functions):\n${top(self, 20)}`)
console.log(`\nbuilt-ins called by SDK functions:\n${top(callee, 20)}`)
console.log(`\ninclusive (SDK frames; wrappers include the page's own calls):\n${top(incl, 14)}`)
await browser.close()
await server.close()
