/**
 * bench/sdk-overhead: what the Sightline SDK costs a page, in real Chromium. A large page (>4,000
 * elements) is driven by the same scripted interaction (interaction.ts) under four variants, run
 * interleaved (none core replay rrweb none core …) for BENCH_REPS repetitions; the medians per variant
 * and ratios against `none` and `rrweb` go to bench/results/sdk-overhead.json and a Markdown table.
 *
 *   npx tsx bench/sdk-overhead/run.ts                          # from the repository root
 *   BENCH_SECONDS=10 BENCH_REPS=1 npx tsx bench/sdk-overhead/run.ts
 *
 * Env: BENCH_SECONDS (60) interaction length per run, BENCH_REPS (3), SIGHTLINE_CHROMIUM
 * (/usr/bin/chromium), BENCH_TIME_DOMAIN (threadTicks | timeTicks), BENCH_BUILD=0 skips building
 * the SDK first, BENCH_WARMUP=0 skips the unmeasured warm-up pass.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { enablePerformance, heapAfterGc, readTimes, timesBetween } from './metrics.js'
import { markdown, median, type RunResult, ratios, summarise } from './report.js'
import { type BenchServer, startServer } from './server.js'
import { flushExpression, readyCheck, siteKey, VARIANTS, type Variant } from './variants.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
const REPS = Number(process.env.BENCH_REPS ?? 3)
const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium'
const TIME_DOMAIN = process.env.BENCH_TIME_DOMAIN === 'timeTicks' ? 'timeTicks' : 'threadTicks'
const root = fileURLToPath(new URL('../../', import.meta.url))
/** Quiet time after the variant reports ready, before the measured interaction. */
const SETTLE_MS = 1_000

function buildSdk() {
  if (process.env.BENCH_BUILD === '0') return
  console.error('building @sightline/sdk …')
  const r = spawnSync('pnpm', ['--filter', '@sightline/sdk', 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`SDK build failed:\n${r.stdout}\n${r.stderr}`)
}

/** Which SDK source was measured: the commit, and whether packages/sdk had uncommitted changes. */
function sdkRevision() {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim()
  return {
    commit: git('rev-parse', 'HEAD'),
    uncommittedSdkChanges: git('status', '--porcelain', 'packages/sdk') !== '',
  }
}

/** Console errors, page errors and failed requests, minus what the interaction causes on purpose. */
function watchProblems(page: Page): string[] {
  const problems: string[] = []
  const expected = (text: string) => text.includes('bench:') || /\/api\/(missing|fail)/.test(text)
  page.on('console', (m) => {
    const where = m.location().url
    if (m.type() === 'error' && !expected(m.text()) && !expected(where))
      problems.push(`console.error: ${m.text()} (${where})`)
  })
  page.on('pageerror', (e) => {
    if (!expected(e.message)) problems.push(`pageerror: ${e.message}`)
  })
  page.on('requestfailed', (r) =>
    problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
  )
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.url()))
      problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)
  })
  return problems
}

async function waitReady(page: Page, variant: Variant) {
  await page.waitForFunction(readyCheck(variant), undefined, { timeout: 15_000 }).catch(async () => {
    const error = await page.evaluate('window.sightline?.error ?? null')
    throw new Error(`${variant}: not ready after 15 s${error ? ` (window.sightline.error: ${error})` : ''}`)
  })
  await page.waitForTimeout(SETTLE_MS)
}

async function flush(page: Page, variant: Variant, problems: string[]) {
  const expr = flushExpression(variant)
  if (!expr) return
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), 30_000)
  })
  const outcome = await Promise.race([page.evaluate(expr).then(() => 'ok' as const), timeout])
  clearTimeout(timer)
  if (outcome === 'timeout') problems.push('flush() did not resolve within 30 s')
}

