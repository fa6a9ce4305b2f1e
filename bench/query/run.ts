/**
 * bench/query: latency of the read API on a seeded database of 100,000 sessions (≈ 9 M events).
 * The collector runs as `sightline start` in its own process; this process sends one request at a time
 * over HTTP (keep-alive) and reports p50/p95/p99 per scenario. Target (issue 6): p95 ≤ 50 ms for the
 * session list, a session summary, a session timeline and the signal aggregates of a week of one site.
 *
 *   pnpm bench:query                       # fresh database: migrate, `sightline seed`, VACUUM ANALYZE, measure
 *   pnpm bench:query --reuse               # measure an already seeded database again
 *   BENCH_SESSIONS=10000 BENCH_REQUESTS=100 pnpm bench:query
 *
 * DATABASE_URL names the server (default the local PostgreSQL 15); the database is BENCH_DB
 * (default sightline_bench_query). Results: bench/results/query.json.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createSql } from '../../apps/collector/src/db/connect.js'
import { createCompanyKey } from '../../apps/collector/src/db/sites.js'

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200)
const WARMUP = 20
const TARGET_MS = 50
const DB = process.env.BENCH_DB ?? 'sightline_bench_query'
const REUSE = process.argv.includes('--reuse')
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const root = fileURLToPath(new URL('../../', import.meta.url))

function dbUrl(name: string) {
  const u = new URL(base)
  u.pathname = `/${name}`
  return u.toString()
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' })
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`)),
    )
  })
}

async function seed(): Promise<void> {
  const admin = createSql(base, { max: 1 })
  await admin.unsafe(`drop database if exists ${DB} with (force)`)
  await admin.unsafe(`create database ${DB}`)
  await admin.end()
  const started = performance.now()
  const cli = ['--import', 'tsx', 'apps/collector/src/cli.ts']
  await run(process.execPath, [...cli, 'seed', '--sessions', String(SESSIONS), '--days', '7'], {
    DATABASE_URL: dbUrl(DB),
  })
  process.stderr.write(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
}

async function startCollector(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/cli.ts', 'start'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: dbUrl(DB), PORT: '0', LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '10' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const m = /listening on (http:\/\/[^\s]+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`collector exited with ${code}`)))
  })
  return { child, url }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

interface Scenario {
  name: string
  /** The issue's target applies (p95 ≤ 50 ms). */
  target: boolean
  /** The path of the i-th request. */
  path: (i: number) => string
  requests?: number
}

async function measure(url: string, key: string, s: Scenario) {
  const n = s.requests ?? REQUESTS
  const once = async (i: number) => {
    const t0 = performance.now()
    const res = await fetch(url + s.path(i), { headers: { authorization: `Bearer ${key}` } })
    const body = await res.text()
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`${s.path(i)}: ${res.status} ${body.slice(0, 200)}`)
    return { ms, bytes: body.length }
  }
  for (let i = 0; i < Math.min(WARMUP, n); i++) await once(i)
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i < n; i++) {
    const r = await once(i + WARMUP)
    times.push(r.ms)
    bytes += r.bytes
  }
  times.sort((a, b) => a - b)
  const round = (x: number) => Math.round(x * 10) / 10
  return {
    name: s.name,
    target: s.target ? `p95 <= ${TARGET_MS} ms` : null,
    requests: n,
    p50ms: round(percentile(times, 50)),
    p95ms: round(percentile(times, 95)),
    p99ms: round(percentile(times, 99)),
    maxMs: round(times.at(-1)!),
    meanBytes: Math.round(bytes / n),
    met: s.target ? percentile(times, 95) <= TARGET_MS : null,
  }
}

