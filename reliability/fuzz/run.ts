/**
 * Fuzzing POST /v1/batch with fast-check through `app.request()` against a real PostgreSQL 18 of its own:
 * generated and mutated bodies (apps/collector/test/fuzzBodies.ts). Property: no 5xx, no hang, a JSON
 * answer each time, and no half-write (a refused batch leaves no row). Memory is sampled along the way.
 *
 *   pnpm reliability:fuzz                     # 100,000 cases
 *   REL_FUZZ_CASES=20000 REL_FUZZ_PARALLEL=8 REL_FUZZ_SEED=42 pnpm reliability:fuzz
 *
 * Figures go to reliability/results/fuzz.json; exit code 1 on any failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { createApp } from '../../apps/collector/src/app.js'
import { fuzzRequest, sendFuzz } from '../../apps/collector/test/fuzzBodies.js'
import { ORIGIN, startChaosDatabase } from '../lib/postgres.js'
import { round } from '../lib/stats.js'

const CASES = Number(process.env.REL_FUZZ_CASES ?? 100_000)
const PARALLEL = Number(process.env.REL_FUZZ_PARALLEL ?? 8)
const SEED = Number(process.env.REL_FUZZ_SEED ?? Date.now() % 2 ** 31)
const gc = (globalThis as { gc?: () => void }).gc
const mb = (n: number) => round(n / 1024 / 1024)
const memory = () => {
  gc?.()
  const m = process.memoryUsage()
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) }
}

const db = await startChaosDatabase()
const app = createApp({
  sql: db.sql,
  // The property is about input, not load: no rate limit, and no 503 from the answer deadline on a busy machine.
  config: { rateLimit: { ratePerSecond: 1e9, burst: 1e9 }, answerDeadlineMs: 60_000 },
})
const byAnswer = new Map<string, number>()
const accepted = new Set<string>()
const refused = new Set<string>()
const failures: unknown[] = []
let done = 0
let slowestMs = 0
let peakRss = 0
const before = memory()
const started = performance.now()
const samples: { cases: number; rssMb: number; heapUsedMb: number }[] = []
const sampler = setInterval(() => {
  const m = process.memoryUsage()
  peakRss = Math.max(peakRss, m.rss)
  samples.push({ cases: done, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) })
  if (samples.length % 6 === 0) console.log(`${done} cases, rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`)
}, 5_000)

const property = fc.asyncProperty(fuzzRequest(db.site.siteKey, ORIGIN), async (r) => {
  const a = await sendFuzz(app, r)
  done++
  slowestMs = Math.max(slowestMs, a.ms)
  const key = `${a.status} ${a.code}`
  byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1)
  ;(a.status === 200 ? accepted : refused).add(r.batchId)
  const ok = a.status >= 200 && a.status < 500 && a.code !== '(not json)' && a.code !== 'rejected_by_database'
  if (!ok && failures.length < 5) failures.push({ answer: a, steps: r.steps })
  return ok
})
// Several property runs at once (different seeds) so that stored cases share group commits.
const runs = await Promise.all(
  Array.from({ length: PARALLEL }, (_, i) =>
    fc.check(property, { numRuns: Math.ceil(CASES / PARALLEL), seed: SEED + i, endOnFailure: true }),
  ),
)
clearInterval(sampler)
const seconds = (performance.now() - started) / 1000
const onlyRefused = [...refused].filter((id) => !accepted.has(id))
const [left] = await db.sql<{ n: number }[]>`
  select count(*)::int as n from ingested_batches where batch_id = any(${onlyRefused}::uuid[])`
const after = memory()
await db.destroy()

const failedRuns = runs.filter((r) => r.failed).map((r) => fc.defaultReportMessage(r))
const fiveHundreds = [...byAnswer].filter(([k]) => !/^[24]/.test(k)).reduce((n, [, v]) => n + v, 0)
const result = {
  at: new Date().toISOString(),
  cases: done,
  seed: SEED,
  parallel: PARALLEL,
  seconds: round(seconds),
  casesPerSecond: round(done / seconds),
  answers: Object.fromEntries([...byAnswer].sort((a, b) => b[1] - a[1])),
  non2xx4xx: fiveHundreds,
  halfWrites: left!.n,
  slowestMs: round(slowestMs),
  memory: { before, after, peakRssMb: mb(peakRss) },
  samples,
  failures,
  failedRuns,
}
const out = fileURLToPath(new URL('../results/fuzz.json', import.meta.url))
mkdirSync(path.dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`)
const { samples: _, ...summary } = result
console.log(JSON.stringify(summary, null, 1))
const ok = done >= CASES && fiveHundreds === 0 && left!.n === 0 && failedRuns.length === 0
console.log(ok ? `\nfuzz: ${done} cases, 0 5xx, 0 hangs, 0 half-writes` : '\nfuzz: FAILED')
process.exit(ok ? 0 : 1)
