import { randomUUID } from 'node:crypto'
import { type AppConfig, createApp } from '../src/app.js'
import { createSite } from '../src/db/sites.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'
import { everyKind, makeBatch, ORIGIN } from './ingestHelpers.js'

/** A company with one site, its public site key and its read key. */
export interface Tenant {
  companyId: string
  siteId: string
  siteKey: string
  readKey: string
}

export interface QueryFixture {
  db: TestDatabase
  app: ReturnType<typeof createApp>
  A: Tenant
  B: Tenant
  /** A's sessions: `human` has one event of every kind; `auto` belongs to A's test run. */
  sessions: { human: string; auto: string; B: string }
  testRuns: { A: string; B: string }
  /** When A's human session started (its events follow, 1 ms apart). */
  t0: number
  drop(): Promise<void>
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

export async function ingest(
  app: QueryFixture['app'],
  siteKey: string,
  batch: Record<string, unknown>,
): Promise<void> {
  const res = await app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-sightline-key': siteKey },
    body: JSON.stringify(batch),
  })
  if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${await res.text()}`)
}

export async function createTestRun(
  app: QueryFixture['app'],
  siteKey: string,
  name: string,
): Promise<string> {
  const res = await app.request('/v1/test-runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sightline-key': siteKey },
    body: JSON.stringify({
      name,
      persona: { name: 'Hurried Shopper', age: 45, techLiteracy: 'basic', goals: ['Buy a gift'] },
      aiMetadata: { models: { strategy: { name: 'gpt-4o-mini' } }, totalCost: 0.01 },
    }),
  })
  if (res.status !== 201) throw new Error(`test run failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

/** The automated session: a test run's steps, a rage-click signal, and four LCP values on one page. */
export function autoEvents(t: number) {
  const page = `${ORIGIN}/checkout`
  return [
    { type: 'pageview', t, href: page, nav: 'load' },
    {
      type: 'custom',
      t: t + 1,
      name: 'test.step',
      props: { title: 'open checkout', phase: 'start', stepId: 's1' },
    },
    { type: 'click', t: t + 2, x: 5, y: 5, selector: 'button#pay', text: 'Pay' },
    {
      type: 'signal',
      t: t + 3,
      kind: 'rage_click',
      selector: 'button#pay',
      evidence: { clicks: 4 },
      rule: 'rage-1',
    },
    {
      type: 'custom',
      t: t + 4,
      name: 'test.step',
      props: { title: 'open checkout', phase: 'end', stepId: 's1' },
    },
    ...[100, 200, 300, 400].map((value, i) => ({
      type: 'perf',
      t: t + 5 + i,
      metric: 'LCP',
      value,
      url: `${ORIGIN}/vitals`,
    })),
  ]
}

async function tenant(db: TestDatabase, name: string): Promise<Tenant> {
  return createSite(db.sql, { name, companyName: `${name} ${randomUUID()}`, origins: [ORIGIN] })
}

/**
 * Two companies on one database, with sessions stored through the real ingest route (so the writer
 * maintains session_summaries and the NOTIFY triggers fire as in production).
 */
export async function createQueryFixture(config: AppConfig = {}): Promise<QueryFixture> {
  const db = await createMigratedDatabase()
  const app = createApp({ sql: db.sql, config })
  const A = await tenant(db, 'company A')
  const B = await tenant(db, 'company B')
  const testRuns = {
    A: await createTestRun(app, A.siteKey, 'A run'),
    B: await createTestRun(app, B.siteKey, 'B run'),
  }
  const t0 = Date.now() - 60_000
  const sessions = { human: randomUUID(), auto: randomUUID(), B: randomUUID() }
  await ingest(
    app,
    A.siteKey,
    makeBatch({ sessionId: sessions.human, session: { startedAt: t0, actor: 'human' } }, everyKind(t0)),
  )
  await ingest(
    app,
    A.siteKey,
    makeBatch(
      {
        sessionId: sessions.auto,
        session: { startedAt: t0 + 1000, actor: 'automation', testRunId: testRuns.A },
      },
      autoEvents(t0 + 1000),
    ),
  )
  await ingest(
    app,
    B.siteKey,
    makeBatch(
      {
        sessionId: sessions.B,
        session: { startedAt: t0 + 2000, actor: 'automation', testRunId: testRuns.B },
      },
      [...everyKind(t0 + 2000), ...autoEvents(t0 + 2100)],
    ),
  )
  return { db, app, A, B, sessions, testRuns, t0, drop: db.drop }
}
