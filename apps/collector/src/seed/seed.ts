import { SingleBar } from 'cli-progress'
import type { Sql } from 'postgres'
import { copyRows } from '../db/copy.js'
import { ensurePartitions } from '../db/partitions.js'
import { createSite } from '../db/sites.js'
import { type SessionDelta, upsertSummaries } from '../ingest/summary.js'
import { generateSession, type SessionRows } from './generate.js'
import { createRandom } from './random.js'

export interface SeedOptions {
  sessions: number
  /** Sessions start uniformly over the last `days` days. */
  days: number
  /** Seed into this site; by default a "Seed shop" site (company "Seed company") is created or reused. */
  siteId?: string
  /** PRNG seed: the same value gives the same data (and the same session ids). Default: a random one. */
  randomSeed?: number
  /** 'bar' draws a progress bar on stderr, 'lines' prints a line every 10 %, 'none' is silent. */
  progress?: 'bar' | 'lines' | 'none'
}

export interface SeedResult {
  siteId: string
  sessions: number
  events: number
  /** Signals derived by the SQL rules (sightline_derive_signals) from the generated rows. */
  derivedSignals: number
  ms: number
  /** Where the time went: generating rows in JS, COPY, the SQL signal rules, the summaries. */
  phasesMs: { generate: number; copy: number; derive: number; summaries: number }
}

const SESSIONS_PER_CHUNK = 250

async function seedSite(sql: Sql): Promise<string> {
  const [existing] = await sql<
    { id: string }[]
  >`select id from sites where name = 'Seed shop' order by created_at limit 1`
  if (existing) return existing.id
  return (
    await createSite(sql, {
      name: 'Seed shop',
      companyName: 'Seed company',
      origins: ['https://shop.example'],
    })
  ).siteId
}

async function createTestRuns(
  sql: Sql,
  siteId: string,
  rnd: ReturnType<typeof createRandom>,
): Promise<string[]> {
  const [site] = await sql<{ companyId: string }[]>`select company_id from sites where id = ${siteId}`
  const personas = [
    {
      name: 'Tech-Savvy Developer',
      age: 32,
      techLiteracy: 'expert',
      goals: ['Find technical bugs', 'Test edge cases'],
    },
    { name: 'Hurried Shopper', age: 45, techLiteracy: 'basic', goals: ['Buy a gift quickly'] },
    {
      name: 'Screen-reader User',
      age: 61,
      techLiteracy: 'intermediate',
      goals: ['Complete checkout'],
      accessibility: { screenReader: true },
    },
  ]
  const ids: string[] = []
  for (const [i, persona] of personas.entries()) {
    const cost = Math.round(rnd.next() * 100) / 1000
    const [row] = await sql<{ id: string }[]>`
      insert into test_runs (company_id, site_id, name, status, persona, platform_details, test_config, ai_metadata)
      values (${site!.companyId}, ${siteId}, ${`Seeded run ${i + 1}`}, 'passed', ${sql.json(persona)},
              ${sql.json({ browser: 'Chromium', version: '156', os: 'Linux', viewport: { width: 1280, height: 720 } })},
              ${sql.json({ viewport: { width: 1280, height: 720 }, networkSpeed: '4g', timeout: 30_000 })},
              ${sql.json({ phase: 'phase1', models: { strategy: { name: 'gpt-4o-mini', cost } }, totalCost: cost, tokensUsed: rnd.int(500, 5000) })})
      returning id`
    ids.push(row!.id)
  }
  return ids
}

