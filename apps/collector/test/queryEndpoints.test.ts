import { randomUUID } from 'node:crypto'
import { TIMELINE_KINDS } from '@sightline/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { everyKind, json } from './ingestHelpers.js'
import { bearer, createQueryFixture, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
beforeAll(async () => {
  f = await createQueryFixture()
})
afterAll(() => f.drop())

const get = async (path: string, key: string = f.A.readKey) => {
  const res = await f.app.request(path, { headers: bearer(key) })
  return { status: res.status, body: await json(res) }
}

/** Follows nextCursor from `path` (with its own query) until the last page; returns every item. */
async function walk<T>(path: string, field: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const sep = path.includes('?') ? '&' : '?'
    const { status, body } = await get(cursor ? `${path}${sep}cursor=${cursor}` : path)
    expect(status).toBe(200)
    items.push(...body[field])
    cursor = body.nextCursor
    pages++
  } while (cursor && pages < 100)
  return { items, pages }
}

describe('GET /v1/sites', () => {
  it("should list the key's company's sites only", async () => {
    expect((await get('/v1/sites')).body).toEqual({
      sites: [{ id: f.A.siteId, name: 'company A', origins: ['https://shop.example'] }],
    })
  })
})

describe('GET /v1/sessions', () => {
  const ids = async (query: string) =>
    (await get(`/v1/sessions${query}`)).body.sessions.map((s: { id: string }) => s.id)

  it('should list sessions newest first with their summaries', async () => {
    const { status, body } = await get('/v1/sessions')
    expect(status).toBe(200)
    expect(body.sessions.map((s: { id: string }) => s.id)).toEqual([f.sessions.auto, f.sessions.human])
    expect(body.nextCursor).toBeNull()
    const human = body.sessions[1]
    expect(human).toMatchObject({
      siteId: f.A.siteId,
      testRunId: null,
      actor: 'human',
      startedAt: new Date(f.t0).toISOString(),
      pageViews: 1,
      errorCount: 1,
      failedRequestCount: 1,
      consoleErrorCount: 0,
      vitals: { LCP: 1234, INP: null, CLS: null, FCP: null, TTFB: null },
      userAgent: expect.stringContaining('Chrome/156'),
    })
    expect(human.counts).toMatchObject({ click_events: 1, page_views: 1, network_requests: 1 })
    expect(human.signals.dead_click).toBe(1)
    expect(human.durationMs).toBe(new Date(human.lastSeenAt).getTime() - f.t0)
    expect(body.sessions[0]).toMatchObject({ actor: 'automation', testRunId: f.testRuns.A })
    expect(body.sessions[0].signals.rage_click).toBeGreaterThanOrEqual(1)
  })

  it('should filter by actor, signal kind, test run, site, time and URL', async () => {
    expect(await ids('?actor=human')).toEqual([f.sessions.human])
    expect(await ids('?actor=automation')).toEqual([f.sessions.auto])
    expect(await ids(`?testRun=${f.testRuns.A}`)).toEqual([f.sessions.auto])
    expect(await ids('?signal=dead_click')).toEqual([f.sessions.human])
    expect(await ids('?signal=quick_back')).toEqual([])
    expect(await ids(`?site=${f.A.siteId}`)).toEqual([f.sessions.auto, f.sessions.human])
    expect(await ids(`?site=${f.B.siteId}`)).toEqual([])
    expect(await ids(`?from=${new Date(f.t0 + 500).toISOString()}`)).toEqual([f.sessions.auto])
    expect(await ids(`?to=${new Date(f.t0 + 500).toISOString()}`)).toEqual([f.sessions.human])
    // page views: the human session viewed /cart (SPA), the automated one /checkout; case-insensitive
    expect(await ids('?url=CHECKOUT')).toEqual([f.sessions.auto])
    expect(await ids('?url=%2Fcart')).toEqual([f.sessions.human])
    expect(await ids('?url=nowhere')).toEqual([])
  })

  it('should page with a cursor, completely and without repeats', async () => {
    const { items, pages } = await walk<{ id: string }>('/v1/sessions?limit=1', 'sessions')
    expect(pages).toBe(2)
    expect(items.map((s) => s.id)).toEqual([f.sessions.auto, f.sessions.human])
  })

  it('should refuse bad parameters with a 400 naming the parameter', async () => {
    for (const [query, parameter] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?signal=angry', 'signal'],
      ['?actor=robot', 'actor'],
      ['?site=42', 'site'],
      ['?from=yesterday', 'from'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?lmit=5', 'lmit'],
    ] as const) {
      const { status, body } = await get(`/v1/sessions${query}`)
      expect([query, status, body.error.code, body.error.details.parameter]).toEqual([
        query,
        400,
        'invalid_parameter',
        parameter,
      ])
      expect(body.error.message).toContain(parameter)
    }
  })

  it('should answer one session with its platform details and identity', async () => {
    const { status, body } = await get(`/v1/sessions/${f.sessions.human}`)
    expect(status).toBe(200)
    expect(body.session).toMatchObject({
      id: f.sessions.human,
      identifiedId: 'user-42',
      traits: { plan: 'pro' },
      platformDetails: { viewport: { width: 1280, height: 720 } },
    })
    expect((await get(`/v1/sessions/${randomUUID()}`)).status).toBe(404)
    const bad = await get('/v1/sessions/not-a-uuid')
    expect([bad.status, bad.body.error.details.parameter]).toEqual([400, 'id'])
  })
})

