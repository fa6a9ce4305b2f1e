/**
 * bench/sdk-overhead: what the Sightline SDK costs a page, in real Chromium, against rrweb alone and
 * the peer SDKs with their session replay on (peers.ts). A large page (>4,000 elements) is driven by
 * the same scripted interaction (interaction.ts) under every variant, run interleaved (none core replay
 * rrweb datadog … none core …) for BENCH_REPS repetitions; the medians per variant and ratios against
 * `none`, `replay` and `rrweb` go to bench/results/sdk-overhead.json and a Markdown table.
 *
 *   npx tsx bench/sdk-overhead/run.ts                          # from the repository root
 *   BENCH_SECONDS=10 BENCH_REPS=1 npx tsx bench/sdk-overhead/run.ts
 *   BENCH_SECONDS=5 BENCH_REPS=1 BENCH_VARIANTS=none,posthog npx tsx bench/sdk-overhead/run.ts
 *
 * Env: BENCH_SECONDS (60) interaction length per run, BENCH_REPS (3), BENCH_VARIANTS (all; a
 * comma-separated subset, for smoke runs), SIGHTLINE_CHROMIUM (/usr/bin/chromium), BENCH_TIME_DOMAIN
 * (threadTicks | timeTicks), BENCH_BUILD=0 skips building the SDK first, BENCH_WARMUP=0 skips the
 * unmeasured warm-up pass. BENCH_OUT overrides the results file (a subset run should not overwrite
 * the committed one).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import { loadAssets } from './assets.js'
import { interact } from './interaction.js'
import { enablePerformance, heapAfterGc, readTimes, timesBetween } from './metrics.js'
import { markdown, median, type RunResult, ratios, summarise } from './report.js'
import { type BenchServer, startServer } from './server.js'
import {
  drainMs,
  flushExpression,
  readyCheck,
  sentReplay,
  sinkReady,
  siteKey,
  VARIANTS,
  type Variant,
} from './variants.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
const REPS = Number(process.env.BENCH_REPS ?? 3)
const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium'
const TIME_DOMAIN = process.env.BENCH_TIME_DOMAIN === 'timeTicks' ? 'timeTicks' : 'threadTicks'
const root = fileURLToPath(new URL('../../', import.meta.url))
/** Quiet time after the variant reports ready, before the measured interaction. */
const SETTLE_MS = 1_000
/** How long a variant may take to report ready (peers: until their first replay upload). */
const READY_MS = 30_000

function selectedVariants(): Variant[] {
  const wanted = (process.env.BENCH_VARIANTS ?? '').split(',').filter(Boolean)
  if (!wanted.length) return [...VARIANTS]
  const unknown = wanted.filter((v) => !(VARIANTS as readonly string[]).includes(v))
  if (unknown.length)
    throw new Error(`BENCH_VARIANTS: unknown ${unknown.join(', ')} (known: ${VARIANTS.join(', ')})`)
  return VARIANTS.filter((v) => wanted.includes(v))
}

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
  page.on('requestfailed', async (r) => {
    // An SDK may cancel a response body it does not need (OpenReplay does): the upload itself arrived.
    const answered = r.failure()?.errorText === 'net::ERR_ABORTED' && (await r.response().catch(() => null))
    if (!answered) problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`)
  })
  // Nothing may leave the machine: every request of the page (and its workers) must go to 127.0.0.1.
  page.on('request', (r) => {
    const url = r.url()
    if (/^https?:/.test(url) && new URL(url).hostname !== '127.0.0.1')
      problems.push(`external request: ${r.method()} ${url}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.url()))
      problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)
  })
  return problems
}

async function waitReady(page: Page, server: BenchServer, variant: Variant, key: string) {
  const started = Date.now()
  await page.waitForFunction(readyCheck(variant), undefined, { timeout: READY_MS }).catch(async () => {
    const error = await page.evaluate('window.sightline?.error ?? null')
    throw new Error(
      `${variant}: not ready after ${READY_MS / 1000} s${error ? ` (window.sightline.error: ${error})` : ''}`,
    )
  })
  while (!sinkReady(variant, server.sink(key))) {
    if (Date.now() - started > READY_MS)
      throw new Error(
        `${variant}: no replay upload reached the sink within ${READY_MS / 1000} s (${JSON.stringify(server.sink(key).kinds)})`,
      )
    await page.waitForTimeout(100)
  }
  await page.waitForTimeout(SETTLE_MS)
}

