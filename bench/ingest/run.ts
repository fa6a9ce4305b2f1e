/**
 * bench/ingest: the collector in its own process, load from this process on loopback, realistic gzipped
 * batches of 50 mixed events. Reports events/s and requests/s sustained at full load (autocannon, closed
 * loop: BENCH_CONNECTIONS connections, each sending again when answered), the COPY ceiling of the same
 * rows into the same tables, and p50/p99 at 50 % of that ceiling, offered at an even pace (./paced.ts,
 * open loop: latency counted from each request's due time).
 *
 *   pnpm bench:ingest            # DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
 *   BENCH_SECONDS=20 pnpm bench:ingest
 *   BENCH_RATES=50000,60000 pnpm bench:ingest   # more paced phases, in events/s
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { Batch, Event } from '@sightline/schema'
import autocannon from 'autocannon'
import type { createSql } from '../../apps/collector/src/db/connect.js'
import { copyText } from '../../apps/collector/src/db/copy.js'
import { createSite } from '../../apps/collector/src/db/sites.js'
import { toRows } from '../../apps/collector/src/ingest/rows.js'
import { makeBodies } from './batches.js'
import { cpuMeter } from './cpu.js'
import { benchDbUrl, freshDatabase } from './db.js'
import { paced } from './paced.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
/**
 * BENCH_RATES=40000,50000: more fixed-rate phases after the 50 % one, in events/s, each with bodies of its
 * own (to find the highest rate that keeps p99 under 100 ms).
 */
const RATES = (process.env.BENCH_RATES ?? '')
  .split(',')
  .filter(Boolean)
  .map((r) => {
    const n = Number(r)
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`BENCH_RATES: "${r}" is not a positive number of events/s`)
    return n
  })
/** Collector processes on the same database (issue 7: one against two). */
const COLLECTORS = Number(process.env.BENCH_COLLECTORS ?? 1)
const EVENTS_PER_BATCH = 50
const root = fileURLToPath(new URL('../../', import.meta.url))
/** BENCH_COLLECTOR_ROOT: run the collector of another checkout (an A/B of two commits on one database). */
const collectorRoot = process.env.BENCH_COLLECTOR_ROOT ?? root

async function startCollector(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    // e.g. COLLECTOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (flags NODE_OPTIONS refuses)
    [
      ...(process.env.COLLECTOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'apps/collector/src/cli.ts',
      'start',
    ],
    {
      cwd: collectorRoot,
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: '0',
        LOG_LEVEL: 'warn',
        SIGHTLINE_RATE_LIMIT_RPS: '1000000',
        NODE_OPTIONS: process.env.COLLECTOR_NODE_OPTIONS ?? '',
        SIGHTLINE_RATE_LIMIT_BURST: '1000000',
        DATABASE_POOL_MAX: '10',
        SIGHTLINE_WRITE_CONCURRENCY: process.env.SIGHTLINE_WRITE_CONCURRENCY ?? '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', (code) => reject(new Error(`collector exited with ${code}`)))
  })
  return { child, port }
}

/**
 * Waits until every collector's writer is idle (no row pending, no flush running, from /metrics), then 2 s
 * more: a phase that follows an overloaded one must not start with its backlog.
 */