describe('GET /v1/sessions/:id/events', () => {
  it('should merge every kind into one timeline in time order, with camelCase data', async () => {
    const { status, body } = await get(`/v1/sessions/${f.sessions.human}/events`)
    expect(status).toBe(200)
    const events = body.events as { kind: string; t: number; at: string; data: Record<string, unknown> }[]
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(TIMELINE_KINDS))
    // everyKind() sends kind after kind 1 ms apart: the timeline follows that order
    const sent = everyKind(f.t0).map((e) => e.t)
    expect(events.map((e) => e.t)).toEqual([...events.map((e) => e.t)].sort((a, b) => a - b))
    expect(events[0]!.t).toBe(sent[0])
    for (const e of events) expect(e.at).toBe(new Date(e.t).toISOString())
    const click = events.find((e) => e.kind === 'click')!
    expect(click.data).toMatchObject({ selector: 'button#buy', accessibleName: 'Buy', isDead: false, x: 10 })
    for (const e of events) for (const k of Object.keys(e.data)) expect(k).not.toContain('_')
    expect(events.find((e) => e.kind === 'custom')!.data).toEqual({
      name: 'coupon_applied',
      props: { code: 'SPRING' },
    })
  })

  it('should page with a cursor through events that share a time, a batch and an index', async () => {
    // Rows written directly: same millisecond with different microseconds, the same µs twice in two
    // tables with the same (batch_id, event_index), and an identical time in a third table.
    const at = new Date(f.t0 + 100).toISOString().replace('Z', '')
    const batch = randomUUID()
    const sql = f.db.sql
    const before = (await get(`/v1/sessions/${f.sessions.human}/events?limit=1000`)).body.events.length
    const row = (table: string, us: string, index: number, extra: string) =>
      sql.unsafe(
        `insert into ${table} (user_session_id, site_id, occurred_at, batch_id, event_index, tab_id, ${extra})
         values ($1, $2, $3::text::timestamptz, $4, $5, 'tab9', $6, $7)`,
        [
          f.sessions.human,
          f.A.siteId,
          `${at}${us}Z`,
          batch,
          index,
          ...(table === 'custom_events' ? [`tie-${index}`, null] : ['info', 'tie']),
        ],
      )
    // (a text parameter: a timestamptz one would go through a JS Date and lose the microseconds)
    await row('custom_events', '000001', 0, 'name, props')
    await row('custom_events', '000002', 1, 'name, props')
    await row('custom_events', '000002', 2, 'name, props')
    await row('custom_events', '999999', 3, 'name, props')
    await row('console_logs', '000002', 2, 'level, message')
    const whole = (await get(`/v1/sessions/${f.sessions.human}/events?limit=1000`)).body.events
    expect(whole.length).toBe(before + 5)
    for (const limit of [1, 2, 7]) {
      const { items, pages } = await walk(`/v1/sessions/${f.sessions.human}/events?limit=${limit}`, 'events')
      expect([limit, items]).toEqual([limit, whole])
      expect(pages).toBe(Math.ceil(whole.length / limit))
    }
    const ties = whole.filter((e: { tabId: string }) => e.tabId === 'tab9')
    expect(ties.map((e: { kind: string; data: { name?: string } }) => e.data.name ?? e.kind)).toEqual([
      'tie-0',
      'tie-1',
      'console', // same time, batch and index as tie-2: the kind breaks the tie, 'console' < 'custom'
      'tie-2',
      'tie-3',
    ])
  })

  it('should refuse a cursor of another endpoint and a limit out of range', async () => {
    const cursor = (await get('/v1/sessions?limit=1')).body.nextCursor
    const res = await get(`/v1/sessions/${f.sessions.human}/events?cursor=${cursor}`)
    expect([res.status, res.body.error.details.parameter]).toEqual([400, 'cursor'])
    expect((await get(`/v1/sessions/${f.sessions.human}/events?limit=1001`)).status).toBe(400)
  })
})

