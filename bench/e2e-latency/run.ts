/**
 * bench/e2e-latency: time from an event in the page (`sightline.track()` in real Chromium, the SDK
 * loaded by its script tag with default settings) to its row being queryable in PostgreSQL's
 * custom_events. The database, collector and demo site are e2e's (`e2e/lib/globalSetup.ts`): a fresh
 * database with every migration, the collector in this process, the site on another origin. A row
 * trigger in that database NOTIFYs each committed benchmark row (watch.ts), and every notified row is
 * read back to confirm it is visible.
 *
 * Modes, run in this order after 10 unmeasured events and the physical floor (floor.ts):
 *   flush     each event followed by `sightline.flush()`, one at a time
 *   steady    default flush settings, events at random gaps (uniform 0–2×BENCH_GAP_MS) without waiting
 *   isolated  default flush settings, one event at a time on an otherwise idle page
 *
 *   pnpm bench:e2e-latency
 *   BENCH_EVENTS=100 BENCH_ISOLATED=5 pnpm bench:e2e-latency
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; unset DATABASE_URL= gives e2e's embedded
 * PostgreSQL with fsync off), BENCH_EVENTS (300, flush and steady), BENCH_ISOLATED (20), BENCH_GAP_MS (200),
 * BENCH_POLL=1 (also poll custom_events every 5 ms, a cross-check of NOTIFY; written to e2e-latency-poll.json),
 * BENCH_BUILD=0 skips building the SDK.
 */
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import { createSql } from '../../apps/collector/src/db/connect.js'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import globalSetup from '../../e2e/lib/globalSetup.js'
import { syncClock } from './clock.js'
import { measureFloor } from './floor.js'
import { instrumentPage } from './page.js'
import { attachRequests, markdown, type Sample, summarise } from './report.js'
import {
  EVENT_NAME,
  installNotifyTrigger,
  POLL_INTERVAL_MS,
  type Watcher,
  watchByNotify,
  watchByPolling,
} from './watch.js'

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300)
const ISOLATED = Number(process.env.BENCH_ISOLATED ?? 20)
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 200)
const POLL = process.env.BENCH_POLL === '1'
const WARMUP = 10
/** The polling cross-check keeps its own file. */
const RESULT_FILE = POLL ? 'e2e-latency-poll.json' : 'e2e-latency.json'
/** Longest an event may take to appear before the run fails (the flush interval is 5 s). */
const TIMEOUT_MS = 30_000
/** Pause between one-at-a-time events, so the previous flush() has been answered. */
const PAUSE_MS = 50
const root = fileURLToPath(new URL('../../', import.meta.url))
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test'
const DATABASE_URL = process.env.DATABASE_URL

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function buildSdk() {
  if (process.env.BENCH_BUILD === '0') return
  console.error('building @sightline/sdk …')
  const r = spawnSync('pnpm', ['--filter', '@sightline/sdk', 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`SDK build failed:\n${r.stdout}\n${r.stderr}`)
}

interface Run {
  page: Page
  watcher: Watcher
  /** BENCH_POLL=1: a second watcher, polling. */
  poll: Watcher | undefined
  offsetMs: number
}

/** Tracks one event; returns its sample once its row is visible. */
async function one(run: Run, mode: string, flush: boolean): Promise<Sample> {
  const id = `${mode}-${randomUUID()}`
  const visible = run.watcher.expect(id, TIMEOUT_MS)
  const polled = run.poll?.expect(id, TIMEOUT_MS)
  const pageT = await run.page.evaluate(([i, f]) => window.__latency.emit(i, f), [id, flush] as const)
  const sample: Sample = { id, emittedAt: pageT - run.offsetMs, visibleAt: await visible }
  if (polled) sample.polledAt = await polled
  return sample
}

async function sequential(run: Run, mode: string, count: number, flush: boolean, pauseMs: number) {
  const samples: Sample[] = []
  for (let i = 0; i < count; i++) {
    samples.push(await one(run, mode, flush))
    await sleep(pauseMs)
  }
  return samples
}

async function steady(run: Run, count: number) {
  const pending: Promise<Sample>[] = []
  for (let i = 0; i < count; i++) {
    pending.push(one(run, 'steady', false))
    await sleep(Math.random() * 2 * GAP_MS)
  }
  return Promise.all(pending)
}

async function main() {
  buildSdk()
  const teardown = await globalSetup()
  const sql = createSql(process.env.E2E_DATABASE_URL!, { max: 3 })
  const browser = await chromium.launch({
    executablePath: chromiumPath() ?? '/usr/bin/chromium',
    args: LAUNCH_ARGS,
  })
  try {
    await installNotifyTrigger(sql)
    const [settings] = await sql<{ version: string; fsync: string; synchronousCommit: string }[]>`
      select current_setting('server_version') as version, current_setting('fsync') as fsync,
             current_setting('synchronous_commit') as synchronous_commit`
    const watcher = await watchByNotify(sql)
    const poll = POLL ? await watchByPolling(sql) : undefined

    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('response', (r) => {
      if (r.url().includes('/v1/batch') && r.status() >= 300) problems.push(`HTTP ${r.status()} ${r.url()}`)
    })
    await instrumentPage(page)
    await page.goto(process.env.E2E_SITE_URL!)
    await page.waitForFunction(() =>
      (window as { sightline?: { getSessionId(): string | null } }).sightline?.getSessionId(),
    )
    const clock = await syncClock(page)
    const run: Run = { page, watcher, poll, offsetMs: clock.offsetMs }
    console.error(`clock offset ${clock.offsetMs.toFixed(2)} ms (± ${(clock.rttMs / 2).toFixed(2)})`)

    await sequential(run, 'warmup', WARMUP, true, PAUSE_MS)
    console.error('floor: commit and HTTP round trips …')
    const floor = await measureFloor(sql, page, process.env.E2E_COLLECTOR_URL!)
    console.error(`flush: ${EVENTS} events …`)
    const flush = await sequential(run, 'flush', EVENTS, true, PAUSE_MS)
    await sleep(6_000) // the flush mode's replay segments and timers settle
    console.error(`steady: ${EVENTS} events …`)
    const steadySamples = await steady(run, EVENTS)
    await sleep(6_000)
    console.error(`isolated: ${ISOLATED} events …`)
    const isolated = await sequential(run, 'isolated', ISOLATED, false, 500)

    const requests = await page.evaluate(() => window.__latency.requests())
    for (const s of [flush, steadySamples, isolated]) attachRequests(s, requests, clock.offsetMs)
    await watcher.close()
    await poll?.close()
    const [counts] = await sql<{ rows: number; duplicates: number }[]>`
      select count(*)::int as rows, count(*)::int - count(distinct props->>'id')::int as duplicates
      from custom_events where name = ${EVENT_NAME}`
    const { rows, duplicates } = counts!
    const expected = WARMUP + 2 * EVENTS + ISOLATED
    const checks = { rowsExpected: expected, rows, duplicates, notifiedButNotVisible: watcher.notVisible() }
    if (rows !== expected || duplicates || checks.notifiedButNotVisible || problems.length)
      throw new Error(`checks failed: ${JSON.stringify({ ...checks, problems })}`)

    const modes = {
      flush: { label: 'explicit `sightline.flush()` after each event', summary: summarise(flush) },
      steady: {
        label: `default settings, steady events (random gaps, mean ${GAP_MS} ms)`,
        summary: summarise(steadySamples),
      },
      isolated: { label: 'default settings, one event alone', summary: summarise(isolated) },
    }
    const result = {
      date: new Date().toISOString(),
      command: 'pnpm bench:e2e-latency',
      commit: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
      uncommittedChanges:
        spawnSync('git', ['status', '--porcelain', 'packages/sdk', 'apps/collector', 'migrations'], {
          cwd: root,
          encoding: 'utf8',
        }).stdout.trim() !== '',
      watch: `LISTEN/NOTIFY (row trigger)${POLL ? `, and a poll every ${POLL_INTERVAL_MS} ms` : ''}`,
      database: { ...settings, server: DATABASE_URL ? new URL(DATABASE_URL).host : 'embedded (fsync off)' },
      chromium: browser.version(),
      sdkDefaults: { flushIntervalMs: 5_000, batchMaxEvents: 100, batchMaxBytes: 65_536, replay: true },
      machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Math.round(l * 100) / 100) },
      clock,
      floor,
      requests: requests.length,
      checks,
      modes,
    }
    const out = `${root}bench/results/${RESULT_FILE}`
    mkdirSync(`${root}bench/results`, { recursive: true })
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    console.log(markdown(modes))
    console.log(
      `\nfloor p50 / p95: commit ${floor.commitMs.p50} / ${floor.commitMs.p95} ms, page → collector → page ${floor.httpMs.p50} / ${floor.httpMs.p95} ms`,
    )
    console.error(`\nwritten: bench/results/${RESULT_FILE}; checks ${JSON.stringify(checks)}`)
  } finally {
    await browser.close()
    await sql.end()
    await teardown()
  }
}

await main()