/** Waits until the variant's sink has had no request for drainMs (at most 30 s). */
async function drain(page: Page, server: BenchServer, variant: Variant, key: string, problems: string[]) {
  const quiet = drainMs(variant)
  if (!quiet) return
  const until = Date.now() + 30_000
  for (;;) {
    const idle = Date.now() - server.sink(key).lastAt
    if (idle >= quiet) return
    if (Date.now() > until) return void problems.push(`sink still busy 30 s after the interaction`)
    await page.waitForTimeout(Math.min(quiet - idle, 250))
  }
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
    await waitReady(page, server, variant, key)

    const before = await readTimes(cdp)
    await page.evaluate(() => window.__bench.start())
    const wallMs = await interact(page, seconds)
    const probes = await page.evaluate(() => window.__bench.end())
    const times = timesBetween(before, await readTimes(cdp))

    await flush(page, variant, problems)
    await drain(page, server, variant, key, problems)
    const heapBytes = await heapAfterGc(cdp)
    const sink = server.sink(key)
    if (!sentReplay(variant, sink)) problems.push('no replay data reached the sink')
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
      uploadKinds: sink.kinds,
      preflights: server.preflights() - preflights,
      problems: sink.bad ? [...problems, `${sink.bad} upload bodies did not decode as JSON`] : problems,
    }
  } finally {
    await context.close()
  }
}

function logRun(r: RunResult) {
  console.error(
    `  ${r.variant.padEnd(10)} rep ${r.rep}: script ${r.scriptMs.toFixed(0)} ms, task ${r.taskMs.toFixed(0)} ms, ` +
      `burst ${r.burstSyncMs.toFixed(1)}/${r.burstObservedMs.toFixed(1)}/${r.burstTaskMs.toFixed(1)}/${r.burstFrameMs.toFixed(1)} ms (${r.bursts}), long tasks ${r.longTasks}, ` +
      `heap ${(r.heapBytes / 2 ** 20).toFixed(1)} MB, uploaded ${(r.uploadBytes / 1024).toFixed(1)} KB in ${r.uploads} requests` +
      (r.problems.length ? `, ${r.problems.length} problems` : ''),
  )
  for (const p of [...new Set(r.problems)].slice(0, 5)) console.error(`      ! ${p}`)
}

async function main() {
  buildSdk()
  const revision = sdkRevision()
  const variants = selectedVariants()
  const assets = await loadAssets()
  const server = await startServer(assets)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  const load = [loadavg()]
  const runs: RunResult[] = []
  try {
    console.error(
      `Chromium ${browser.version()}, ${SECONDS} s × ${REPS} reps × ${variants.length} variants (${variants.join(' ')}), ${TIME_DOMAIN}`,
    )
    if (process.env.BENCH_WARMUP !== '0') {
      console.error('warm-up (not measured) …')
      for (const v of variants) await runOnce(browser, server, v, -1, 2)
    }
    for (let rep = 0; rep < REPS; rep++)
      for (const v of variants) {
        const r = await runOnce(browser, server, v, rep, SECONDS)
        logRun(r)
        runs.push(r)
      }
    load.push(loadavg())
  } finally {
    await browser.close()
    await server.close()
  }

  const medians = summarise(runs, variants)
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
      peers: assets.peerVersions,
      peerBundler: `esbuild ${assets.esbuildVersion} (bench/sdk-size), IIFE, minified`,
      sdk: revision,
      order: 'interleaved',
    },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgStart: load[0], loadavgEnd: load[1] },
    medians,
    ratios: vs,
    runs,
  }
  const out = process.env.BENCH_OUT ?? `${root}bench/results/sdk-overhead.json`
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`\n## SDK overhead — ${SECONDS} s × ${REPS} reps, medians (${TIME_DOMAIN})\n`)
  console.log(markdown(medians, vs))
  console.log(`\nwritten: ${out}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
