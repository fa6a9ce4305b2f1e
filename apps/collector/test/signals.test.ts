import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import type { EventInput } from '@sightline/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../src/log.js'
import { createHarness, type Harness, makeBatch, post } from './ingestHelpers.js'

/**
 * Crafted sessions sent through POST /v1/batch: each derived signal kind is found where its rule
 * (docs/signals.md) holds, also when the rows it needs arrive in different batches, and not on
 * control sessions that come close to the rule without meeting it.
 */
let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.drop())

const PAGE = 'https://shop.example/'

interface Sent {
  sessionId: string
  batches: ReturnType<typeof makeBatch>[]
}

/** Sends one session: one batch per array of events, in `order` (default: as given). */
async function send(
  batches: EventInput[][],
  {
    order,
    tabId = 'tab1',
    sessionId = randomUUID(),
  }: { order?: number[]; tabId?: string; sessionId?: string } = {},
): Promise<Sent> {
  const startedAt = Math.min(...batches.flat().map((e) => e.t)) - 1_000
  const made = batches.map((events, seq) =>
    makeBatch({ sessionId, tabId, seq, session: { startedAt, actor: 'human' } }, events),
  )
  for (const i of order ?? made.map((_, i) => i)) {
    const res = await post(h, made[i])
    expect(res.status).toBe(200)
  }
  return { sessionId, batches: made }
}

interface SignalRow {
  kind: string
  reason: string | null
  selector: string | null
  pageUrl: string | null
  occurredAt: Date
  ruleVersion: string
  // biome-ignore lint/suspicious/noExplicitAny: evidence is free-form JSON
  evidence: any
}

async function signals(sessionId: string, kind?: string): Promise<SignalRow[]> {
  // evidence as text: postgres.camel would camel-case the keys inside it, which are camelCase already.
  const rows = await h.db.sql<(Omit<SignalRow, 'evidence'> & { evidence: string })[]>`
    select kind, reason, selector, page_url, occurred_at, rule_version, evidence::text as evidence
    from frustration_signals
    where user_session_id = ${sessionId} ${kind ? h.db.sql`and kind = ${kind}` : h.db.sql``}
    order by occurred_at, batch_id, event_index`
  return rows.map((r) => ({ ...r, evidence: JSON.parse(r.evidence) }))
}

const kinds = async (sessionId: string) => (await signals(sessionId)).map((s) => s.kind)

/** The summary's signals, and whether the incremental summary equals the one recomputed from scratch. */
async function summarySignals(sessionId: string) {
  const [row] = await h.db.sql<{ signals: string; signalCount: number; same: boolean }[]>`
    select s.signals::text as signals, s.signal_count,
           (to_jsonb(s) - 'duration_ms' - 'updated_at') = to_jsonb(r) as same
    from session_summaries s, sightline_session_summary_of(s.user_session_id) r
    where s.user_session_id = ${sessionId}`
  return { signals: JSON.parse(row!.signals), count: row!.signalCount, same: row!.same }
}

/** Runs every rule over the whole session again: a correct incremental run leaves nothing to add. */
async function rederive(sessionId: string): Promise<number> {
  const [row] = await h.db.sql<{ n: number }[]>`select sightline_derive_session_signals(${sessionId}) as n`
  return row!.n
}

const T = () => Date.now() - 10 * 60_000

const click = (t: number, selector = 'button#buy', extra: Partial<EventInput> = {}): EventInput =>
  ({ type: 'click', t, x: 100, y: 200, selector, text: 'Buy', role: 'button', ...extra }) as EventInput
const request = (t: number, status: number | undefined, extra: Record<string, unknown> = {}): EventInput =>
  ({
    type: 'network',
    t,
    method: 'POST',
    target: 'https://shop.example/api/cart',
    ...(status === undefined ? { error: 'TypeError: Failed to fetch' } : { status }),
    durationMs: 80,
    ...extra,
  }) as EventInput
