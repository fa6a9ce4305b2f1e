/**
 * The collector's write path alone, in this process: the real group-commit writer (ingest/writer.ts) fed
 * by CLIENTS concurrent clients, each submitting a prepared 50-event batch and waiting for its commit
 * before the next, as the HTTP clients of bench/ingest do. No HTTP, no parsing in the timed part: this
 * isolates what the database path costs. Reports batches/s, latency percentiles, group sizes, and the CPU
 * time the PostgreSQL backend and this process spent per batch (the writer has one connection).
 *
 *   npx tsx bench/ingest/writer.ts                 # DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
 *   CLIENTS=32 SECONDS=10 npx tsx bench/ingest/writer.ts
 */
import { writeFileSync } from 'node:fs'
import { createSql } from '../../apps/collector/src/db/connect.js'
import { createSite } from '../../apps/collector/src/db/sites.js'
import { prepareBatch } from '../../apps/collector/src/ingest/prepare.js'
import { type PreparedBatch, toPreparedBatch } from '../../apps/collector/src/ingest/writer.js'
import { makeBodies } from './batches.js'
import { cpuSeconds } from './cpu.js'
import { benchDbUrl, freshDatabase } from './db.js'

const CLIENTS = Number(process.env.CLIENTS ?? 32)
const SECONDS = Number(process.env.SECONDS ?? 10)
/** Group-commit transactions at once (SIGHTLINE_WRITE_CONCURRENCY in the collector), each on its own connection. */
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 1)
const DB = 'sightline_bench_writer'
const LIMITS = { wireBytes: 1 << 20, decompressedBytes: 8 << 20 }

async function main() {
  const setup = await freshDatabase(DB, { max: 1 })
  // SETUP_SQL: statements run after the migrations, to try a schema change (e.g. an index less)
  if (process.env.SETUP_SQL) await setup.unsafe(process.env.SETUP_SQL)
  const site = await createSite(setup, {
    name: 'bench',
    companyName: 'bench',
    origins: ['https://shop.example'],
  })
  await setup.end()

  const count = Math.max(10_000, (SECONDS + 2) * 1_500)
  process.stderr.write(`preparing ${count} batches…\n`)
  const batches: PreparedBatch[] = makeBodies(count, 500).map((wire) =>
    toPreparedBatch(
      site.siteId,
      prepareBatch({ wire, encoding: 'gzip', limits: LIMITS, receivedAt: Date.now(), siteId: site.siteId }),
    ),
  )

  const { createWriter } = await import(
    process.env.WRITER_MODULE ?? '../../apps/collector/src/ingest/writer.js'
  )
  const sql = createSql(benchDbUrl(DB), { max: CONCURRENCY })
  // The backends of the writer's connections (one per concurrent flush), for their CPU time.
  const reserved = await Promise.all(Array.from({ length: CONCURRENCY }, () => sql.reserve()))
  const pids: number[] = []
  for (const r of reserved)
    pids.push(((await r`select pg_backend_pid() as pid`) as unknown as [{ pid: number }])[0].pid)
  for (const r of reserved) r.release()
  const pgSeconds = () => pids.reduce((n, pid) => n + cpuSeconds(pid), 0)
  // PID_FILE=/tmp/f: the first backend's pid, written when the warm-up starts (for `perf record -p`)
  if (process.env.PID_FILE) writeFileSync(process.env.PID_FILE, String(pids[0]))
  const groups: number[] = []
  const writer = createWriter(sql, {
    concurrency: CONCURRENCY,
    maxRowsPerFlush: 20_000,
    maxPendingRows: 1_000_000,
    onFlush: ({ batches }: { batches: number }) => groups.push(batches),
  })

  let next = 0
  const latencies: number[] = []
  let stopAt = 0
  async function client() {
    while (performance.now() < stopAt && next < batches.length) {
      const started = performance.now()
      const outcome = await writer.submit(batches[next++]!).done
      if (outcome !== 'stored') throw new Error(`unexpected outcome ${outcome}`)
      latencies.push(performance.now() - started)
    }
  }
  // warm-up, then the measured run
  stopAt = performance.now() + 2_000
  await Promise.all(Array.from({ length: CLIENTS }, client))
  latencies.length = 0
  groups.length = 0
  const pg0 = pgSeconds()
  const node0 = process.cpuUsage()
  const t0 = performance.now()
  stopAt = t0 + SECONDS * 1000
  await Promise.all(Array.from({ length: CLIENTS }, client))
  const wall = (performance.now() - t0) / 1000
  const pgCpu = pgSeconds() - pg0
  const nodeCpu = process.cpuUsage(node0)
  const n = latencies.length
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => Number(latencies[Math.min(n - 1, Math.floor(n * p))]!.toFixed(1))
  const result = {
    clients: CLIENTS,
    concurrency: CONCURRENCY,
    seconds: Number(wall.toFixed(1)),
    batchesPerSecond: Math.round(n / wall),
    eventsPerSecond: Math.round((n * 50) / wall),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    meanGroup: Number((groups.reduce((a, b) => a + b, 0) / groups.length).toFixed(1)),
    msPerTransaction: Number(((wall * 1000) / groups.length).toFixed(1)),
    pgBackendCpuMsPerBatch: Number(((pgCpu * 1000) / n).toFixed(3)),
    pgBackendBusy: Number((pgCpu / wall).toFixed(2)),
    nodeCpuMsPerBatch: Number(((nodeCpu.user + nodeCpu.system) / 1000 / n).toFixed(3)),
    load: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(2))),
  }
  console.log(JSON.stringify(result))
  await sql.end()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
