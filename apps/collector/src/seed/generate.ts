import { gzipSync } from 'node:zlib'
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

/** One realistic session: page views, clicks (some rage/dead/error), forms, scrolls, vitals, logs, network, … */
export function generateSession(input: GenerateInput): {
  session: Record<string, unknown>
  rows: SessionRows
} {
  const { rnd, siteId } = input
  const id = rnd.uuid()
  const tabId = rnd.uuid().slice(0, 8)
  const rows: SessionRows = {}
  let t = input.startMs
  let batchId = rnd.uuid()
  let index = 0
  const add = (table: string, pageUrl: string, extra: Record<string, unknown>) => {
    if (index >= 200) {
      batchId = rnd.uuid()
      index = 0
    }
    const list = rows[table] ?? []
    rows[table] = list
    list.push({
      user_session_id: id,
      site_id: siteId,
      occurred_at: new Date(t),
      batch_id: batchId,
      event_index: index++,
      tab_id: tabId,
      page_url: pageUrl,
      ...extra,
    })
  }
  const pages = rnd.int(1, 5)
  for (let p = 0; p < pages; p++) {
    const url = ORIGIN + rnd.pick(PAGES)
    add('page_views', url, {
      url,
      referrer: p === 0 ? 'https://search.example/' : null,
      title: 'Shop',
      navigation_type: p === 0 ? 'load' : 'spa',
    })
    for (const metric of ['TTFB', 'FCP', 'LCP', 'CLS', 'INP'] as const) {
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
    add('page_performance', url, {
      metric: 'load',
      value: rnd.int(300, 5000),
      rating: null,
      navigation_type: 'navigate',
    })
    const docHeight = rnd.int(1200, 8000)
    let maxDepth = 0
    for (let s = rnd.int(1, 6); s > 0; s--) {
      t += rnd.int(200, 4000)
      const scrollY = rnd.int(0, docHeight - 800)
      const depth = Math.min(100, Math.round(((scrollY + 800) / docHeight) * 100))
      maxDepth = Math.max(maxDepth, depth)
      add('scroll_events', url, {
        scroll_y: scrollY,
        scroll_x: 0,
        depth_percent: depth,
        max_depth_percent: maxDepth,
        viewport_height: 800,
        document_height: docHeight,
      })
    }
    const path = Array.from({ length: rnd.int(5, 30) }, (_, i) => [
      rnd.int(0, 1900),
      rnd.int(0, 1000),
      i * 50,
    ])
    add('mouse_movements', url, {
      path: JSON.stringify(path),
      point_count: path.length,
      duration_ms: path.length * 50,
    })
    for (let c = rnd.int(1, 6); c > 0; c--) {
      t += rnd.int(300, 5000)
      const b = rnd.pick(BUTTONS)
      const x = rnd.int(10, 1900)
      const y = rnd.int(10, 1000)
      const isDead = b.role === null && rnd.chance(0.5)
      const isError = !isDead && rnd.chance(0.05)
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
        is_dead: isDead,
        is_error: isError,
      })
      if (isDead)
        add('frustration_signals', url, {
          kind: 'dead_click',
          reason: 'no_reaction',
          selector: b.selector,
          evidence: JSON.stringify({ windowMs: 1000 }),
          rule_version: 'dead-1',
        })
      if (isError) {
        add('javascript_errors', url, {
          ...rnd.pick(ERRORS),
          stack: 'at onClick (app.js:10:5)',
          line: 10,
          column: 5,
          kind: 'error',
          error_type: 'TypeError',
        })
        add('frustration_signals', url, {
          kind: 'error_click',
          reason: null,
          selector: b.selector,
          evidence: JSON.stringify({ windowMs: 1000 }),
          rule_version: 'error-1',
        })
      }
      if (rnd.chance(0.08)) {
        const first = new Date(t)
        t += rnd.int(300, 900)
        add('rage_click_incidents', url, {
          click_count: rnd.int(3, 7),
          x,
          y,
          selector: b.selector,
          first_click_at: first,
          last_click_at: new Date(t),
          rule_version: 'rage-1',
        })
        add('frustration_signals', url, {
          kind: 'rage_click',
          reason: null,
          selector: b.selector,
          evidence: JSON.stringify({ clicks: 3 }),
          rule_version: 'rage-1',
        })
      }
    }
    if (url.includes('/checkout') || url.includes('/login') || rnd.chance(0.2)) {
      for (const f of FIELDS.slice(0, rnd.int(1, FIELDS.length))) {
        t += rnd.int(500, 3000)
        add('form_interactions', url, {
          action: 'focus',
          field_selector: f.selector,
          field_name: f.name,
          field_type: f.type,
          form_selector: 'form#checkout',
        })
        add('keyboard_events', url, {
          key: 'Character',
          shortcut: null,
          target_selector: f.selector,
          in_field: true,
        })
        add('form_interactions', url, {
          action: 'input',
          field_selector: f.selector,
          field_name: f.name,
          field_type: f.type,
          form_selector: 'form#checkout',
          value_length: rnd.int(3, 24),
        })
        add('form_interactions', url, {
          action: 'blur',
          field_selector: f.selector,
          field_name: f.name,
          field_type: f.type,
          form_selector: 'form#checkout',
          duration_ms: rnd.int(500, 9000),
        })
      }
      const abandoned = rnd.chance(0.3)
      add('form_interactions', url, {
        action: abandoned ? 'abandon' : 'submit',
        field_selector: null,
        field_name: null,
        field_type: null,
        form_selector: 'form#checkout',
      })
    }
    for (let k = rnd.int(0, 4); k > 0; k--)
      add('keyboard_events', url, {
        key: rnd.pick(KEYS),
        shortcut: null,
        target_selector: 'body',
        in_field: false,
      })
    for (let n = rnd.int(1, 4); n > 0; n--) {
      const status = rnd.chance(0.9) ? 200 : rnd.pick([404, 500, 0])
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
    t += rnd.int(1000, 20_000)
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
    entry_url: (rows.page_views?.[0]?.url as string) ?? ORIGIN,
    actor: input.actor,
    sdk_version: '0.1.0',
  }
  return { session, rows }
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
