import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { EventInput } from '@sightline/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { createHarness, type Harness, makeBatch, ORIGIN, post } from './ingestHelpers.js'

/**
 * Every SQL block of docs/sql-cookbook.md, run as company A's analyst (row-level security on) over
 * crafted sessions sent through POST /v1/batch, each answer checked. Company B's sessions resemble
 * A's and would change every answer if they leaked.
 */
const COOKBOOK = readFileSync(new URL('../../../docs/sql-cookbook.md', import.meta.url), 'utf8')

/** `### N. Question` followed by its ```sql block, in document order. */
function queries(): { n: number; question: string; sql: string }[] {
  const found: { n: number; question: string; sql: string }[] = []
  const re = /^### (\d+)\. (.+)$[\s\S]*?^```sql\n([\s\S]*?)^```$/gm
  for (const m of COOKBOOK.matchAll(re)) found.push({ n: Number(m[1]), question: m[2]!, sql: m[3]! })
  return found
}

let h: Harness
let companyA: string
const S: Record<string, string> = {}
const runs: Record<string, string> = {}
const P = (path: string) => `${ORIGIN}${path}`

beforeAll(async () => {
  h = await createHarness()
  companyA = h.site.companyId
  const b = await createSite(h.db.sql, {
    name: 'shop B',
    companyName: `company B ${randomUUID()}`,
    origins: [ORIGIN],
  })
  await craft(h.site.siteKey, companyA, 'A')
  await craft(b.siteKey, b.companyId, 'B')
})
afterAll(() => h.drop())

async function testRun(
  companyId: string,
  siteId: string | null,
  name: string,
  persona: object,
  status: string,
  ai: object,
) {
  const [row] = await h.db.sql<{ id: string }[]>`
    insert into test_runs (company_id, site_id, name, status, persona, ai_metadata)
    values (${companyId}, ${siteId}, ${name}, ${status}, ${h.db.sql.json(persona as never)}, ${h.db.sql.json(ai as never)})
    returning id`
  return row!.id
}

/** Sends one session as batches (one per array), all accepted. */
async function session(
  key: string,
  batches: EventInput[][],
  opts: { actor?: 'human' | 'automation'; testRunId?: string } = {},
): Promise<string> {
  const sessionId = randomUUID()
  const startedAt = Math.min(...batches.flat().map((e) => e.t)) - 1_000
  for (const [seq, events] of batches.entries()) {
    const res = await post(
      h,
      makeBatch(
        {
          sessionId,
          seq,
          session: {
            startedAt,
            actor: opts.actor ?? 'human',
            ...(opts.testRunId ? { testRunId: opts.testRunId } : {}),
          },
        },
        events,
      ),
      { key },
    )
    expect(res.status).toBe(200)
  }
  return sessionId
}

const view = (t: number, path: string, nav: 'load' | 'spa' | 'back_forward' = 'spa'): EventInput => ({
  type: 'pageview',
  t,
  url: P(path),
  href: P(path),
  nav,
})
const inp = (t: number, path: string, value: number): EventInput => ({
  type: 'perf',
  t,
  url: P(path),
  metric: 'INP',
  value,
})
const click = (t: number, path: string, selector: string): EventInput => ({
  type: 'click',
  t,
  url: P(path),
  x: 40,
  y: 60,
  selector,
  role: 'button',
})
const rage = (t: number, path: string, selector: string, count: number): EventInput[] => [
  {
    type: 'rage',
    t,
    url: P(path),
    count,
    x: 40,
    y: 60,
    selector,
    firstAt: t,
    lastAt: t + (count - 1) * 150,
    rule: 'rage-1',
  },
  ...Array.from({ length: count }, (_, i) => click(t + i * 150, path, selector)),
]
const dead = (t: number, path: string, selector: string, reason: string): EventInput[] => [
  click(t, path, selector),
  {
    type: 'signal',
    t,
    url: P(path),
    kind: 'dead_click',
    reason,
    selector,
    evidence: { windowMs: 1000, seen: [] },
    rule: 'dead-1',
  },
]
const errorClick = (t: number, path: string, selector: string, message: string): EventInput[] => [
  click(t, path, selector),
  { type: 'error', t: t + 100, url: P(path), message },
  {
    type: 'signal',
    t,
    url: P(path),
    kind: 'error_click',
    selector,
    evidence: { windowMs: 1000, seen: ['error'] },
    rule: 'error-1',
  },
]
const failedPay = (t: number, path: string, status: number): EventInput[] => [
  click(t, path, 'button#pay'),
  {
    type: 'network',
    t: t + 100,
    url: P(path),
    method: 'POST',
    target: P('/api/pay'),
    status,
    durationMs: 90,
  },
]
const field = (
  t: number,
  path: string,
  action: string,
  name: string,
  form = 'form#checkout',
  extra = {},
): EventInput =>
  ({ type: 'form', t, url: P(path), action, selector: `input#${name}`, name, form, ...extra }) as EventInput