/** Fills every session-recording table with realistic generated sessions, via COPY, in chunks. */
export async function runSeed(sql: Sql, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now()
  // A fresh seed per run unless one is given: the same seed twice would make the same session ids.
  const rnd = createRandom(options.randomSeed ?? Math.floor(Math.random() * 2 ** 31))
  const siteId = options.siteId ?? (await seedSite(sql))
  await ensurePartitions(sql, options.days, 1)
  const testRuns = await createTestRuns(sql, siteId, rnd)
  const now = Date.now()
  const windowMs = options.days * 86_400_000 - 3 * 3_600_000
  // Start times in order, so each chunk covers a short stretch of time: the signal rules then read
  // one or two daily partitions per chunk.
  const starts = Array.from(
    { length: options.sessions },
    () => now - windowMs + Math.floor(rnd.next() * (windowMs - 3_600_000)),
  ).sort((a, b) => a - b)
  const bar =
    options.progress === 'bar'
      ? new SingleBar({
          format: 'seeding [{bar}] {percentage}% | {value}/{total} sessions | {events} events | ETA {eta}s',
        })
      : null
  bar?.start(options.sessions, 0, { events: 0 })
  let events = 0
  let derivedSignals = 0
  const phasesMs = { generate: 0, copy: 0, derive: 0, summaries: 0 }
  let mark = performance.now()
  const lap = (phase: keyof typeof phasesMs) => {
    const now = performance.now()
    phasesMs[phase] += now - mark
    mark = now
  }
  let lastReported = 0
  for (let done = 0; done < options.sessions; ) {
    const n = Math.min(SESSIONS_PER_CHUNK, options.sessions - done)
    const sessions: Record<string, unknown>[] = []
    const tables: SessionRows = { ingested_batches: [] }
    const summaries = new Map<string, SessionDelta>()
    const derive: Record<string, unknown>[] = []
    for (let i = 0; i < n; i++) {
      const automated = rnd.chance(0.1)
      const { session, rows, batches, summary, mayThrash } = generateSession({
        rnd,
        siteId,
        startMs: starts[done + i]!,
        actor: automated ? 'automation' : 'human',
        testRunId: automated ? rnd.pick(testRuns) : null,
      })
      sessions.push(session)
      summaries.set(summary.id, summary)
      for (const [table, list] of Object.entries(rows)) {
        const target = tables[table] ?? []
        tables[table] = target
        for (const row of list) target.push(row)
        events += list.length
      }
      for (const b of batches) tables.ingested_batches!.push(b)
      // The whole session (b: null) through every rule it can trigger, with the collector's pre-checks.
      const rage = 'rage_click_incidents' in rows
      derive.push({
        s: session.id,
        b: null,
        tab: null,
        f: session.started_at,
        t: session.last_seen_at,
        click: rage || summary.failed_request_count > 0,
        failed: summary.failed_request_count > 0,
        pageview: summary.page_views >= 3,
        scroll: (rows.scroll_events?.length ?? 0) >= 6,
        abandon: rows.form_interactions?.some((r) => r.action === 'abandon') ?? false,
        rage,
        mouse: mayThrash,
      })
    }
    lap('generate')
    await sql.begin(async (tx) => {
      await copyRows(tx as unknown as Sql, 'user_sessions', Object.keys(sessions[0]!), sessions)
      for (const [table, list] of Object.entries(tables)) {
        const columns = [...new Set(list.flatMap((r) => Object.keys(r)))]
        await copyRows(tx as unknown as Sql, table, columns, list)
      }
      lap('copy')
      const derived = await tx<{ userSessionId: string; kind: string }[]>`
        select user_session_id, kind from sightline_derive_signals(${tx.json(derive as never)})`
      for (const { userSessionId, kind } of derived) {
        const d = summaries.get(userSessionId)!
        d.signals[kind] = (d.signals[kind] ?? 0) + 1
        d.counts.frustration_signals = (d.counts.frustration_signals ?? 0) + 1
        d.signal_count++
      }
      derivedSignals += derived.length
      lap('derive')
      await upsertSummaries(
        tx,
        [...summaries.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      )
    })
    lap('summaries')
    done += n
    bar?.update(done, { events })
    if (
      options.progress === 'lines' &&
      (done - lastReported >= options.sessions / 10 || done === options.sessions)
    ) {
      lastReported = done
      process.stderr.write(`seeding: ${done}/${options.sessions} sessions, ${events} events\n`)
    }
  }
  bar?.stop()
  return {
    siteId,
    sessions: options.sessions,
    events,
    derivedSignals,
    ms: Math.round(performance.now() - started),
    phasesMs: {
      generate: Math.round(phasesMs.generate),
      copy: Math.round(phasesMs.copy),
      derive: Math.round(phasesMs.derive),
      summaries: Math.round(phasesMs.summaries),
    },
  }
}