async function settle(ports: number[]) {
  const deadline = Date.now() + 60_000
  for (const port of ports) {
    for (;;) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      const value = (name: string) =>
        Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
      if (value('sightline_writer_pending_rows') === 0 && value('sightline_writer_flushes_running') === 0)
        break
      if (Date.now() > deadline) throw new Error(`collector on port ${port} still busy after 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000))
}

async function load(ports: number[], key: string, bodies: Buffer[], opts: { seconds: number }) {
  let next = 0
  const results = await Promise.all(
    ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}/v1/batch?key=${key}`,
        method: 'POST',
        connections: Math.ceil(CONNECTIONS / ports.length),
        duration: opts.seconds,
        headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip', origin: 'https://shop.example' },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }],
      }),
    ),
  )
  if (next > bodies.length)
    throw new Error(`ran out of distinct bodies (${next} > ${bodies.length}): raise the count`)
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((n, r) => n + f(r), 0)
  const non2xx = sum((r) => r.non2xx)
  if (non2xx || sum((r) => r.errors) || sum((r) => r.timeouts)) {
    process.stderr.write(
      `warning: ${non2xx} non-2xx, ${sum((r) => r.errors)} errors, ${sum((r) => r.timeouts)} timeouts: throughput below counts only 2xx\n`,
    )
  }
  const ok = sum((r) => r['2xx'] / r.duration)
  return {
    connections: CONNECTIONS,
    requestsPerSecond: Math.round(ok),
    eventsPerSecond: Math.round(ok * EVENTS_PER_BATCH),
    // p50/p99 of the slowest collector (autocannon does not merge histograms)
    p50ms: Math.max(...results.map((r) => r.latency.p50)),
    p99ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    sent: next,
  }
}

/** Rows/s of a plain COPY of the same event rows (the very same COPY text) into the same tables, one connection. */
async function copyCeiling(sql: ReturnType<typeof createSql>, siteId: string, bodies: Buffer[]) {
  const tables = new Map<string, { columns: string[]; parts: string[]; count: number }>()
  for (const body of bodies) {
    const batch = Batch.parse(JSON.parse(gunzipSync(body).toString()))
    const events = batch.events.map((e, index) => ({ index, event: Event.parse(e) }))
    const rows = toRows({ batch, events, siteId, clockOffsetMs: 0, counts: {} })
    for (const [table, { columns, lines, count }] of rows.tables) {
      const entry = tables.get(table) ?? { columns, parts: [], count: 0 }
      tables.set(table, entry)
      entry.parts.push(lines)
      entry.count += count
    }
  }
  let total = 0
  const started = performance.now()
  for (const [table, { columns, parts, count }] of tables) {
    await copyText(sql, table, columns, parts)
    total += count
  }
  const seconds = (performance.now() - started) / 1000
  return { rows: total, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(total / seconds) }
}

