import { gzipSync } from 'node:zlib'
import { mayThrash, type SessionDelta } from '../ingest/summary.js'
import type { Random } from './random.js'

/** Rows of one generated session, by table name (columns in snake_case, as in the schema). */
export type SessionRows = Record<string, Record<string, unknown>[]>

const ORIGIN = 'https://shop.example'
const PAGES = [
  '/',
  '/products',
  '/products/42',
  '/products/7',
  '/cart',
  '/checkout',
  '/login',
  '/account',
  '/search?q=shoes',
  '/help',
]
const BUTTONS = [
  { selector: 'button#add-to-cart', text: 'Add to cart', testId: 'add-to-cart', role: 'button' },
  { selector: 'a.nav-link[href="/products"]', text: 'Products', testId: null, role: 'link' },
  { selector: 'button.checkout', text: 'Checkout', testId: 'checkout', role: 'button' },
  { selector: 'div.promo-banner', text: 'Free shipping', testId: null, role: null },
  { selector: 'button[type="submit"]', text: 'Sign in', testId: 'login-submit', role: 'button' },
  { selector: 'span.price', text: '$42.00', testId: null, role: null },
]
const FIELDS = [
  { selector: 'input#email', name: 'email', type: 'email' },
  { selector: 'input#password', name: 'password', type: 'password' },
  { selector: 'input#card', name: 'card', type: 'text' },
  { selector: 'textarea#notes', name: 'notes', type: 'textarea' },
]
/** Reasons of the SDK's dead-click rule (dead-1), no_reaction the most common. */
const DEAD_REASONS = [
  'no_reaction',
  'no_reaction',
  'no_reaction',
  'disabled',
  'covered',
  'pointer_events_none',
  'off_screen',
]
const KEYS = ['Enter', 'Tab', 'Escape', 'Backspace', 'ArrowDown', 'ArrowUp', 'Character', 'Shortcut'] as const
const CONSOLE = [
  ['log', 'cart updated'],
  ['info', 'analytics ready'],
  ['warn', 'deprecated API used: document.domain'],
  ['error', 'Failed to load resource: the server responded with a status of 500'],
  ['debug', 'render took 12ms'],
] as const
const ERRORS = [
  {
    message: "TypeError: Cannot read properties of undefined (reading 'price')",
    source: `${ORIGIN}/assets/app.js`,
  },
  { message: 'ReferenceError: trackPromo is not defined', source: `${ORIGIN}/assets/promo.js` },
]
const API = ['/api/cart', '/api/products?page=2', '/api/session', '/api/recommendations', '/api/checkout']
const BROWSERS = [
  {
    browser: 'Chrome',
    version: '131',
    os: 'Windows',
    device: 'desktop',
    viewport: { width: 1920, height: 1080 },
  },
  { browser: 'Safari', version: '18', os: 'iOS', device: 'mobile', viewport: { width: 390, height: 844 } },
  {
    browser: 'Firefox',
    version: '133',
    os: 'Linux',
    device: 'desktop',
    viewport: { width: 1366, height: 768 },
  },
  {
    browser: 'Chrome',
    version: '131',
    os: 'Android',
    device: 'mobile',
    viewport: { width: 412, height: 915 },
  },
]

export interface GenerateInput {
  rnd: Random
  siteId: string
  /** Session start, ms since epoch. */
  startMs: number
  actor: 'human' | 'automation'
  testRunId: string | null
}

function rating(metric: string, value: number): string {
  const limits: Record<string, [number, number]> = {
    LCP: [2500, 4000],
    INP: [200, 500],
    CLS: [0.1, 0.25],
    FCP: [1800, 3000],
    TTFB: [800, 1800],
  }
  const [good, poor] = limits[metric]!
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor'
}

/**
 * Chances of the behaviours behind each derived signal (docs/signals.md), per page or per click, so
 * that a seeded database holds every signal kind in realistic proportions, and far more calm
 * sessions that come close to the rules without meeting them.
 */
const P = {
  /** A page left again within a few seconds for the page before it (quick_back). */
  quickBack: 0.06,
  /** Scrolling up and down in search of something (excessive_scrolling). */
  scrollSearch: 0.05,
  /** A shaking mouse (mouse_thrashing). */
  thrash: 0.04,
  /** A click answered by a failing request (failed_request_click). */
  failedClick: 0.04,
  /** A burst of clicks on one target (rage_click). */
  rage: 0.03,
  /** A form left unsubmitted (form_abandonment), and a field refused by validation. */
  abandon: 0.3,
  invalid: 0.25,
}