const view = (t: number, path: string, nav: 'load' | 'spa' | 'back_forward' = 'spa'): EventInput => ({
  type: 'pageview',
  t,
  url: `https://shop.example${path}`,
  href: `https://shop.example${path}`,
  nav,
})
const scroll = (t: number, y: number): EventInput => ({
  type: 'scroll',
  t,
  y,
  depth: Math.min(100, ((y + 800) / 6000) * 100),
  viewportHeight: 800,
  documentHeight: 6000,
})
const form = (t: number, action: string, field?: string, extra: Record<string, unknown> = {}): EventInput =>
  ({
    type: 'form',
    t,
    action,
    form: 'form#checkout',
    ...(field ? { selector: `input#${field}`, name: field, fieldType: 'text' } : {}),
    ...extra,
  }) as EventInput
const mouse = (t: number, xs: number[], stepMs = 100): EventInput => ({
  type: 'mouse',
  t,
  path: xs.map((x, i) => [x, 300 + (i % 3) * 5, i * stepMs] as [number, number, number]),
})

describe('rage_click', () => {
  it('should mirror each rage incident as a signal with the rule of the incident and its click chain', async () => {
    const t = T()
    const clicks = [0, 150, 320, 480].map((d) => click(t + d))
    const rage: EventInput = {
      type: 'rage',
      t,
      count: 4,
      x: 100,
      y: 200,
      selector: 'button#buy',
      firstAt: t,
      lastAt: t + 480,
      rule: 'rage-1',
    }
    // The incident first, its clicks in the next batch.
    const s = await send([[rage], clicks])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    expect(signal).toMatchObject({
      kind: 'rage_click',
      selector: 'button#buy',
      ruleVersion: 'rage-1',
      pageUrl: PAGE,
    })
    expect(signal!.occurredAt.getTime()).toBe(t)
    expect(signal!.evidence).toMatchObject({ clickCount: 4, spanMs: 480, x: 100, y: 200 })
    expect(signal!.evidence.clicks.map((c: { atMs: number }) => c.atMs)).toEqual([0, 150, 320, 480])
    expect(await summarySignals(s.sessionId)).toEqual({ signals: { rage_click: 1 }, count: 1, same: true })
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should find none for fast clicks the SDK did not report as a rage incident', async () => {
    const t = T()
    const s = await send([[0, 150, 320].map((d) => click(t + d))])
    expect(await kinds(s.sessionId)).toEqual([])
    expect(await rederive(s.sessionId)).toBe(0)
  })
})

describe('failed_request_click', () => {
  it('should flag a click followed within 1,000 ms by a failed request, with the request as evidence', async () => {
    const t = T()
    const s = await send([[click(t), request(t + 200, 503)]])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    expect(signal).toMatchObject({
      kind: 'failed_request_click',
      reason: 'http_5xx',
      selector: 'button#buy',
      ruleVersion: 'failed-request-1',
    })
    expect(signal!.occurredAt.getTime()).toBe(t)
    expect(signal!.evidence).toMatchObject({
      windowMs: 1000,
      click: { x: 100, y: 200, text: 'Buy', role: 'button' },
      requests: [{ method: 'POST', url: 'https://shop.example/api/cart', status: 503, startedAfterMs: 200 }],
    })
  })

  it('should find it when the click and the request arrive in different batches, in either order', async () => {
    const t = T()
    const requestFirst = await send([[request(t + 900, undefined)], [click(t)]])
    const clickFirst = await send([[click(t)], [request(t + 300, 404)]])
    const reversed = await send([[request(t + 300, 404)], [click(t)]], { order: [1, 0] })
    for (const [s, reason] of [
      [requestFirst, 'network_error'],
      [clickFirst, 'http_4xx'],
      [reversed, 'http_4xx'],
    ] as const) {
      expect((await signals(s.sessionId)).map((x) => [x.kind, x.reason])).toEqual([
        ['failed_request_click', reason],
      ])
      expect(await summarySignals(s.sessionId)).toEqual({
        signals: { failed_request_click: 1 },
        count: 1,
        same: true,
      })
      expect(await rederive(s.sessionId)).toBe(0)
    }
  })

  it('should add a failed request stored later to the evidence without a second signal', async () => {
    const t = T()
    const s = await send([[click(t), request(t + 100, 500)], [request(t + 700, 502)]])
    const all = await signals(s.sessionId)
    expect(all).toHaveLength(1)
    expect(all[0]!.evidence.requests.map((r: { status: number }) => r.status)).toEqual([500, 502])
    expect((await summarySignals(s.sessionId)).count).toBe(1)
  })

  it('should find none for a successful request, a failure too late or before the click, or in another tab', async () => {
    const t = T()
    const controls = [
      await send([[click(t), request(t + 200, 200)]]),
      await send([[click(t), request(t + 1_200, 500)]]),
      await send([[request(t - 100, 500), click(t)]]),
      await send([[click(t), request(t + 30, 302)]]),
    ]
    const sessionId = randomUUID()
    await send([[click(t)]], { sessionId, tabId: 'tabA' })
    await send([[request(t + 200, 500)]], { sessionId, tabId: 'tabB' })
    for (const s of [...controls.map((c) => c.sessionId), sessionId]) {
      expect(await kinds(s)).toEqual([])
      expect(await rederive(s)).toBe(0)
    }
  })
})