describe('GET /v1/sessions/:id/replay', () => {
  it('should answer the stored segments decompressed, records as they were sent', async () => {
    const { status, body } = await get(`/v1/sessions/${f.sessions.human}/replay`)
    expect(status).toBe(200)
    const sent = everyKind(f.t0).find((e) => e.type === 'replay') as { records: unknown[] }
    expect(body).toEqual({
      segments: [
        {
          tabId: 'tab1',
          at: new Date(f.t0).toISOString(),
          endedAt: new Date(f.t0 + 1).toISOString(),
          segmentIndex: 0,
          hasFullSnapshot: true,
          events: sent.records,
        },
      ],
    })
    expect((await get(`/v1/sessions/${f.sessions.auto}/replay`)).body).toEqual({ segments: [] })
  })
})

describe('GET /v1/signals', () => {
  it("should list the company's signals with counts by selector, page and day", async () => {
    const { status, body } = await get('/v1/signals')
    expect(status).toBe(200)
    const sessions = new Set(body.signals.map((s: { sessionId: string }) => s.sessionId))
    expect(sessions).toEqual(new Set([f.sessions.human, f.sessions.auto]))
    expect(body.signals).toContainEqual({
      sessionId: f.sessions.human,
      kind: 'dead_click',
      reason: 'disabled',
      selector: 'button#buy',
      pageUrl: 'https://shop.example/',
      at: new Date(f.t0 + 12).toISOString(),
      evidence: { windowMs: 1000 },
      ruleVersion: 'dead-1',
    })
    // B sent the very same rage click on button#pay: A's count stays 1
    expect(body.bySelector).toContainEqual({
      selector: 'button#pay',
      kind: 'rage_click',
      count: 1,
      sessions: 1,
    })
    const total = body.signals.length
    expect(body.byPage.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(total)
    expect(body.trend.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(total)
    expect(body.trend[0].day).toBe(new Date(f.t0).toISOString().slice(0, 10))
  })

  it('should filter by kind and time range', async () => {
    const dead = (await get('/v1/signals?kind=dead_click')).body
    expect(dead.signals.map((s: { kind: string }) => s.kind)).toEqual(['dead_click'])
    const old = (await get('/v1/signals?from=2020-01-01&to=2020-01-02')).body
    expect(old).toEqual({ signals: [], bySelector: [], byPage: [], trend: [] })
    const res = await get('/v1/signals?from=2026-01-02&to=2026-01-01')
    expect([res.status, res.body.error.details.parameter]).toEqual([400, 'from'])
  })
})

describe('GET /v1/vitals', () => {
  it("should answer the 75th percentile per page from the company's measurements only", async () => {
    const { body } = await get('/v1/vitals')
    // A measured LCP 100, 200, 300, 400 on /vitals (so did B): percentile_cont(0.75) = 325
    expect(body.pages).toContainEqual({
      pageUrl: 'https://shop.example/vitals',
      samples: 4,
      p75: { LCP: 325, INP: null, CLS: null, FCP: null, TTFB: null },
    })
    expect(body.pages).toContainEqual({
      pageUrl: 'https://shop.example/',
      samples: 1,
      p75: { LCP: 1234, INP: null, CLS: null, FCP: null, TTFB: null },
    })
  })
})

describe('GET /v1/test-runs', () => {
  it('should list the company’s test runs with their session counts', async () => {
    const { body } = await get('/v1/test-runs')
    expect(body).toMatchObject({
      testRuns: [{ id: f.testRuns.A, name: 'A run', status: 'running', sessionCount: 1 }],
      nextCursor: null,
    })
    expect(body.testRuns[0].persona).toMatchObject({ name: 'Hurried Shopper' })
  })

  it('should answer one test run with its sessions and steps', async () => {
    const { status, body } = await get(`/v1/test-runs/${f.testRuns.A}`)
    expect(status).toBe(200)
    expect(body.testRun).toMatchObject({ id: f.testRuns.A, name: 'A run', aiMetadata: { totalCost: 0.01 } })
    expect(body.sessions.map((s: { id: string }) => s.id)).toEqual([f.sessions.auto])
    expect(body.steps).toEqual([
      {
        sessionId: f.sessions.auto,
        title: 'open checkout',
        at: new Date(f.t0 + 1001).toISOString(),
        phase: 'start',
        stepId: 's1',
      },
      {
        sessionId: f.sessions.auto,
        title: 'open checkout',
        at: new Date(f.t0 + 1004).toISOString(),
        phase: 'end',
        stepId: 's1',
      },
    ])
  })
})