/** The same sessions for both companies; B's only make it easy to see a leak (B also has a costly run). */
async function craft(key: string, companyId: string, label: 'A' | 'B') {
  const siteId = label === 'A' ? h.site.siteId : null
  const T = Date.now() - 30 * 60_000
  const run1 = await testRun(
    companyId,
    siteId,
    `Checkout run ${label}`,
    { name: 'Hurried Shopper', age: 45, techLiteracy: 'basic', goals: ['Buy a gift'] },
    'passed',
    {
      totalCost: label === 'A' ? 0.12 : 5,
      tokensUsed: 4000,
      models: { strategy: { name: 'gpt-4o-mini' }, vision: { name: 'claude-3-5-sonnet' } },
    },
  )
  const run2 = await testRun(
    companyId,
    siteId,
    `Accessibility run ${label}`,
    { name: 'Screen-reader User', age: 61, techLiteracy: 'intermediate', goals: ['Complete checkout'] },
    'failed',
    {
      totalCost: 0.3,
      tokensUsed: 9000,
      models: { strategy: { name: 'gpt-4o' } },
    },
  )
  const run3 = await testRun(
    companyId,
    siteId,
    `Smoke run ${label}`,
    { name: 'Hurried Shopper', age: 45, techLiteracy: 'basic', goals: ['Look around'] },
    'running',
    {
      totalCost: 0.01,
      tokensUsed: 300,
      models: { strategy: { name: 'gpt-4o-mini' } },
    },
  )
  if (label === 'B') {
    // B: a different picture everywhere (a slow page, many rage clicks, a costly run).
    await session(key, [
      [
        view(T, '/products', 'load'),
        inp(T + 10, '/products', 9000),
        ...rage(T + 1000, '/products', 'button#add', 6),
        ...rage(T + 4000, '/cart', 'button#qty', 5),
      ],
    ])
    await session(
      key,
      [
        [
          view(T, '/checkout', 'load'),
          ...failedPay(T + 1000, '/checkout', 503),
          ...dead(T + 3000, '/checkout', 'span.total', 'covered'),
        ],
      ],
      { actor: 'automation', testRunId: run1 },
    )
    await session(key, [
      [
        view(T, '/products', 'load'),
        view(T + 1000, '/products/42'),
        view(T + 2000, '/products', 'back_forward'),
        field(T + 3000, '/products', 'input', 'email', undefined, { length: 2 }),
        field(T + 3500, '/products', 'invalid', 'email'),
        ...errorClick(T + 4000, '/products', 'button#wish', 'TypeError: a is undefined'),
        field(T + 6000, '/products', 'abandon', 'email'),
      ],
    ])
    return
  }
  runs.checkout = run1
  runs.accessibility = run2
  runs.smoke = run3
  S.s1 = await session(key, [
    [
      view(T, '/products', 'load'),
      inp(T + 10, '/products', 100),
      ...rage(T + 1000, '/products', 'button#add', 4),
      ...rage(T + 5000, '/products', 'button#add', 5),
    ],
    [
      ...dead(T + 8000, '/products', 'span.price', 'no_reaction'),
      ...dead(T + 9000, '/products', 'span.price', 'no_reaction'),
      ...dead(T + 10_000, '/products', 'button#buy', 'disabled'),
    ],
    [
      view(T + 20_000, '/checkout'),
      field(T + 21_000, '/checkout', 'focus', 'email'),
      field(T + 22_000, '/checkout', 'input', 'email', undefined, { length: 3 }),
      field(T + 23_000, '/checkout', 'invalid', 'email', undefined, { message: 'Please include an @.' }),
      field(T + 30_000, '/checkout', 'abandon', 'email'),
    ],
  ])
  S.s2 = await session(key, [
    [view(T, '/cart', 'load'), inp(T + 10, '/cart', 50), ...rage(T + 1000, '/cart', 'button#qty', 3)],
    [
      view(T + 10_000, '/checkout'),
      field(T + 11_000, '/checkout', 'input', 'card', undefined, { length: 4 }),
      ...failedPay(T + 12_000, '/checkout', 500),
      field(T + 20_000, '/checkout', 'abandon', 'card'),
    ],
  ])
  S.s3 = await session(key, [
    [
      view(T, '/products', 'load'),
      inp(T + 10, '/products', 200),
      view(T + 15_000, '/products/42'),
      view(T + 18_000, '/products', 'back_forward'),
    ],
    [view(T + 40_000, '/products/7'), view(T + 46_000, '/products')],
    [
      field(T + 47_000, '/products', 'input', 'newsletter', 'form#newsletter', { length: 5 }),
      field(T + 50_000, '/products', 'abandon', 'newsletter', 'form#newsletter'),
      ...errorClick(T + 52_000, '/products', 'button#wish', 'TypeError: a is undefined'),
    ],
  ])
  S.s4 = await session(
    key,
    [
      [
        view(T, '/products', 'load'),
        inp(T + 10, '/products', 400),
        ...dead(T + 2000, '/products', 'span.price', 'no_reaction'),
        {
          type: 'mouse',
          t: T + 3000,
          url: P('/products'),
          path: [100, 400, 120, 380, 90, 420].map((x, i) => [x, 300, i * 100] as [number, number, number]),
        },
        { type: 'error', t: T + 4000, url: P('/products'), message: 'ReferenceError: b is not defined' },
      ],
    ],
    { actor: 'automation', testRunId: run1 },
  )
  S.s5 = await session(
    key,
    [
      [
        view(T, '/products', 'load'),
        inp(T + 10, '/products', 300),
        ...[0, 1, 2, 3, 4, 5].map(
          (i): EventInput => ({
            type: 'scroll',
            t: T + 1000 + i * 700,
            url: P('/products'),
            y: i % 2 ? 2000 : 100,
            depth: 50,
          }),
        ),
      ],
    ],
    { actor: 'automation', testRunId: run1 },
  )
  S.s6 = await session(
    key,
    [
      [
        view(T, '/checkout', 'load'),
        ...failedPay(T + 1000, '/checkout', 502),
        ...errorClick(T + 5000, '/checkout', 'button#coupon', 'TypeError: a is undefined'),
      ],
    ],
    { actor: 'automation', testRunId: run2 },
  )
}