describe('quick_back', () => {
  it('should flag a page left within 10 s for the page before it', async () => {
    const t = T()
    // One page view per batch, as an SPA sends them.
    const s = await send([
      [view(t, '/products', 'load')],
      [view(t + 2_000, '/products/42')],
      [view(t + 5_500, '/products', 'back_forward')],
    ])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    expect(signal).toMatchObject({
      kind: 'quick_back',
      pageUrl: 'https://shop.example/products/42',
      ruleVersion: 'quick-back-1',
    })
    expect(signal!.occurredAt.getTime()).toBe(t + 2_000)
    expect(signal!.evidence).toMatchObject({
      dwellMs: 3_500,
      thresholdMs: 10_000,
      fromUrl: 'https://shop.example/products',
      leftUrl: 'https://shop.example/products/42',
      returnNavigation: 'back_forward',
    })
    expect(await summarySignals(s.sessionId)).toEqual({ signals: { quick_back: 1 }, count: 1, same: true })
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should find none after a long stay, for a new page, for a reload, or across tabs', async () => {
    const t = T()
    const controls = [
      await send([[view(t, '/a', 'load'), view(t + 2_000, '/b'), view(t + 12_500, '/a')]]),
      await send([[view(t, '/a', 'load'), view(t + 2_000, '/b'), view(t + 4_000, '/c')]]),
      await send([[view(t, '/a', 'load'), view(t + 2_000, '/a', 'load'), view(t + 4_000, '/a', 'load')]]),
    ]
    const sessionId = randomUUID()
    await send([[view(t, '/a', 'load'), view(t + 3_000, '/a', 'load')]], { sessionId, tabId: 'tabA' })
    await send([[view(t + 1_000, '/b', 'load')]], { sessionId, tabId: 'tabB' })
    for (const s of [...controls.map((c) => c.sessionId), sessionId]) {
      expect(await kinds(s)).toEqual([])
      expect(await rederive(s)).toBe(0)
    }
  })
})

