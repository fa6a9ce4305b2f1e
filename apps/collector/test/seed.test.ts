import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSeed, type SeedResult } from '../src/seed/seed.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

/** `sightline seed` must give the query benchmark and demos every signal kind and exact summaries. */
let db: TestDatabase
let result: SeedResult
beforeAll(async () => {
  db = await createMigratedDatabase()
  result = await runSeed(db.sql, { sessions: 300, days: 2, randomSeed: 42, progress: 'none' })
})
afterAll(() => db.drop())

const KINDS = {
  dead_click: 'dead-1',
  error_click: 'error-1',
  rage_click: 'rage-1',
  failed_request_click: 'failed-request-1',
  quick_back: 'quick-back-1',
  excessive_scrolling: 'scroll-1',
  form_abandonment: 'form-abandon-1',
  mouse_thrashing: 'thrash-1',
}

describe('seed', () => {
  it('should store every signal kind, with the rule that derives it, in a minority of sessions each', async () => {
    const rows = await db.sql<{ kind: string; ruleVersion: string; sessions: number }[]>`
      select kind, rule_version, count(distinct user_session_id)::int as sessions
      from frustration_signals group by kind, rule_version order by kind`
    expect(rows.map((r) => [r.kind, r.ruleVersion]).sort()).toEqual(Object.entries(KINDS).sort())
    for (const r of rows) {
      expect(r.sessions).toBeGreaterThan(0)
      expect({ kind: r.kind, most: r.sessions < 300 * 0.6 }).toEqual({ kind: r.kind, most: true })
    }
    const [derived] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from frustration_signals
      where rule_version in ('failed-request-1', 'quick-back-1', 'scroll-1', 'form-abandon-1', 'thrash-1')
         or kind = 'rage_click'`
    expect(result.derivedSignals).toBe(derived!.n)
  })

  it('should give every session a summary equal to the one recomputed from its rows, calm sessions included', async () => {
    const [row] = await db.sql<
      { sessions: number; summaries: number; same: number; calm: number; events: number }[]
    >`
      select (select count(*)::int from user_sessions) as sessions,
             count(*)::int as summaries,
             count(*) filter (where (to_jsonb(s) - 'duration_ms' - 'updated_at') = to_jsonb(r))::int as same,
             count(*) filter (where s.signal_count = 0)::int as calm,
             sum(s.event_count)::int as events
      from session_summaries s, sightline_session_summary_of(s.user_session_id) r`
    expect(row).toEqual({ sessions: 300, summaries: 300, same: 300, calm: row!.calm, events: result.events })
    expect(row!.calm).toBeGreaterThan(0)
  })

  it('should have derived exactly what a full re-run of the rules finds', async () => {
    const [row] = await db.sql<{ added: number }[]>`
      select sum(sightline_derive_session_signals(id))::int as added
      from (select id from user_sessions order by id limit 60) s`
    expect(row!.added).toBe(0)
  })
})
