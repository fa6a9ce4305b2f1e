/**
 * A/B of SDK builds: the same interaction as the overhead benchmark, with no SDK and with each given
 * script-tag build served as /sdk.js, interleaved, and the median main-thread script time of each. On a
 * shared machine this is how a change is judged: the sampling profile (profile.ts) says where time goes,
 * only script time says whether a change saved any. Builds are files, e.g. a copy of dist/script/sdk.js
 * taken before a change, or a build with one capture module left out.
 *
 * Replay: an entry that is a directory holding sdk.js and sdk-replay.js (a copy of dist/script/) runs as
 * Sightline + replay; the entry `rrweb` runs `@rrweb/record` alone (as in the overhead benchmark). For
 * every entry the table also gives the heap after GC, KB uploaded per minute and uploads per run (from
 * page load to the final flush, as run.ts counts them), and the median time from a 500-mutation burst until
 * the last MutationObserver ran. The entry `rrweb+sightline` runs rrweb alone with the SDK's own rrweb options
 * (privacy, sampling): its distance to `rrweb` is what those options cost, its distance to a replay build what
 * the rest of the SDK costs. AB_NONE=0 leaves the no-SDK baseline out.
 *
 *   FILES=/tmp/before.js,packages/sdk/dist/script/sdk.js npx tsx bench/sdk-overhead/ab.ts
 *   AB_SECONDS=20 AB_REPS=5 FILES=… npx tsx bench/sdk-overhead/ab.ts
 *   AB_NONE=0 FILES=rrweb,/tmp/before/,packages/sdk/dist/script/ npx tsx bench/sdk-overhead/ab.ts
 *   AB_NONE=0 FILES=rrweb,rrweb+sightline,packages/sdk/dist/script/ npx tsx bench/sdk-overhead/ab.ts
 */
import { readFileSync, statSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { bundleRrweb, loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { enablePerformance, heapAfterGc, readTimes, timesBetween } from './metrics.js'
import { median } from './report.js'
import { startServer } from './server.js'
import { flushExpression, readyCheck, siteKey, type Variant } from './variants.js'

const SECONDS = Number(process.env.AB_SECONDS ?? 20)
const REPS = Number(process.env.AB_REPS ?? 3)
const files = (process.env.FILES ?? '').split(',').filter(Boolean)
if (!files.length) throw new Error('FILES=a.js,b.js: the script-tag builds to compare')

const assets = await loadAssets()
const RRWEB = ['rrweb', 'rrweb+sightline']
const isDir = (f: string) => statSync(f).isDirectory()
const rrwebBundles = new Map([
  ['rrweb', assets.rrweb],
  ['rrweb+sightline', files.includes('rrweb+sightline') ? await bundleRrweb(true) : ''],
])
const builds = new Map(
  files
    .filter((f) => !RRWEB.includes(f))
    .map((f) => [
      f,
      isDir(f)
        ? { sdk: readFileSync(`${f}/sdk.js`, 'utf8'), sdkReplay: readFileSync(`${f}/sdk-replay.js`, 'utf8') }
        : { sdk: readFileSync(f, 'utf8') },
    ]),
)
const labels = process.env.AB_NONE === '0' ? files : ['none', ...files]
const server = await startServer(assets)
const browser = await chromium.launch({
  executablePath: chromiumPath() ?? '/usr/bin/chromium',
  args: LAUNCH_ARGS,
})
interface Sample {
  scriptMs: number
  heapMB: number
  kbPerMin: number
  uploads: number
  /** Median of the run's bursts: ms from a 500-mutation burst until the last MutationObserver ran (page.ts). */
  burstMs: number
}
const samples = new Map<string, Sample[]>()
let run = 0
try {
  // Round -1 is a short warm-up of every build, not measured.
  for (let rep = -1; rep < REPS; rep++)
    for (const label of labels) {
      const variant: Variant =
        label === 'none'
          ? label
          : RRWEB.includes(label)
            ? 'rrweb'
            : builds.get(label)?.sdkReplay
              ? 'replay'
              : 'core'
      if (variant === 'rrweb') assets.rrweb = rrwebBundles.get(label)!
      const build = builds.get(label)
      if (build) {
        assets.sdk = build.sdk
        if (build.sdkReplay) assets.sdkReplay = build.sdkReplay
      }
      const key = siteKey(variant, run++)
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      try {
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await enablePerformance(cdp, 'threadTicks')
        await page.goto(`${server.origin}/page.html?v=${variant}&key=${key}`, { waitUntil: 'load' })
        await page.waitForFunction(readyCheck(variant))
        await page.waitForTimeout(1_000)
        const before = await readTimes(cdp)
        await page.evaluate(() => window.__bench.start())
        const wallMs = await interact(page, rep < 0 ? 2 : SECONDS)
        const { scriptMs } = timesBetween(before, await readTimes(cdp))
        const { bursts } = await page.evaluate(() => window.__bench.end())
        if (rep < 0) continue
        const flush = flushExpression(variant)
        if (flush) await page.evaluate(flush)
        const heapMB = (await heapAfterGc(cdp)) / 2 ** 20
        const sink = server.sink(key)
        const sample = {
          scriptMs,
          heapMB,
          kbPerMin: sink.bytes / 1024 / (wallMs / 60_000),
          uploads: sink.requests,
          burstMs: median(bursts.map((b) => b.observed)),
        }
        samples.set(label, [...(samples.get(label) ?? []), sample])
        console.error(
          `${label}: ${scriptMs.toFixed(1)} ms, burst ${sample.burstMs.toFixed(1)} ms, heap ${heapMB.toFixed(2)} MB, ${sample.kbPerMin.toFixed(1)} KB/min (${(sink.rawBytes / Math.max(sink.bytes, 1)).toFixed(1)}× raw/sent), ${sink.requests} uploads`,
        )
      } finally {
        await context.close()
      }
    }
} finally {
  await browser.close()
  await server.close()
}
const times = new Map([...samples].map(([label, v]) => [label, v.map((x) => x.scriptMs)]))
const of = (label: string, k: keyof Sample) => median((samples.get(label) ?? []).map((x) => x[k]))
const base = median(times.get(labels[0]!) ?? [])
console.log(
  `medians of ${REPS} runs of ${SECONDS} s (×: script time against ${labels[0]}); burst → observers done (ms), heap MB after GC, KB/min uploaded, uploads per run`,
)
for (const [label, v] of times)
  console.log(
    `${median(v).toFixed(1).padStart(8)}  ${(median(v) / base).toFixed(2)}×  burst ${of(label, 'burstMs').toFixed(1)}  heap ${of(label, 'heapMB').toFixed(2)}  ${of(label, 'kbPerMin').toFixed(1)} KB/min  ${of(label, 'uploads')} uploads  ${label}  [${v.map((x) => x.toFixed(0)).join(' ')}]`,
  )