describe('excessive_scrolling', () => {
  /** Up and down between two positions every `stepMs`, `legs` moves. */
  const yoyo = (t: number, legs: number, stepMs: number, [a, b] = [200, 1_400]) =>
    Array.from({ length: legs + 1 }, (_, i) => scroll(t + i * stepMs, i % 2 ? b : a))

  it('should flag 4 reversals within 10 s on one page, once, also when the samples span batches', async () => {
    const t = T()
    const samples = yoyo(t, 6, 800)
    const s = await send([samples.slice(0, 3), samples.slice(3, 5), samples.slice(5)])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    // Moves at 800, 1600, 2400, 3200, 4000 ms: the fourth reversal is the move at 4000 ms.
    expect(signal).toMatchObject({ kind: 'excessive_scrolling', pageUrl: PAGE, ruleVersion: 'scroll-1' })
    expect(signal!.occurredAt.getTime()).toBe(t + 4_000)
    expect(signal!.evidence).toMatchObject({
      reversals: 4,
      windowMs: 10_000,
      minMovePx: 100,
      viewportHeight: 800,
    })
    expect(signal!.evidence.samples).toHaveLength(6)
    expect(await summarySignals(s.sessionId)).toEqual({
      signals: { excessive_scrolling: 1 },
      count: 1,
      same: true,
    })
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should flag a long up-and-down search once, and again after 30 s without one', async () => {
    const t = T()
    const first = yoyo(t, 30, 700)
    const second = yoyo(t + 80_000, 6, 700)
    const s = await send([first.slice(0, 12), first.slice(12, 24), first.slice(24), second])
    expect((await signals(s.sessionId)).map((x) => x.occurredAt.getTime() - t)).toEqual([
      3_500,
      80_000 + 3_500,
    ])
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should find none for reading down the page, slow back-and-forth, small jitter, or reversals on different pages', async () => {
    const t = T()
    const down = Array.from({ length: 40 }, (_, i) => scroll(t + i * 250, i * 120))
    const slow = yoyo(t, 8, 4_000)
    const jitter = yoyo(t, 20, 300, [500, 590])
    const pages = yoyo(t, 8, 500).map((e, i) => ({ ...e, url: `https://shop.example/p${i % 3}` }))
    for (const events of [down, slow, jitter, pages]) {
      const s = await send([events.slice(0, 5), events.slice(5)])
      expect(await kinds(s.sessionId)).toEqual([])
      expect(await rederive(s.sessionId)).toBe(0)
    }
  })
})

describe('form_abandonment', () => {
  it('should turn the abandon event into a signal with what happened on the form since the page load', async () => {
    const t = T()
    const s = await send([
      [
        view(t, '/checkout', 'load'),
        form(t + 1_000, 'focus', 'email'),
        form(t + 1_500, 'input', 'email', { length: 5 }),
        form(t + 3_000, 'focus', 'card'),
        form(t + 3_500, 'input', 'card', { length: 4 }),
        form(t + 4_000, 'invalid', 'card', { message: 'Please match the requested format.' }),
      ],
      [
        { type: 'error', t: t + 5_000, message: 'TypeError: x is undefined' },
        form(t + 9_000, 'abandon', 'card'),
      ],
    ])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    expect(signal).toMatchObject({
      kind: 'form_abandonment',
      reason: 'after_invalid',
      selector: 'form#checkout',
      ruleVersion: 'form-abandon-1',
    })
    expect(signal!.occurredAt.getTime()).toBe(t + 9_000)
    expect(signal!.evidence).toMatchObject({
      form: 'form#checkout',
      lastField: 'input#card',
      fieldsTouched: 2,
      invalidCount: 1,
      invalidFields: ['input#card'],
      lastValidationMessage: 'Please match the requested format.',
      jsErrors: 1,
      failedRequests: 0,
      timeOnFormMs: 8_000,
    })
    expect(await summarySignals(s.sessionId)).toEqual({
      signals: { form_abandonment: 1 },
      count: 1,
      same: true,
    })
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should count only what followed the last submit, and give the reason of an error or a failed request', async () => {
    const t = T()
    const afterError = await send([
      [
        form(t, 'input', 'email', { length: 3 }),
        form(t + 500, 'submit'),
        form(t + 1_000, 'input', 'email', { length: 4 }),
        request(t + 1_200, 500),
        form(t + 2_000, 'abandon', 'email'),
      ],
    ])
    const [signal] = await signals(afterError.sessionId)
    expect(signal).toMatchObject({ kind: 'form_abandonment', reason: 'after_failed_request' })
    expect(signal!.evidence).toMatchObject({
      fieldsTouched: 1,
      invalidCount: 0,
      jsErrors: 0,
      failedRequests: 1,
    })
  })

  it('should find none for a form that was submitted', async () => {
    const t = T()
    const s = await send([
      [form(t, 'focus', 'email'), form(t + 500, 'input', 'email'), form(t + 900, 'submit')],
    ])
    expect(await kinds(s.sessionId)).toEqual([])
    expect(await rederive(s.sessionId)).toBe(0)
  })
})