async function runOnce(
  browser: Browser,
  server: BenchServer,
  variant: Variant,
  rep: number,
  seconds: number,
): Promise<RunResult> {
  const key = siteKey(variant, rep)
  const preflights = server.preflights()
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    const page = await context.newPage()
    const problems = watchProblems(page)
    const cdp = await context.newCDPSession(page)
    await enablePerformance(cdp, TIME_DOMAIN)
    await page.goto(`${server.origin}/page.html?v=${variant}&key=${key}`, { waitUntil: 'load' })
    await waitReady(page, variant)

    const before = await readTimes(cdp)
    await page.evaluate(() => window.__bench.start())
    const wallMs = await interact(page, seconds)
    const probes = await page.evaluate(() => window.__bench.end())
    const times = timesBetween(before, await readTimes(cdp))

    await flush(page, variant, problems)
    const heapBytes = await heapAfterGc(cdp)
    const sink = server.sink(key)
    const sec = wallMs / 1000
    return {
      variant,
      rep,
      seconds: sec,
      ...times,
      burstSyncMs: median(probes.bursts.map((b) => b.sync)),
      burstObservedMs: median(probes.bursts.map((b) => b.observed)),
      burstTaskMs: median(probes.bursts.map((b) => b.task)),
      burstFrameMs: median(probes.bursts.map((b) => b.frame)),
      bursts: probes.bursts.length,
      elements: probes.elements,
      longTasks: probes.longTasks,
      longTaskMs: probes.longTaskMs,
      heapBytes,
      uploadBytes: sink.bytes,
      uploadRawBytes: sink.rawBytes,
      uploads: sink.requests,
      bytesPerMin: (sink.bytes / sec) * 60,
      events: sink.events,
      replayRecords: sink.replayRecords,
      eventTypes: sink.types,
      preflights: server.preflights() - preflights,
      problems: sink.bad ? [...problems, `${sink.bad} upload bodies did not decode as JSON`] : problems,
    }
  } finally {
    await context.close()
  }
}

function logRun(r: RunResult) {
  console.error(
    `  ${r.variant.padEnd(6)} rep ${r.rep}: script ${r.scriptMs.toFixed(0)} ms, task ${r.taskMs.toFixed(0)} ms, ` +
      `burst ${r.burstSyncMs.toFixed(1)}/${r.burstObservedMs.toFixed(1)}/${r.burstTaskMs.toFixed(1)}/${r.burstFrameMs.toFixed(1)} ms (${r.bursts}), long tasks ${r.longTasks}, ` +
      `heap ${(r.heapBytes / 2 ** 20).toFixed(1)} MB, uploaded ${(r.uploadBytes / 1024).toFixed(1)} KB in ${r.uploads} requests` +
      (r.problems.length ? `, ${r.problems.length} problems` : ''),
  )
  for (const p of [...new Set(r.problems)].slice(0, 5)) console.error(`      ! ${p}`)
}

async function main() {
  buildSdk()
  const revision = sdkRevision()
  const assets = await loadAssets()
  const server = await startServer(assets)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  const load = [loadavg()]
  const runs: RunResult[] = []
  try {
    console.error(
      `Chromium ${browser.version()}, ${SECONDS} s × ${REPS} reps × ${VARIANTS.length} variants, ${TIME_DOMAIN}`,
    )
    if (process.env.BENCH_WARMUP !== '0') {
      console.error('warm-up (not measured) …')
      for (const v of VARIANTS) await runOnce(browser, server, v, -1, 2)
    }
    for (let rep = 0; rep < REPS; rep++)
      for (const v of VARIANTS) {
        const r = await runOnce(browser, server, v, rep, SECONDS)
        logRun(r)
        runs.push(r)
      }
    load.push(loadavg())
  } finally {
    await browser.close()
    await server.close()
  }

  const medians = summarise(runs, VARIANTS)
  const vs = ratios(medians)
  const result = {
    bench: 'sdk-overhead',
    at: new Date().toISOString(),
    config: {
      seconds: SECONDS,
      reps: REPS,
      timeDomain: TIME_DOMAIN,
      chromium: CHROMIUM,
      rrwebRecord: assets.rrwebVersion,
      sdk: revision,
      order: 'interleaved',
    },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgStart: load[0], loadavgEnd: load[1] },
    medians,
    ratios: vs,
    runs,
  }
  mkdirSync(`${root}bench/results`, { recursive: true })
  writeFileSync(`${root}bench/results/sdk-overhead.json`, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`\n## SDK overhead — ${SECONDS} s × ${REPS} reps, medians (${TIME_DOMAIN})\n`)
  console.log(markdown(medians, vs))
  console.log('\nwritten: bench/results/sdk-overhead.json')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