/** Rows as plain objects with numbers for numeric strings (PostgreSQL's bigint and numeric arrive as strings). */
async function asAnalyst(sql: string): Promise<Record<string, unknown>[]> {
  const rows = await h.db.sql.begin(async (tx) => {
    await tx`set local role sightline_analyst`
    await tx`select set_config('app.company_id', ${companyA}, true)`
    return tx.unsafe(sql)
  })
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v,
      ]),
    ),
  )
}

/** The documented score of a weighted signal sum (docs/signals.md). */
const score = (raw: number) => Math.round(1000 * (1 - Math.exp(-raw / 10))) / 10
const avg1 = (xs: number[]) => Math.round((10 * xs.reduce((a, b) => a + b, 0)) / xs.length) / 10

const EXPECTED: Record<number, () => unknown> = {
  1: () => [
    { pageUrl: P('/products'), rageClicks: 2, sessions: 1 },
    { pageUrl: P('/cart'), rageClicks: 1, sessions: 1 },
  ],
  2: () => [
    {
      userSessionId: S.s2,
      pageUrl: P('/checkout'),
      form: 'form#checkout',
      reason: 'after_failed_request',
      invalidFields: 0,
      jsErrors: 0,
      failedRequests: 1,
    },
    {
      userSessionId: S.s1,
      pageUrl: P('/checkout'),
      form: 'form#checkout',
      reason: 'after_invalid',
      invalidFields: 1,
      jsErrors: 0,
      failedRequests: 0,
    },
  ],
  3: () => [
    { pageUrl: P('/products'), samples: 4, inpP75Ms: 325 },
    { pageUrl: P('/cart'), samples: 1, inpP75Ms: 50 },
  ],
  4: () => [
    { selector: 'span.price', reason: 'no_reaction', deadClicks: 3, sessions: 2 },
    { selector: 'button#buy', reason: 'disabled', deadClicks: 1, sessions: 1 },
  ],
  5: () => [
    { persona: 'Hurried Shopper', kind: 'dead_click', signals: 1, sessions: 1 },
    { persona: 'Hurried Shopper', kind: 'excessive_scrolling', signals: 1, sessions: 1 },
    { persona: 'Hurried Shopper', kind: 'mouse_thrashing', signals: 1, sessions: 1 },
    { persona: 'Screen-reader User', kind: 'error_click', signals: 1, sessions: 1 },
    { persona: 'Screen-reader User', kind: 'failed_request_click', signals: 1, sessions: 1 },
  ],
  6: () => [
    {
      name: 'Checkout run A',
      status: 'passed',
      sessions: 2,
      signals: 3,
      avgFrustrationScore: avg1([score(2), score(1)]),
    },
    { name: 'Accessibility run A', status: 'failed', sessions: 1, signals: 2, avgFrustrationScore: score(5) },
    { name: 'Smoke run A', status: 'running', sessions: 0, signals: 0, avgFrustrationScore: null },
  ],
  7: () => [
    {
      name: 'Accessibility run A',
      totalCostUsd: 0.3,
      tokens: 9000,
      models: 'gpt-4o',
      sessions: 1,
      costPerSession: 0.3,
      costPerSignal: 0.15,
    },
    {
      name: 'Checkout run A',
      totalCostUsd: 0.12,
      tokens: 4000,
      models: 'gpt-4o-mini, claude-3-5-sonnet',
      sessions: 2,
      costPerSession: 0.06,
      costPerSignal: 0.04,
    },
    {
      name: 'Smoke run A',
      totalCostUsd: 0.01,
      tokens: 300,
      models: 'gpt-4o-mini',
      sessions: 0,
      costPerSession: null,
      costPerSignal: null,
    },
  ],
  8: () => {
    // s1: 2 rage (3) + 3 dead (1) + 1 abandonment (2) = 11; s2: rage 3 + failed click 2 + abandonment 2 = 7;
    // s3: 2 quick backs (1) + abandonment 2 + error click 3 = 7; s6: failed click 2 + error click 3 = 5;
    // s4: dead 1 + thrashing 1 = 2; s5: excessive scrolling 1.
    const rows = [
      [S.s1, 11, 6, 'human', '/products'],
      ...[
        [S.s2, 7, 3, 'human', '/cart'],
        [S.s3, 7, 4, 'human', '/products'],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
      [S.s6, 5, 2, 'automation', '/checkout'],
      [S.s4, 2, 2, 'automation', '/products'],
      [S.s5, 1, 1, 'automation', '/products'],
    ] as [string, number, number, string, string][]
    return rows.map(([id, raw, n, actor, path]) => ({
      userSessionId: id,
      frustrationScore: score(raw),
      signalCount: n,
      actor,
      entryUrl: P(path),
    }))
  },
  9: () => [
    { selector: 'button#pay', method: 'POST', url: P('/api/pay'), status: 500, clicks: 1 },
    { selector: 'button#pay', method: 'POST', url: P('/api/pay'), status: 502, clicks: 1 },
  ],
  10: () => [
    { pageUrl: P('/products/42'), quickBacks: 1, medianDwellMs: 3000 },
    { pageUrl: P('/products/7'), quickBacks: 1, medianDwellMs: 6000 },
  ],
  11: () => [
    { message: 'TypeError: a is undefined', errors: 2, sessions: 2, afterAClick: 2 },
    { message: 'ReferenceError: b is not defined', errors: 1, sessions: 1, afterAClick: 0 },
  ],
  12: () => [{ pageUrl: P('/products'), selector: 'button#add', rageClicks: 1 }],
  13: () => [
    {
      actor: 'automation',
      sessions: 3,
      avgFrustrationScore: avg1([score(5), score(2), score(1)]),
      sessionsWithSignals: 3,
    },
    {
      actor: 'human',
      sessions: 3,
      avgFrustrationScore: avg1([score(11), score(7), score(7)]),
      sessionsWithSignals: 3,
    },
  ],
}

describe('docs/sql-cookbook.md', () => {
  it('should hold at least 10 numbered questions, each with one SQL block and an expected answer here', () => {
    const found = queries()
    expect(found.length).toBeGreaterThanOrEqual(10)
    expect(found.map((q) => q.n)).toEqual(found.map((_, i) => i + 1))
    expect(found.map((q) => q.n)).toEqual(Object.keys(EXPECTED).map(Number))
  })

  for (const q of queries()) {
    it(`${q.n}. ${q.question}`, async () => {
      expect(await asAnalyst(q.sql)).toEqual(EXPECTED[q.n]!())
    })
  }
})
