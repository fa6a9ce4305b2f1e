import { randomUUID } from 'node:crypto'
import type { EventInput } from '@sightline/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, everyKind, type Harness, makeBatch, post } from './ingestHelpers.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.drop())

const COLUMNS = `counts::text as counts_text, signals::text as signals_text, user_session_id, site_id, test_run_id, actor, started_at, last_seen_at, entry_url, entry_url_at,
  last_url, last_url_at, page_views, event_count, counts, signals, signal_count, error_count, console_error_count,
  failed_request_count, lcp_ms, inp_ms, cls, fcp_ms, ttfb_ms, frustration_score`

/** The incrementally maintained row and the one recomputed from scratch by SQL. */
async function both(sessionId: string) {
  const [stored] = await h.db.sql.unsafe(
    `select ${COLUMNS} from session_summaries where user_session_id = $1`,
    [sessionId],
  )
  const [recomputed] = await h.db.sql.unsafe(`select ${COLUMNS} from sightline_session_summary_of($1)`, [
    sessionId,
  ])
  // postgres.camel would camel-case the keys inside JSON values too: read counts and signals as text.
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary row shapes
  const plain = (row: Record<string, unknown> | undefined): Record<string, any> | undefined =>
    row && {
      ...row,
      counts: JSON.parse(row.countsText as string),
      signals: JSON.parse(row.signalsText as string),
      countsText: undefined,
      signalsText: undefined,
    }
  return { stored: plain(stored), recomputed: plain(recomputed) }
}

const ok = async (body: unknown) => {
  const res = await post(h, body)
  expect(res.status).toBe(200)
  return res
}

describe('session_summaries', () => {
  it('should hold one row per session with the counts, signals, errors and worst vitals of its events', async () => {
    const batch = makeBatch()
    await ok(batch)
    const { stored, recomputed } = await both(batch.sessionId)
    expect(stored).toMatchObject({
      siteId: h.site.siteId,
      actor: 'human',
      pageViews: 1,
      eventCount: 18,
      entryUrl: 'https://shop.example/cart',
      lastUrl: 'https://shop.example/cart',
      errorCount: 1,
      consoleErrorCount: 0,
      failedRequestCount: 1,
      lcpMs: 1234,
      inpMs: null,
    })
    expect(stored!.counts).toMatchObject({ click_events: 1, replay_segments: 1, page_views: 1 })
    expect(stored!.signals.dead_click).toBe(1)
    expect(stored!.signalCount).toBe(
      Object.values(stored!.signals as Record<string, number>).reduce((a, b) => a + b),
    )
    expect(stored!.frustrationScore).toBeGreaterThan(0)
    expect(stored).toEqual(recomputed)
  })

  it('should add later batches, keep the worst vitals and the first and last page, and equal the recomputed row', async () => {
    const sessionId = randomUUID()
    const t = Date.now() - 60_000
    const batches: { seq: number; events: EventInput[] }[] = [
      {
        seq: 0,
        events: [
          { type: 'pageview', t, href: 'https://shop.example/a', nav: 'load' },
          { type: 'perf', t: t + 10, metric: 'INP', value: 120 },
          { type: 'perf', t: t + 11, metric: 'CLS', value: 0.31 },
          { type: 'console', t: t + 12, level: 'error', message: 'boom' },
        ],
      },
      {
        seq: 1,
        events: [
          { type: 'pageview', t: t + 5_000, href: 'https://shop.example/b', nav: 'spa' },
          { type: 'perf', t: t + 5_010, metric: 'INP', value: 480 },
          { type: 'perf', t: t + 5_011, metric: 'CLS', value: 0.02 },
          {
            type: 'network',
            t: t + 5_020,
            method: 'GET',
            target: 'https://shop.example/api',
            error: 'Failed',
          },
          { type: 'network', t: t + 5_021, method: 'GET', target: 'https://shop.example/api', status: 200 },
        ],
      },
      {
        seq: 2,
        events: [{ type: 'pageview', t: t + 9_000, href: 'https://shop.example/c', nav: 'spa' }],
      },
    ]
    // Out of order: the last batch first, then the first, then the middle one.
    for (const i of [2, 0, 1]) {
      const b = batches[i]!
      await ok(
        makeBatch({ sessionId, seq: b.seq, session: { startedAt: t - 1_000, actor: 'human' } }, b.events),
      )
    }
    const { stored, recomputed } = await both(sessionId)
    expect(stored).toMatchObject({
      pageViews: 3,
      eventCount: 10,
      entryUrl: 'https://shop.example/a',
      lastUrl: 'https://shop.example/c',
      inpMs: 480,
      cls: 0.31,
      consoleErrorCount: 1,
      failedRequestCount: 1,
      counts: { page_views: 3, page_performance: 4, console_logs: 1, network_requests: 2 },
    })
    expect(stored).toEqual(recomputed)
  })

  it('should not count a retried batch twice', async () => {
    const batch = makeBatch()
    await ok(batch)
    const first = (await both(batch.sessionId)).stored
    const res = await post(h, batch)
    expect(res.status).toBe(200)
    const { stored, recomputed } = await both(batch.sessionId)
    expect({ ...stored, lastSeenAt: null }).toEqual({ ...first, lastSeenAt: null })
    expect(stored).toEqual(recomputed)
  })

  it('should merge batches of one session written by the same group commit', async () => {
    const sessionId = randomUUID()
    const t = Date.now() - 30_000
    const responses = await Promise.all(
      [0, 1, 2, 3].map((seq) =>
        post(
          h,
          makeBatch({ sessionId, seq, session: { startedAt: t, actor: 'human' } }, everyKind(t + seq * 100)),
        ),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const { stored, recomputed } = await both(sessionId)
    expect(stored).toMatchObject({ eventCount: 72, pageViews: 4, errorCount: 4 })
    expect(stored).toEqual(recomputed)
  })

  it('should let sightline_recompute_session_summary repair a wrong row and delete the row of a missing session', async () => {
    const batch = makeBatch()
    await ok(batch)
    const { stored } = await both(batch.sessionId)
    await h.db
      .sql`update session_summaries set event_count = 0, signals = '{}', counts = '{}' where user_session_id = ${batch.sessionId}`
    const [r] = await h.db.sql`select sightline_recompute_session_summary(${batch.sessionId}) as found`
    expect(r!.found).toBe(true)
    const after = await both(batch.sessionId)
    expect(after.stored).toEqual(stored)
    const [missing] = await h.db.sql`select sightline_recompute_session_summary(${randomUUID()}) as found`
    expect(missing!.found).toBe(false)
  })

  it('should score frustration with the documented formula', async () => {
    const rows = await h.db.sql<{ score: number }[]>`
      select sightline_frustration_score(x) as score from (values
        ('{}'::jsonb), ('{"rage_click": 1}'), ('{"dead_click": 2, "error_click": 1}'),
        ('{"failed_request_click": 1, "form_abandonment": 1, "quick_back": 1, "excessive_scrolling": 1, "mouse_thrashing": 1}'),
        ('{"rage_click": 100}')) as v(x)`
    const expected = [0, 3, 5, 7, 300].map((raw) => Math.round(1000 * (1 - Math.exp(-raw / 10))) / 10)
    expect(rows.map((r) => r.score)).toEqual(expected)
  })
})
