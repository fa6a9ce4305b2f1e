/**
 * bench/ingest: the collector in its own process, load from this process on loopback (autocannon),
 * realistic gzipped batches of 50 mixed events. Reports events/s and requests/s sustained, p50/p99,
 * the COPY ceiling of the same rows into the same tables, and p99 at 50 % of that ceiling.
 *
 *   pnpm bench:ingest            # DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
 *   BENCH_SECONDS=20 pnpm bench:ingest
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

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
/**
 * Connections of the fixed-rate phase. Each autocannon connection waits for its answer before sending
 * again, so N connections can offer at most N / latency requests per second: at 32 connections and 50 ms,
 * 640 req/s, whatever the rate asked. By default the phase gets enough connections to offer its rate at
 * 250 ms of latency, so it measures the collector at that rate, not the load generator's ceiling.
 */
const RATE_CONNECTIONS = process.env.BENCH_RATE_CONNECTIONS
  ? Number(process.env.BENCH_RATE_CONNECTIONS)
  : undefined
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

async function load(
  ports: number[],
  key: string,
  bodies: Buffer[],
  opts: { seconds: number; rate?: number; connections?: number },
) {
  let next = 0
  const connections = opts.connections ?? CONNECTIONS
  const results = await Promise.all(
    ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}/v1/batch?key=${key}`,
        method: 'POST',
        connections: Math.ceil(connections / ports.length),
        duration: opts.seconds,
        ...(opts.rate ? { overallRate: Math.ceil(opts.rate / ports.length) } : {}),
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
    connections,
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
    const bodies = makeBodies(Math.max(30_000, SECONDS * 2500), 500)
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
      ...(await load(ports, site.siteKey, bodies.slice(0, bodies.length / 2), { seconds: SECONDS })),
      cores: meter.stop(),
    }

    process.stderr.write('COPY ceiling of the same rows…\n')
    const copy = await copyCeiling(sql, site.siteId, makeBodies(4000, 200))
    const targetEventsPerSecond = Math.round(copy.rowsPerSecond / 2)
    process.stderr.write(`fixed rate: ${targetEventsPerSecond} events/s (50 % of COPY), ${SECONDS} s…\n`)
    const rate = Math.ceil(targetEventsPerSecond / EVENTS_PER_BATCH)
    meter.start(await sources())
    const atHalf = {
      ...(await load(ports, site.siteKey, bodies.slice(bodies.length / 2), {
        seconds: SECONDS,
        rate,
        connections: RATE_CONNECTIONS ?? Math.max(CONNECTIONS, Math.ceil(rate * 0.25)),
      })),
      cores: meter.stop(),
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
      atHalfCopyCeiling: { targetEventsPerSecond, ...atHalf },
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
    console.log(
      `| at 50 % of COPY (${targetEventsPerSecond} events/s, ${atHalf.connections} connections) | ${atHalf.eventsPerSecond} events/s achieved, p50 ${atHalf.p50ms} ms, p99 ${atHalf.p99ms} ms, non-2xx ${atHalf.non2xx} |`,
    )
    const cores = (c: typeof max.cores) =>
      `collector main thread ${c.collectorMain}, its other threads ${c.collectorOtherThreads}, PostgreSQL backends ${c.postgres}, load generator ${c.loadGenerator}`
    console.log(`| cores used at max | ${cores(max.cores)} |`)
    console.log(`| cores used at 50 % | ${cores(atHalf.cores)} |`)
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
