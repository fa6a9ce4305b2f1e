import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, makeBatch } from './ingestHelpers.js'
import { bearer, createQueryFixture, ingest, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
beforeAll(async () => {
  f = await createQueryFixture()
})
afterAll(() => f.drop())

const signals = async (query = '') =>
  json(await f.app.request(`/v1/signals${query}`, { headers: bearer(f.A.readKey) }))

const byKey = <T extends Record<string, unknown>>(rows: T[]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

/** The aggregates computed from the raw rows of A's site, as the rollups must give them. */
async function fromRawRows(kind?: string) {
  const sql = f.db.sql
  const where = sql`site_id = ${f.A.siteId} ${kind ? sql`and kind = ${kind}` : sql``}`
  const [bySelector, byPage, trend] = await Promise.all([
    sql`select selector, kind, count(*)::int as count, count(distinct user_session_id)::int as sessions
        from frustration_signals where ${where} group by 1, 2`,
    sql`select page_url, count(*)::int as count, count(distinct user_session_id)::int as sessions
        from frustration_signals where ${where} group by 1`,
    sql`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, kind, count(*)::int as count
        from frustration_signals where ${where} group by 1, 2`,
  ])
  return { bySelector: byKey([...bySelector]), byPage: byKey([...byPage]), trend: byKey([...trend]) }
}

async function signal(sessionId: string, seq: number, selector: string, startedAt = f.t0) {
  const t = Date.now() - 500
  await ingest(
    f.app,
    f.A.siteKey,
    makeBatch({ sessionId, seq, batchId: randomUUID(), session: { startedAt, actor: 'human' } }, [
      { type: 'signal', t, kind: 'dead_click', reason: 'covered', selector, rule: 'dead-1' },
    ]),
  )
}

describe('GET /v1/signals aggregates (signal_rollups)', () => {
  it('should equal the counts of the raw rows, for every kind and for all kinds', async () => {
    const all = await signals()
    const raw = await fromRawRows()
    expect(raw.bySelector.length).toBeGreaterThanOrEqual(2)
    expect(byKey(all.bySelector)).toEqual(raw.bySelector)
    expect(byKey(all.byPage)).toEqual(raw.byPage)
    expect(byKey(all.trend)).toEqual(raw.trend)
    for (const kind of ['dead_click', 'rage_click']) {
      const one = await signals(`?kind=${kind}`)
      const rawOne = await fromRawRows(kind)
      expect([kind, byKey(one.bySelector), byKey(one.byPage)]).toEqual([
        kind,
        rawOne.bySelector,
        rawOne.byPage,
      ])
    }
  })

  it('should count a session once per group and day, however many of its signals arrive later', async () => {
    const group = (r: { selector: string; kind: string }) =>
      r.selector === 'a#later' && r.kind === 'dead_click'
    await signal(f.sessions.human, 1, 'a#later')
    expect((await signals()).bySelector.filter(group)).toEqual([
      { selector: 'a#later', kind: 'dead_click', count: 1, sessions: 1 },
    ])
    await signal(f.sessions.human, 2, 'a#later') // same session, a later statement
    expect((await signals()).bySelector.filter(group)).toEqual([
      { selector: 'a#later', kind: 'dead_click', count: 2, sessions: 1 },
    ])
    await signal(randomUUID(), 0, 'a#later', Date.now() - 2_000) // another session
    expect((await signals()).bySelector.filter(group)).toEqual([
      { selector: 'a#later', kind: 'dead_click', count: 3, sessions: 2 },
    ])
    const raw = await fromRawRows()
    expect(byKey((await signals()).byPage)).toEqual(raw.byPage)
  })

  it('should list signals of the exact range but count whole UTC days', async () => {
    // after the human session's first signals, around the automated session's (t0 + 1000…)
    const from = new Date(f.t0 + 500).toISOString()
    const to = new Date(f.t0 + 1500).toISOString()
    const body = await signals(`?from=${from}&to=${to}`)
    expect(body.signals.length).toBeGreaterThan(0)
    expect(body.signals.some((s: { sessionId: string }) => s.sessionId === f.sessions.human)).toBe(false)
    expect(body.bySelector).toContainEqual(
      expect.objectContaining({ selector: 'button#buy', kind: 'dead_click' }),
    )
  })
})

describe('GET /v1/sessions/{id}/signals', () => {
  const get = (id: string, key = f.A.readKey) =>
    f.app.request(`/v1/sessions/${id}/signals`, { headers: bearer(key) })

  it("should list the session's signals, the SDK's and the derived ones, in time order, as stored", async () => {
    const id = f.sessions.human
    const res = await get(id)
    expect(res.status).toBe(200)
    const body = await json(res)
    const rows = await f.db.sql<{ kind: string; selector: string | null; ruleVersion: string }[]>`
      select kind, selector, rule_version from frustration_signals where user_session_id = ${id}
      order by occurred_at, batch_id, event_index`
    expect(rows.length).toBeGreaterThanOrEqual(2)
    expect(body.signals.map((s: { kind: string }) => s.kind)).toEqual(rows.map((r) => r.kind))
    // One event of every kind: the SDK's dead click and the click followed by a 404, derived at ingest.
    expect(body.signals.map((s: { kind: string }) => s.kind)).toEqual(
      expect.arrayContaining(['dead_click', 'failed_request_click']),
    )
    expect(body.signals.find((s: { kind: string }) => s.kind === 'failed_request_click')).toMatchObject({
      sessionId: id,
      reason: 'http_4xx',
      selector: 'button#buy',
      ruleVersion: 'failed-request-1',
    })
    const times = body.signals.map((s: { at: string }) => Date.parse(s.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it("should answer 404 for another company's session and for an unknown one, 400 for a malformed id", async () => {
    expect((await get(f.sessions.B)).status).toBe(404)
    expect((await get(f.sessions.human, f.B.readKey)).status).toBe(404)
    expect((await get(randomUUID())).status).toBe(404)
    const bad = await get('not-a-uuid')
    expect(bad.status).toBe(400)
    expect((await json(bad)).error.code).toBeDefined()
  })
})
