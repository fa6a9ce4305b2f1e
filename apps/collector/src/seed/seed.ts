import { SingleBar } from 'cli-progress'
import type { Sql } from 'postgres'
import { copyRows } from '../db/copy.js'
import { ensurePartitions } from '../db/partitions.js'
import { createSite } from '../db/sites.js'
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
  ms: number
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
  const bar =
    options.progress === 'bar'
      ? new SingleBar({
          format: 'seeding [{bar}] {percentage}% | {value}/{total} sessions | {events} events | ETA {eta}s',
        })
      : null
  bar?.start(options.sessions, 0, { events: 0 })
  let events = 0
  let lastReported = 0
  for (let done = 0; done < options.sessions; ) {
    const n = Math.min(SESSIONS_PER_CHUNK, options.sessions - done)
    const sessions: Record<string, unknown>[] = []
    const tables: SessionRows = {}
    for (let i = 0; i < n; i++) {
      const automated = rnd.chance(0.1)
      const { session, rows } = generateSession({
        rnd,
        siteId,
        startMs: now - windowMs + Math.floor(rnd.next() * (windowMs - 3_600_000)),
        actor: automated ? 'automation' : 'human',
        testRunId: automated ? rnd.pick(testRuns) : null,
      })
      sessions.push(session)
      for (const [table, list] of Object.entries(rows)) {
        const target = tables[table] ?? []
        tables[table] = target
        for (const row of list) target.push(row)
        events += list.length
      }
    }
    await sql.begin(async (tx) => {
      await copyRows(tx as unknown as Sql, 'user_sessions', Object.keys(sessions[0]!), sessions)
      for (const [table, list] of Object.entries(tables)) {
        const columns = [...new Set(list.flatMap((r) => Object.keys(r)))]
        await copyRows(tx as unknown as Sql, table, columns, list)
      }
    })
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
  return { siteId, sessions: options.sessions, events, ms: Math.round(performance.now() - started) }
}