async function main() {
  if (!REUSE) await seed()
  const sql = createSql(dbUrl(DB), { max: 2 })
  const [{ n: sessions } = { n: 0 }] = await sql<
    { n: number }[]
  >`select count(*)::int as n from user_sessions`
  if (!sessions) throw new Error(`database ${DB} has no sessions: run without --reuse to seed it`)
  process.stderr.write('vacuum analyze…\n')
  await sql.unsafe('vacuum analyze')
  const [dataset] = await sql<{ events: number; signals: number; summaries: number }[]>`
    select (select sum(event_count)::int from session_summaries) as events,
           (select count(*)::int from frustration_signals) as signals,
           (select count(*)::int from session_summaries) as summaries`
  const [site] = await sql<
    { id: string }[]
  >`select id from sites where name = 'Seed shop' order by created_at limit 1`
  const key = await createCompanyKey(sql, { company: 'Seed company', kind: 'read', label: 'bench:query' })
  if (!site || !key)
    throw new Error('no "Seed shop" site / "Seed company": was the database seeded by sightline seed?')
  const ids = (
    await sql<{ id: string }[]>`select id from user_sessions order by random() limit ${REQUESTS + WARMUP}`
  ).map((r) => r.id)
  const [version] = await sql<{ v: string }[]>`select version() as v`
  const { child, url } = await startCollector()
  const loadBefore = loadavg()
  try {
    // A cursor five pages deep, and a week that ends now.
    let cursor = ''
    for (let page = 0; page < 4; page++) {
      const res = await fetch(`${url}/v1/sessions?site=${site.id}${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${key.secret}` },
      })
      cursor = ((await res.json()) as { nextCursor: string }).nextCursor
    }
    const to = new Date().toISOString()
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString()
    const sessionOf = (i: number) => ids[i % ids.length]!
    const scenarios: Scenario[] = [
      {
        name: 'session list, first page (one site)',
        target: true,
        path: () => `/v1/sessions?site=${site.id}`,
      },
      {
        name: 'session list, filtered (human, with a rage click)',
        target: true,
        path: () => `/v1/sessions?site=${site.id}&actor=human&signal=rage_click`,
      },
      {
        name: 'session list, 5th page (cursor)',
        target: true,
        path: () => `/v1/sessions?site=${site.id}&cursor=${cursor}`,
      },
      { name: 'session summary', target: true, path: (i) => `/v1/sessions/${sessionOf(i)}` },
      {
        name: 'session timeline, first page',
        target: true,
        path: (i) => `/v1/sessions/${sessionOf(i)}/events`,
      },
      {
        name: 'signal aggregates, a week, one site',
        target: true,
        path: () => `/v1/signals?site=${site.id}&from=${from}&to=${to}`,
      },
      { name: 'session list, no site filter', target: false, path: () => '/v1/sessions' },
      {
        name: 'session list, URL contains "checkout"',
        target: false,
        path: () => `/v1/sessions?site=${site.id}&url=checkout`,
      },
      { name: 'session replay', target: false, path: (i) => `/v1/sessions/${sessionOf(i)}/replay` },
      { name: 'test runs', target: false, path: () => '/v1/test-runs' },
      {
        name: 'web vitals p75, a week, one site',
        target: false,
        path: () => `/v1/vitals?site=${site.id}&from=${from}&to=${to}`,
        requests: 5,
      },
    ]
    const results = []
    for (const s of scenarios) {
      const r = await measure(url, key.secret, s)
      process.stderr.write(`${r.name}: p50 ${r.p50ms} ms, p95 ${r.p95ms} ms\n`)
      results.push(r)
    }
    const report = {
      date: new Date().toISOString(),
      machine: {
        cores: (await import('node:os')).cpus().length,
        node: process.version,
        loadAverage: { before: loadBefore, after: loadavg() },
      },
      database: version!.v,
      dataset: { sessions, ...dataset },
      requestsPerScenario: REQUESTS,
      warmup: WARMUP,
      results,
    }
    writeFileSync(new URL('../results/query.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`)
    const rows = results.map(
      (r) =>
        `| ${r.name} | ${r.p50ms} | ${r.p95ms} | ${r.p99ms} | ${r.target ? (r.met ? 'met' : '**missed**') : '—'} |`,
    )
    process.stdout.write(
      `${[
        '| Request | p50 ms | p95 ms | p99 ms | p95 ≤ 50 ms |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n')}\n`,
    )
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    await sql.end()
  }
}

await main()