describe('mouse_thrashing', () => {
  it('should flag 4 horizontal reversals within 1,500 ms of one path', async () => {
    const t = T()
    const s = await send([[mouse(t, [100, 400, 120, 380, 90, 420, 110, 500, 600])]])
    const [signal, ...more] = await signals(s.sessionId)
    expect(more).toEqual([])
    expect(signal).toMatchObject({ kind: 'mouse_thrashing', ruleVersion: 'thrash-1', pageUrl: PAGE })
    expect(signal!.occurredAt.getTime()).toBe(t)
    // Moves at 100…700 ms; reversals at 200, 300, 400, 500 ms: the window ends at 500 ms.
    expect(signal!.evidence).toMatchObject({
      reversals: 4,
      windowMs: 1500,
      minMovePx: 30,
      startMs: 0,
      endMs: 500,
    })
    expect(signal!.evidence.points).toHaveLength(6)
    expect(await summarySignals(s.sessionId)).toEqual({
      signals: { mouse_thrashing: 1 },
      count: 1,
      same: true,
    })
    expect(await rederive(s.sessionId)).toBe(0)
  })

  it('should find none for a straight move, a slow back-and-forth, or small jitter', async () => {
    const t = T()
    const straight = mouse(t, [100, 200, 300, 400, 500, 600, 700, 800])
    const slow = mouse(t, [100, 400, 100, 400, 100, 400, 100], 600)
    const jitter = mouse(t, [300, 320, 300, 320, 300, 320, 300, 320])
    for (const path of [straight, slow, jitter]) {
      const s = await send([[path]])
      expect(await kinds(s.sessionId)).toEqual([])
      expect(await rederive(s.sessionId)).toBe(0)
    }
  })
})

describe('every kind together', () => {
  it('should keep the SDK dead and error clicks as sent, count all kinds in the summary, and never duplicate on retries', async () => {
    const t = T()
    const batches: EventInput[][] = [
      [
        view(t, '/products', 'load'),
        click(t + 1_000, 'button.disabled'),
        {
          type: 'signal',
          t: t + 1_000,
          kind: 'dead_click',
          reason: 'disabled',
          selector: 'button.disabled',
          evidence: { windowMs: 1000, seen: [], clickAt: t + 1_000 },
          rule: 'dead-1',
        },
        click(t + 2_000, 'button#pay'),
        { type: 'error', t: t + 2_100, message: 'TypeError: pay is not a function' },
        {
          type: 'signal',
          t: t + 2_000,
          kind: 'error_click',
          selector: 'button#pay',
          evidence: { windowMs: 1000, seen: ['error'], clickAt: t + 2_000 },
          rule: 'error-1',
        },
        click(t + 3_000),
        request(t + 3_100, 500),
        {
          type: 'rage',
          t: t + 4_000,
          count: 3,
          selector: 'button#buy',
          firstAt: t + 4_000,
          lastAt: t + 4_400,
          rule: 'rage-1',
        },
        ...[4_000, 4_200, 4_400].map((d) => click(t + d)),
        mouse(t + 5_000, [100, 400, 120, 380, 90, 420]),
      ],
      [
        ...[0, 1, 2, 3, 4, 5].map((i) => scroll(t + 6_000 + i * 600, i % 2 ? 1_500 : 100)),
        view(t + 9_000, '/products/7'),
        form(t + 9_500, 'input', 'qty', { length: 1 }),
      ],
      [
        view(t + 12_000, '/products', 'back_forward'),
        form(t + 11_900, 'abandon', 'qty', { url: 'https://shop.example/products/7' }),
      ],
    ]
    const s = await send(batches)
    const expected = {
      dead_click: 1,
      error_click: 1,
      failed_request_click: 1,
      rage_click: 1,
      mouse_thrashing: 1,
      excessive_scrolling: 1,
      quick_back: 1,
      form_abandonment: 1,
    }
    const all = await signals(s.sessionId)
    expect(
      Object.fromEntries(Object.keys(expected).map((k) => [k, all.filter((x) => x.kind === k).length])),
    ).toEqual(expected)
    expect(all).toHaveLength(8)
    expect(all.find((x) => x.kind === 'dead_click')).toMatchObject({
      reason: 'disabled',
      ruleVersion: 'dead-1',
    })
    const summary = await summarySignals(s.sessionId)
    expect(summary).toEqual({ signals: expected, count: 8, same: true })
    // Retried batches (same batch ids) are duplicates: nothing is derived or counted again.
    for (const b of s.batches) expect((await post(h, b)).status).toBe(200)
    expect(await signals(s.sessionId)).toHaveLength(8)
    expect(await summarySignals(s.sessionId)).toEqual(summary)
    expect(await rederive(s.sessionId)).toBe(0)
    const [score] = await h.db
      .sql`select frustration_score from session_summaries where user_session_id = ${s.sessionId}`
    // raw = 1 + 3 + 2 + 3 + 1 + 1 + 1 + 2 = 14
    expect(score!.frustrationScore).toBeCloseTo(100 * (1 - Math.exp(-14 / 10)), 1)
  })

  it('should derive nothing for a calm session holding every event kind', async () => {
    const t = T()
    const s = await send([
      [
        view(t, '/', 'load'),
        { type: 'perf', t: t + 10, metric: 'LCP', value: 1200 },
        click(t + 1_000, 'a.nav'),
        request(t + 1_050, 200),
        view(t + 1_100, '/products'),
        ...[0, 1, 2, 3, 4, 5].map((i) => scroll(t + 2_000 + i * 300, i * 300)),
        mouse(t + 4_000, [100, 160, 220, 280, 340, 400, 460]),
        form(t + 5_000, 'focus', 'q'),
        form(t + 5_200, 'input', 'q', { length: 4 }),
        form(t + 6_000, 'submit'),
        { type: 'key', t: t + 5_100, key: 'Character', inField: true },
        { type: 'console', t: t + 6_100, level: 'log', message: 'ok' },
        view(t + 20_000, '/'),
      ],
    ])
    expect(await kinds(s.sessionId)).toEqual([])
    expect(await rederive(s.sessionId)).toBe(0)
    expect(await summarySignals(s.sessionId)).toEqual({ signals: {}, count: 0, same: true })
  })
})