async function main() {
  // The schema of the collector under test (BENCH_COLLECTOR_ROOT may be another checkout).
  const sql = await freshDatabase('sightline_bench_ingest', {
    migrationsDir: path.join(collectorRoot, 'migrations'),
  })
  const site = await createSite(sql, {
    name: 'bench',
    companyName: 'bench',
    origins: ['https://shop.example'],
  })
  const collectors = await Promise.all(
    Array.from({ length: COLLECTORS }, () => startCollector(benchDbUrl('sightline_bench_ingest'))),
  )
  const ports = collectors.map((c) => c.port)
  try {
    process.stderr.write('generating bodies…\n')
    // Enough for 2,000 requests/s (100 k events/s) at full load; the fixed-rate phases make their own.
    const bodies = makeBodies(Math.max(20_000, SECONDS * 2000), 500)
    process.stderr.write(`warm-up 3 s…\n`)
    await load(ports, site.siteKey, makeBodies(3000, 50), { seconds: 3 })
    const meter = cpuMeter()
    const sources = async () => ({
      collectors: collectors.map((c) => c.child.pid!),
      backends: (
        await sql<{ pid: number }[]>`
          select pid from pg_stat_activity where datname = 'sightline_bench_ingest' and pid <> pg_backend_pid()`
      ).map((r) => r.pid),
    })
    process.stderr.write(`max throughput, ${SECONDS} s, ${CONNECTIONS} connections…\n`)
    meter.start(await sources())
    const max = {
      ...(await load(ports, site.siteKey, bodies, { seconds: SECONDS })),
      cores: meter.stop(),
    }

    process.stderr.write('COPY ceiling of the same rows…\n')
    const copy = await copyCeiling(sql, site.siteId, makeBodies(4000, 200))
    const targetEventsPerSecond = Math.round(copy.rowsPerSecond / 2)
    process.stderr.write(`fixed rate: ${targetEventsPerSecond} events/s (50 % of COPY), ${SECONDS} s…\n`)
    const atRate = async (eventsPerSecond: number) => {
      const rate = eventsPerSecond / EVENTS_PER_BATCH
      const phaseBodies = makeBodies(Math.ceil(rate * SECONDS), 500)
      await settle(ports)
      meter.start(await sources())
      const result = await paced({
        ports,
        path: `/v1/batch?key=${site.siteKey}`,
        headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', Origin: 'https://shop.example' },
        bodies: phaseBodies,
        rate,
        seconds: SECONDS,
        eventsPerRequest: EVENTS_PER_BATCH,
      })
      return { targetEventsPerSecond: eventsPerSecond, ...result, cores: meter.stop() }
    }
    const atHalf = await atRate(targetEventsPerSecond)
    const sweep = []
    for (const eventsPerSecond of RATES) {
      process.stderr.write(`fixed rate: ${eventsPerSecond} events/s, ${SECONDS} s…\n`)
      sweep.push(await atRate(eventsPerSecond))
    }
    const [stored] = await sql`select count(*)::int as n from ingested_batches`
    const result = {
      date: new Date().toISOString(),
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      database: (await sql`select version()`)[0]!.version,
      eventsPerBatch: EVENTS_PER_BATCH,
      connections: CONNECTIONS,
      collectors: COLLECTORS,
      seconds: SECONDS,
      max,
      copyCeiling: copy,
      atHalfCopyCeiling: atHalf,
      ...(sweep.length ? { fixedRates: sweep } : {}),
      ratioOfCopyCeiling: Number((max.eventsPerSecond / copy.rowsPerSecond).toFixed(2)),
      batchesStored: stored!.n,
    }
    writeFileSync(
      new URL(`../results/ingest${COLLECTORS > 1 ? `-${COLLECTORS}-collectors` : ''}.json`, import.meta.url),
      `${JSON.stringify(result, null, 2)}\n`,
    )
    console.log(JSON.stringify(result, null, 2))
    console.log(`\n| metric | value |\n| --- | --- |`)
    console.log(
      `| max sustained (2xx only) | ${max.eventsPerSecond} events/s, ${max.requestsPerSecond} req/s, p50 ${max.p50ms} ms, p99 ${max.p99ms} ms, non-2xx ${max.non2xx} |`,
    )
    console.log(`| COPY ceiling (same rows, same tables) | ${copy.rowsPerSecond} rows/s |`)
    console.log(`| max / COPY | ${result.ratioOfCopyCeiling} |`)
    const fixed = (r: typeof atHalf) =>
      `${r.eventsPerSecond} events/s achieved, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms (answer only: ${r.serviceP99ms}), max ${r.maxMs} ms, ${r.connections} sockets, non-2xx ${r.non2xx}, errors ${r.errors}, unsent ${r.unsent}`
    console.log(`| at 50 % of COPY, paced (${targetEventsPerSecond} events/s) | ${fixed(atHalf)} |`)
    for (const r of sweep) console.log(`| paced at ${r.targetEventsPerSecond} events/s | ${fixed(r)} |`)
    const cores = (c: typeof max.cores) =>
      `collector main thread ${c.collectorMain}, its other threads ${c.collectorOtherThreads}, PostgreSQL backends ${c.postgres}, load generator ${c.loadGenerator}; whole machine ${c.machine}`
    console.log(`| cores used at max | ${cores(max.cores)} |`)
    console.log(`| cores used at 50 % | ${cores(atHalf.cores)} |`)
    for (const r of sweep)
      console.log(`| cores used at ${r.targetEventsPerSecond} events/s | ${cores(r.cores)} |`)
  } finally {
    // Wait for the collectors to exit (a --cpu-prof profile is written then).
    await Promise.all(
      collectors.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(null)
            child.once('exit', resolve)
            child.kill('SIGTERM')
          }),
      ),
    )
    await sql.end()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