/** One realistic session: page views, clicks (some rage/dead/error), forms, scrolls, vitals, logs, network, … */
export function generateSession(input: GenerateInput): {
  session: Record<string, unknown>
  rows: SessionRows
  /** Its ingested_batches rows (the ledger the collector keeps; event_count sums to the session's events). */
  batches: Record<string, unknown>[]
  summary: SessionDelta
  /** Some mouse path can hold a thrash (the collector's exact pre-check for thrash-1). */
  mayThrash: boolean
} {
  const { rnd, siteId } = input
  const id = rnd.uuid()
  const tabId = rnd.uuid().slice(0, 8)
  const rows: SessionRows = {}
  const batches: Record<string, unknown>[] = []
  let thrashing = false
  let t = input.startMs
  let batch: Record<string, unknown> | undefined
  let index = 0
  const add = (table: string, pageUrl: string, extra: Record<string, unknown>) => {
    if (!batch || index >= 200) {
      batch = {
        user_session_id: id,
        batch_id: rnd.uuid(),
        tab_id: tabId,
        seq: batches.length,
        site_id: siteId,
        received_at: new Date(t),
        event_count: 0,
      }
      batches.push(batch)
      index = 0
    }
    batch.event_count = (batch.event_count as number) + 1
    if (t > (batch.received_at as Date).getTime()) batch.received_at = new Date(t)
    const list = rows[table] ?? []
    rows[table] = list
    list.push({
      user_session_id: id,
      site_id: siteId,
      occurred_at: new Date(t),
      batch_id: batch.batch_id,
      event_index: index++,
      tab_id: tabId,
      page_url: pageUrl,
      ...extra,
    })
  }
  const signal = (url: string, kind: string, selector: string, reason: string | null, rule: string) =>
    add('frustration_signals', url, {
      kind,
      reason,
      selector,
      evidence: JSON.stringify({ windowMs: 1000, seen: kind === 'error_click' ? ['error'] : [], clickAt: t }),
      rule_version: rule,
    })
  const request = (url: string, status: number) =>
    add('network_requests', url, {
      method: rnd.pick(['GET', 'GET', 'POST']),
      url: ORIGIN + rnd.pick(API),
      status: status || null,
      duration_ms: rnd.int(20, 1500),
      request_bytes: rnd.int(0, 2000),
      response_bytes: rnd.int(100, 50_000),
      initiator: rnd.pick(['fetch', 'xhr']),
      error: status ? null : 'TypeError: Failed to fetch',
    })

  // Page sequence: mostly new pages; sometimes a page left within seconds for the one before it.
  const visits: { url: string; bounce: boolean }[] = []
  for (let p = rnd.int(1, 5); p > 0; p--) {
    const previous = visits[visits.length - 1]
    if (previous && rnd.chance(P.quickBack)) {
      const other = PAGES.filter((page) => ORIGIN + page !== previous.url)
      visits.push({ url: ORIGIN + rnd.pick(other), bounce: true }, { url: previous.url, bounce: false })
    } else visits.push({ url: ORIGIN + rnd.pick(PAGES), bounce: false })
  }

  for (const [p, visit] of visits.entries()) {
    const url = visit.url
    const returning = p >= 2 && visits[p - 1]!.bounce
    add('page_views', url, {
      url,
      referrer: p === 0 ? 'https://search.example/' : visits[p - 1]!.url,
      title: 'Shop',
      navigation_type: p === 0 ? 'load' : returning ? 'back_forward' : 'spa',
    })
    for (const metric of ['TTFB', 'FCP', 'LCP', 'CLS', 'INP'] as const) {
      if (visit.bounce && metric === 'INP') continue
      const value =
        metric === 'CLS'
          ? Math.round(rnd.next() * 0.4 * 1000) / 1000
          : metric === 'INP'
            ? rnd.int(16, 700)
            : rnd.int(80, metric === 'LCP' ? 6000 : 3000)
      add('page_performance', url, {
        metric,
        value,
        rating: rating(metric, value),
        navigation_type: 'navigate',
        selector: metric === 'LCP' ? 'img.hero' : null,
      })
    }
    if (visit.bounce) {
      // A glance: one scroll, then back within 2–8 s.
      t += rnd.int(500, 2000)
      add('scroll_events', url, {
        scroll_y: 400,
        scroll_x: 0,
        depth_percent: 40,
        max_depth_percent: 40,
        viewport_height: 800,
        document_height: 3000,
      })
      t += rnd.int(1500, 6000)
      continue
    }
    add('page_performance', url, {
      metric: 'load',
      value: rnd.int(300, 5000),
      rating: null,
      navigation_type: 'navigate',
    })
    addScrolls(url)
    addMouse(url)
    for (let c = rnd.int(1, 6); c > 0; c--) {
      t += rnd.int(300, 5000)
      const b = rnd.pick(BUTTONS)
      const x = rnd.int(10, 1900)
      const y = rnd.int(10, 1000)
      const isDead = b.role === null && rnd.chance(0.15)
      const isError = !isDead && rnd.chance(0.03)
      const clickRow = (dead: boolean, error: boolean) =>
        add('click_events', url, {
          x,
          y,
          selector: b.selector,
          text: b.text,
          button: 0,
          element_tag: b.selector.split(/[#.[]/)[0],
          test_id: b.testId,
          role: b.role,
          accessible_name: b.role ? b.text : null,
          is_dead: dead,
          is_error: error,
        })
      clickRow(isDead, isError)
      if (isDead) signal(url, 'dead_click', b.selector, rnd.pick(DEAD_REASONS), 'dead-1')
      if (isError) {
        add('javascript_errors', url, {
          ...rnd.pick(ERRORS),
          stack: 'at onClick (app.js:10:5)',
          line: 10,
          column: 5,
          kind: 'error',
          error_type: 'TypeError',
        })
        signal(url, 'error_click', b.selector, null, 'error-1')
      }
      if (b.role === 'button' && rnd.chance(P.failedClick)) {
        // The click's request fails: a server error, a missing resource or no response at all.
        t += rnd.int(20, 400)
        request(url, rnd.pick([500, 502, 404, 0]))
      }
      if (rnd.chance(P.rage)) {
        // The SDK reports a burst of 3–6 clicks on one target (each also a click) as one incident.
        const first = t + rnd.int(300, 900)
        const count = rnd.int(3, 6)
        for (let k = 0; k < count; k++) {
          t = first + k * rnd.int(90, 250)
          clickRow(isDead, false)
        }
        const last = t
        t = first
        add('rage_click_incidents', url, {
          click_count: count,
          x,
          y,
          selector: b.selector,
          first_click_at: new Date(first),
          last_click_at: new Date(last),
          rule_version: 'rage-1',
        })
        t = last
      }
    }
    if (url.includes('/checkout') || url.includes('/login') || rnd.chance(0.2)) addForm(url)
    for (let k = rnd.int(0, 4); k > 0; k--)
      add('keyboard_events', url, {
        key: rnd.pick(KEYS),
        shortcut: null,
        target_selector: 'body',
        in_field: false,
      })
    for (let n = rnd.int(1, 4); n > 0; n--) {
      t += rnd.int(1200, 4000)
      request(url, rnd.chance(0.93) ? 200 : rnd.pick([404, 500, 0]))
    }
    for (let l = rnd.int(0, 3); l > 0; l--) {
      const [level, message] = rnd.pick(CONSOLE)
      add('console_logs', url, { level, message, truncated: false })
    }
    add('element_visibility', url, {
      selector: 'section#pricing',
      visible_ratio: Math.round(rnd.next() * 100) / 100,
      visible_ms: rnd.int(0, 20_000),
      first_visible_at: new Date(t),
    })
    if (rnd.chance(0.3)) {
      add('visibility_changes', url, { state: 'hidden', previous_state_ms: rnd.int(1000, 60_000) })
      t += rnd.int(1000, 120_000)
      add('visibility_changes', url, { state: 'visible', previous_state_ms: rnd.int(1000, 120_000) })
    }
    t += rnd.int(11_000, 25_000)
  }

  /** Reading down the page with an occasional step back; sometimes searching up and down. */
  function addScrolls(url: string) {
    const docHeight = rnd.int(2400, 8000)
    let y = 0
    let maxDepth = 0
    const sample = () => {
      const depth = Math.min(100, Math.round(((y + 800) / docHeight) * 100))
      maxDepth = Math.max(maxDepth, depth)
      add('scroll_events', url, {
        scroll_y: y,
        scroll_x: 0,
        depth_percent: depth,
        max_depth_percent: maxDepth,
        viewport_height: 800,
        document_height: docHeight,
      })
    }
    for (let s = rnd.int(1, 6); s > 0; s--) {
      t += rnd.int(250, 4000)
      y = Math.max(
        0,
        Math.min(docHeight - 800, y + (rnd.chance(0.15) ? -rnd.int(100, 500) : rnd.int(100, 900))),
      )
      sample()
    }
    if (rnd.chance(P.scrollSearch)) {
      const [top, bottom] = [rnd.int(0, 400), rnd.int(1200, docHeight - 800)]
      for (let s = rnd.int(5, 9); s > 0; s--) {
        t += rnd.int(400, 1200)
        y = y === bottom ? top : bottom
        sample()
      }
    }
  }

  /** A path toward a target with a little hand jitter, sampled every ~100 ms; sometimes a shaking hand. */
  function addMouse(url: string) {
    const thrash = rnd.chance(P.thrash)
    const n = thrash ? rnd.int(8, 16) : rnd.int(5, 30)
    let x = rnd.int(100, 1800)
    let yy = rnd.int(50, 950)
    const tx = rnd.int(100, 1800)
    const ty = rnd.int(50, 950)
    const path: [number, number, number][] = []
    let dt = 0
    for (let i = 0; i < n; i++) {
      if (thrash) {
        x = Math.max(0, x + (i % 2 ? 1 : -1) * rnd.int(60, 220))
        yy += rnd.int(-20, 20)
      } else {
        x += Math.round((tx - x) * 0.3) + rnd.int(-8, 8)
        yy += Math.round((ty - yy) * 0.3) + rnd.int(-8, 8)
      }
      path.push([x, yy, dt])
      dt += rnd.int(100, 140)
    }
    t += rnd.int(200, 1500)
    thrashing ||= mayThrash(path)
    add('mouse_movements', url, {
      path: JSON.stringify(path),
      point_count: path.length,
      duration_ms: path[n - 1]![2],
    })
    t += path[n - 1]![2]
  }

  /** Fields focused and typed into; sometimes one refused by validation; then submitted, or left (abandon). */
  function addForm(url: string) {
    const fields = FIELDS.slice(0, rnd.int(1, FIELDS.length))
    const abandoned = rnd.chance(P.abandon)
    for (const f of fields) {
      const field = {
        field_selector: f.selector,
        field_name: f.name,
        field_type: f.type,
        form_selector: 'form#checkout',
      }
      t += rnd.int(500, 3000)
      add('form_interactions', url, { action: 'focus', ...field })
      add('keyboard_events', url, {
        key: 'Character',
        shortcut: null,
        target_selector: f.selector,
        in_field: true,
      })
      t += rnd.int(300, 4000)
      add('form_interactions', url, { action: 'input', ...field, value_length: rnd.int(3, 24) })
      if (rnd.chance(abandoned ? P.invalid * 2 : P.invalid / 2)) {
        add('form_interactions', url, {
          action: 'invalid',
          ...field,
          validation_message: 'Please match the requested format.',
        })
      }
      t += rnd.int(100, 2000)
      add('form_interactions', url, { action: 'blur', ...field, duration_ms: rnd.int(500, 9000) })
    }
    const last = fields[fields.length - 1]!
    t += rnd.int(1000, 8000)
    add(
      'form_interactions',
      url,
      abandoned
        ? {
            action: 'abandon',
            field_selector: last.selector,
            field_name: last.name,
            field_type: last.type,
            form_selector: 'form#checkout',
          }
        : {
            action: 'submit',
            field_selector: null,
            field_name: null,
            field_type: null,
            form_selector: 'form#checkout',
          },
    )
  }

  const startUrl = (rows.page_views?.[0]?.url as string) ?? ORIGIN
  const records = replayRecords(startUrl, input.startMs, t)
  const json = Buffer.from(JSON.stringify(records))
  const replayStart = t
  t = input.startMs
  add('replay_segments', startUrl, {
    segment_index: 0,
    ended_at: new Date(replayStart),
    record_count: records.length,
    has_full_snapshot: true,
    encoding: 'gzip',
    raw_bytes: json.length,
    data: gzipSync(json),
  })
  t = replayStart
  if (rnd.chance(0.05))
    add('client_reports', ORIGIN, { reason: 'queue_overflow', category: 'event', quantity: rnd.int(1, 50) })
  add('custom_events', ORIGIN, { name: 'checkout_step', props: JSON.stringify({ step: rnd.int(1, 4) }) })
  const ua = rnd.pick(BROWSERS)
  const session = {
    id,
    site_id: siteId,
    test_run_id: input.testRunId,
    started_at: new Date(input.startMs),
    last_seen_at: new Date(t),
    user_agent: `Mozilla/5.0 (${ua.os}) ${ua.browser}/${ua.version}`,
    platform_details: JSON.stringify({ ...ua, locale: rnd.pick(['en-US', 'de-DE', 'fr-FR']) }),
    entry_url: startUrl,
    actor: input.actor,
    sdk_version: '0.1.0',
  }
  return { session, rows, batches, summary: summarize(id, rows, startUrl), mayThrash: thrashing }
}

/** The session's summary from its rows, as the collector's incremental upsert would build it. */
function summarize(id: string, rows: SessionRows, entryUrl: string): SessionDelta {
  const counts: Record<string, number> = {}
  let events = 0
  for (const [table, list] of Object.entries(rows)) {
    counts[table] = list.length
    events += list.length
  }
  const signals: Record<string, number> = {}
  for (const r of rows.frustration_signals ?? [])
    signals[r.kind as string] = (signals[r.kind as string] ?? 0) + 1
  const views = rows.page_views ?? []
  const vital = (metric: string) => {
    let max: number | null = null
    for (const r of rows.page_performance ?? [])
      if (r.metric === metric && (max === null || (r.value as number) > max)) max = r.value as number
    return max
  }
  return {
    id,
    event_count: events,
    page_views: views.length,
    counts,
    signals,
    signal_count: (rows.frustration_signals ?? []).length,
    error_count: (rows.javascript_errors ?? []).length,
    console_error_count: (rows.console_logs ?? []).filter((r) => r.level === 'error').length,
    failed_request_count: (rows.network_requests ?? []).filter(
      (r) => r.status === null || (r.status as number) >= 400,
    ).length,
    entry_url: (views[0]?.url as string) ?? entryUrl,
    entry_url_at: (views[0]?.occurred_at as Date) ?? null,
    last_url: (views[views.length - 1]?.url as string) ?? entryUrl,
    last_url_at: (views[views.length - 1]?.occurred_at as Date) ?? null,
    lcp_ms: vital('LCP'),
    inp_ms: vital('INP'),
    cls: vital('CLS'),
    fcp_ms: vital('FCP'),
    ttfb_ms: vital('TTFB'),
  }
}

/** A minimal but valid rrweb recording: Meta, FullSnapshot of a small page, and one scroll. */
function replayRecords(href: string, startMs: number, endMs: number): unknown[] {
  const text = (id: number, textContent: string) => ({ type: 3, textContent, id })
  const el = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[]) => ({
    type: 2,
    tagName,
    attributes,
    childNodes,
    id,
  })
  const node = {
    type: 0,
    id: 1,
    childNodes: [
      { type: 1, name: 'html', publicId: '', systemId: '', id: 2 },
      el(3, 'html', {}, [
        el(4, 'head', {}, [el(5, 'title', {}, [text(6, 'Shop')])]),
        el(7, 'body', {}, [
          el(8, 'h1', {}, [text(9, 'Seeded page')]),
          el(10, 'button', { id: 'add-to-cart' }, [text(11, 'Add to cart')]),
        ]),
      ]),
    ],
  }
  return [
    { type: 4, data: { href, width: 1280, height: 720 }, timestamp: startMs },
    { type: 2, data: { node, initialOffset: { left: 0, top: 0 } }, timestamp: startMs + 1 },
    { type: 3, data: { source: 3, id: 1, x: 0, y: 200 }, timestamp: Math.max(startMs + 2, endMs) },
  ]
}