describe('when a signal rule fails', () => {
  it('should store the batch, undo only the rules, log the error and leave the summary consistent', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const broken = await createHarness({ log: createLogger('warn', sink) })
    try {
      // A rule that inserts a signal, then fails: the guard must undo the insert too.
      await broken.db.sql.unsafe(`
        create or replace function sightline_derive_signals(p_batches jsonb)
        returns table (user_session_id uuid, kind text) language plpgsql as $$
        begin
          insert into frustration_signals (user_session_id, site_id, occurred_at, batch_id, event_index, kind, rule_version)
          select x.s, (select site_id from user_sessions where id = x.s), x.f, x.b, 999, 'quick_back', 'broken-1'
          from jsonb_to_recordset(p_batches) as x(s uuid, b uuid, f timestamptz);
          raise exception 'rule broke on "secret-value"';
        end $$`)
      const t = T()
      const batch = makeBatch({}, [click(t), request(t + 200, 500)])
      const res = await post(broken, batch)
      expect(res.status).toBe(200)
      const [stored] = await broken.db.sql<{ clicks: number; signals: number; same: boolean }[]>`
        select (select count(*)::int from click_events where user_session_id = ${batch.sessionId}) as clicks,
               (select count(*)::int from frustration_signals where user_session_id = ${batch.sessionId}) as signals,
               (select (to_jsonb(s) - 'duration_ms' - 'updated_at') = to_jsonb(r)
                from session_summaries s, sightline_session_summary_of(s.user_session_id) r
                where s.user_session_id = ${batch.sessionId}) as same`
      expect(stored).toEqual({ clicks: 1, signals: 0, same: true })
      const log = lines.join('')
      expect(log).toContain('signal rules failed')
      expect(log).toContain('P0001')
      expect(log).not.toContain('secret-value')
    } finally {
      await broken.drop()
    }
  })
})
